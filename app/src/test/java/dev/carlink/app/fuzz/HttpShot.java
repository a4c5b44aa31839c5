package dev.carlink.app.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One thing the HTTP fuzzer sends: the bytes, what kind of mutation made them, and what the server owes in
 * return. A well-formed shot (a request any HTTP/1.1 server must parse) must be answered; the answers to the
 * others are checked the same way when they come, but the server may also just hang up.
 *
 * @param kind the family of mutation ({@link HttpFuzzer.Kind})
 * @param label what exactly was done, for the summary
 * @param operation the documented operation it started from ({@code METHOD /path}), or the framing case
 * @param caller who it claims to be
 * @param bytes exactly what goes on the wire
 * @param wellFormed whether every request in it is well framed, so that each must get an answer
 * @param requests how many requests it holds (more than one when pipelined)
 * @param head whether the (single) request is a HEAD, whose answer has no body
 * @param halfClose whether the fuzzer closes its side after sending (a body that will never come in full)
 */
record HttpShot(
        HttpFuzzer.Kind kind,
        String label,
        String operation,
        String caller,
        byte[] bytes,
        boolean wellFormed,
        int requests,
        boolean head,
        boolean halfClose) {

    /** A request as its parts, written out by {@link #bytes()} with a true Content-Length unless told otherwise. */
    static final class Request {
        String method;
        String target;
        final List<String[]> headers = new ArrayList<>();
        byte[] body;
        /** Whether to add {@code Content-Length} for the body (false when a header mutation set its own). */
        boolean contentLength = true;
        /** Whether the request line and headers are ones any HTTP/1.1 parser accepts. */
        boolean wellFormed = true;

        Request(String method, String target) {
            this.method = method;
            this.target = target;
        }

        Request header(String name, String value) {
            headers.add(new String[] {name, value});
            return this;
        }

        void removeHeader(String name) {
            headers.removeIf(h -> h[0].equalsIgnoreCase(name));
        }

        boolean hasHeader(String name) {
            return headers.stream().anyMatch(h -> h[0].equalsIgnoreCase(name));
        }

        byte[] bytes() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            StringBuilder head = new StringBuilder();
            head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
            for (String[] h : headers) {
                head.append(h[0]).append(": ").append(h[1]).append("\r\n");
            }
            if (contentLength && body != null) {
                head.append("Content-Length: ").append(body.length).append("\r\n");
            }
            head.append("\r\n");
            // header values may carry raw bytes the mutations chose: ISO-8859-1 keeps each char one byte
            out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                out.writeBytes(body);
            }
            return out.toByteArray();
        }
    }

    /** The request line, the headers and a readable start of the body, escaped: what the summary shows to replay. */
    String describe(int max) {
        return RawHttp.printable(bytes, max);
    }
}
