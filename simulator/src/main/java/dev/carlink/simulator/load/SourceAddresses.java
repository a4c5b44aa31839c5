package dev.carlink.simulator.load;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Local addresses the load's connections are bound to, round-robin. One address gives about 28,000
 * connections to one server port (the ephemeral port range); several 127.0.0.x addresses multiply that. Only
 * loopback addresses are accepted: the load goes to this machine and nowhere else.
 */
public final class SourceAddresses {

    private SourceAddresses() {}

    /** {@code 127.0.0.1..127.0.0.count}. */
    public static List<String> count(int count) {
        if (count < 1 || count > 254) {
            throw new IllegalArgumentException("source address count must be 1..254, was " + count);
        }
        List<String> out = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            out.add("127.0.0." + i);
        }
        return out;
    }

    /** A comma-separated list; each must be an IPv4 loopback address. */
    public static List<String> parse(String list) {
        List<String> out = new ArrayList<>();
        for (String raw : list.split(",")) {
            String address = raw.trim();
            if (address.isEmpty()) {
                continue;
            }
            if (!address.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
                throw new IllegalArgumentException("source address must be an IPv4 address, was " + address);
            }
            try {
                if (!InetAddress.getByName(address).isLoopbackAddress()) {
                    throw new IllegalArgumentException(
                            "source address must be loopback (127.x.x.x): load goes only to this machine, was "
                                    + address);
                }
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("source address is not an address: " + address);
            }
            out.add(address);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("source addresses must name at least one address");
        }
        return List.copyOf(out);
    }
}
