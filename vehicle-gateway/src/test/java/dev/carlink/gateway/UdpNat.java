package dev.carlink.gateway;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;

/**
 * A NAT between one car and a UDP server, on loopback: the car sends to {@link #insidePort()}, the server sees
 * the datagrams come from the NAT's outside port, which {@link #rebind()} changes, as a carrier NAT or a
 * parking-garage reconnect does. Answers to the current outside port go back to the car.
 */
final class UdpNat implements AutoCloseable {

    private final InetSocketAddress server;
    private final DatagramSocket inside;
    private volatile DatagramSocket outside;
    private volatile SocketAddress car;
    private volatile boolean closed;

    UdpNat(int serverPort) throws SocketException {
        this.server = new InetSocketAddress(InetAddress.getLoopbackAddress(), serverPort);
        this.inside = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.outside = newOutside();
        Thread up = new Thread(this::carToServer, "nat-up");
        up.setDaemon(true);
        up.start();
    }

    int insidePort() {
        return inside.getLocalPort();
    }

    /** The port the server currently sees the car on. */
    int outsidePort() {
        return outside.getLocalPort();
    }

    /** A new outside port: the old mapping is gone, datagrams to it are lost. */
    void rebind() throws SocketException {
        DatagramSocket old = outside;
        outside = newOutside();
        old.close();
    }

    private DatagramSocket newOutside() throws SocketException {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread down = new Thread(() -> serverToCar(socket), "nat-down-" + socket.getLocalPort());
        down.setDaemon(true);
        down.start();
        return socket;
    }

    private void carToServer() {
        byte[] buffer = new byte[65_535];
        while (!closed) {
            try {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                inside.receive(packet);
                car = packet.getSocketAddress();
                outside.send(new DatagramPacket(packet.getData(), packet.getLength(), server));
            } catch (IOException e) {
                // closed, or the outside socket was swapped mid-send: the datagram is lost, as on a real NAT
            }
        }
    }

    private void serverToCar(DatagramSocket socket) {
        byte[] buffer = new byte[65_535];
        while (!closed && !socket.isClosed()) {
            try {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                socket.receive(packet);
                SocketAddress to = car;
                if (to != null) {
                    inside.send(new DatagramPacket(packet.getData(), packet.getLength(), to));
                }
            } catch (IOException e) {
                // socket closed by rebind() or close()
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        inside.close();
        outside.close();
    }
}
