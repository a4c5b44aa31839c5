package dev.carlink.app.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A minimal HTTP/1.1 client on a plain socket, so that the fuzzer sends exactly the bytes it means to, including
 * what {@code java.net.http} refuses to send (a lying Content-Length, bare LF, NUL in a header, broken chunking,
 * several requests in one write). It reads answers strictly: status line, headers, then the body by Content-Length
 * or chunks; a server-sent event stream is read up to its headers and the connection given up.
 */
final class RawHttp implements AutoCloseable {

    /** One answer. {@code body} is cut at {@link #MAX_BODY} bytes. */
    record Answer(int status, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        boolean closes() {
            return "close".equalsIgnoreCase(header("connection"));
        }
    }

    static final int MAX_BODY = 8 * 1024 * 1024;
    private static final int MAX_HEAD = 64 * 1024;

    private final InetSocketAddress server;
    private final int timeoutMs;
    private Socket socket;
    private InputStream in;

    RawHttp(InetSocketAddress server, int timeoutMs) {
        this.server = server;
        this.timeoutMs = timeoutMs;
    }

    /** Sends {@code request} on the open connection, or on a new one. */
    void send(byte[] request) throws IOException {
        if (socket == null || socket.isClosed()) {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(server, timeoutMs);
            socket.setSoTimeout(timeoutMs);
            in = new java.io.BufferedInputStream(socket.getInputStream(), 16 * 1024);
        }
        socket.getOutputStream().write(request);
        socket.getOutputStream().flush();
    }

    /** Tells the server nothing more is coming (a half close): it must answer what it has or hang up. */
    void endOutput() throws IOException {
        if (socket != null && !socket.isClosed()) {
            socket.shutdownOutput();
        }
    }

    void timeout(int ms) throws IOException {
        if (socket != null && !socket.isClosed()) {
            socket.setSoTimeout(ms);
        }
    }

    /**
     * The next answer ({@code head}: to a HEAD request, without a body); null when the server closed the connection before a status line. A read timeout is
     * thrown as {@link SocketTimeoutException}.
     */
    Answer read(boolean head) throws IOException {
        String statusLine = line();
        while (statusLine != null && statusLine.isEmpty()) {
            statusLine = line();
        }
        if (statusLine == null) {
            close();
            return null;
        }
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not a status line: " + printable(statusLine));
        }
        int status = Integer.parseInt(parts[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h = line(); h != null && !h.isEmpty(); h = line()) {
            int colon = h.indexOf(':');
            if (colon > 0) {
                headers.merge(
                        h.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        h.substring(colon + 1).trim(),
                        (a, b) -> a + ", " + b);
            }
        }
        if (status >= 100 && status < 200) {
            return read(head); // 100 Continue: the answer follows
        }
        String type = headers.getOrDefault("content-type", "");
        if (type.startsWith("text/event-stream")) {
            close(); // a stream does not end: its head is the answer
            return new Answer(status, headers, new byte[0]);
        }
        byte[] body;
        if (head) {
            body = new byte[0];
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = chunked();
        } else if (headers.containsKey("content-length")) {
            body = exactly(Long.parseLong(headers.get("content-length")));
        } else if (status == 204 || status == 304) {
            body = new byte[0];
        } else {
            body = toEnd();
        }
        Answer answer = new Answer(status, headers, body);
        if (answer.closes()) {
            close();
        }
        return answer;
    }

    private byte[] chunked() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            String size = line();
            if (size == null) {
                throw new IOException("connection closed inside a chunked body");
            }
            int semicolon = size.indexOf(';');
            long n = Long.parseLong((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
            if (n == 0) {
                for (String trailer = line(); trailer != null && !trailer.isEmpty(); trailer = line()) {
                    // trailers are not used by the API
                }
                return out.toByteArray();
            }
            byte[] chunk = exactly(n);
            if (out.size() < MAX_BODY) {
                out.write(chunk);
            }
            line();
        }
    }

    private byte[] exactly(long n) throws IOException {
        if (n > MAX_BODY) {
            throw new IOException("answer of " + n + " bytes");
        }
        byte[] out = in.readNBytes((int) n);
        if (out.length < n) {
            throw new IOException("connection closed after " + out.length + " of " + n + " body bytes");
        }
        return out;
    }

    private byte[] toEnd() throws IOException {
        byte[] out = in.readNBytes(MAX_BODY);
        close();
        return out;
    }

    /** A line without its CRLF (or bare LF); null at the end of the stream. */
    private String line() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                break;
            }
            if (out.size() >= MAX_HEAD) {
                throw new IOException("header line longer than " + MAX_HEAD);
            }
            out.write(b);
        }
        if (b == -1 && out.size() == 0) {
            return null;
        }
        String s = out.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    /** Reads up to {@code n} answers (pipelined requests), stopping at the first close or timeout. */
    List<Answer> readUpTo(int n) throws IOException {
        List<Answer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Answer a;
            try {
                a = read(false);
            } catch (SocketTimeoutException e) {
                break;
            }
            if (a == null) {
                break;
            }
            out.add(a);
            if (socket == null) {
                break;
            }
        }
        return out;
    }

    boolean open() {
        return socket != null && !socket.isClosed();
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing a broken connection: nothing to do
            }
            socket = null;
        }
    }

    /** Bytes as text a person can read: printable ASCII as is, the rest escaped. */
    static String printable(byte[] bytes, int max) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.min(bytes.length, max); i++) {
            int b = bytes[i] & 0xff;
            if (b == '\\') {
                out.append("\\\\");
            } else if (b == '\r') {
                out.append("\\r");
            } else if (b == '\n') {
                out.append("\\n");
            } else if (b >= 0x20 && b < 0x7f) {
                out.append((char) b);
            } else {
                out.append(String.format(Locale.ROOT, "\\x%02x", b));
            }
        }
        if (bytes.length > max) {
            out.append(String.format(Locale.ROOT, "... (%,d bytes in all)", bytes.length));
        }
        return out.toString();
    }

    static String printable(String s) {
        return printable(s.getBytes(StandardCharsets.ISO_8859_1), 300);
    }
}
