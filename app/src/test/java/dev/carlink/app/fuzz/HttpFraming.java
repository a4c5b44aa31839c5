package dev.carlink.app.fuzz;

import dev.carlink.app.fuzz.ApiOperations.Operation;
import dev.carlink.app.fuzz.HttpFuzzer.Kind;
import dev.carlink.app.fuzz.HttpShot.Request;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Header mutations (Content-Type, Content-Length, Authorization, Idempotency-Key, Host, Expect, Transfer-Encoding,
 * oversized and repeated headers) and HTTP/1.1 framing abuse (chunked garbage, lying lengths, bare line feeds, folded
 * and NUL-bearing headers, odd request lines, HTTP/0.9 and HTTP/2 prefaces, smuggling shapes): what only a raw
 * socket sends.
 */
final class HttpFraming {

    private HttpFraming() {}

    /** One header mutation of {@code r}; returns what it did. Marks {@code r} not well formed where it breaks HTTP. */
    static String headers(Request r, Map<String, String> tokens, SplittableRandom random) {
        String owner = tokens.get("owner");
        switch (random.nextInt(22)) {
            case 0:
                r.removeHeader("Content-Type");
                return "Content-Type missing";
            case 1: {
                r.removeHeader("Content-Type");
                r.header("Content-Type", JsonMutations.pick(CONTENT_TYPES, random));
                if (r.body == null) {
                    r.body = "{}".getBytes(StandardCharsets.UTF_8);
                }
                return "Content-Type wrong";
            }
            case 2:
                r.removeHeader("Authorization");
                r.header(
                        "Authorization",
                        JsonMutations.pick(
                                List.of(
                                        "Basic YWxpY2U6YWxpY2UtdGVzdC1wYXNz",
                                        "Bearer",
                                        "Bearer ",
                                        "bearer " + owner,
                                        "BEARER " + owner,
                                        "Bearer  " + owner,
                                        "Bearer " + owner + " extra",
                                        "Bearer " + owner + ",Bearer x",
                                        "Token " + owner,
                                        "Negotiate YII=",
                                        "Digest username=\"alice\"",
                                        "Bearer " + "A".repeat(7000),
                                        owner),
                                random));
                return "Authorization scheme odd";
            case 3:
                r.header("Authorization", "Bearer " + tokens.get("staff"));
                return "Authorization twice";
            case 4:
                r.removeHeader("Idempotency-Key");
                r.header(
                        "Idempotency-Key",
                        JsonMutations.pick(
                                List.of(
                                        "",
                                        " ",
                                        "k".repeat(201),
                                        "k".repeat(200),
                                        "\u00d0\u00ba\u00d0\u00bb\u00d1\u008e\u00d1\u0087",
                                        "key with spaces",
                                        "\u007f",
                                        "fixed-key-1",
                                        "fixed-key-1\t"),
                                random));
                return "Idempotency-Key odd";
            case 5:
                r.header("Idempotency-Key", "a");
                r.header("Idempotency-Key", "b");
                return "Idempotency-Key twice";
            case 6: { // a Content-Length longer than the body: the rest never comes
                r.contentLength = false;
                byte[] body = r.body == null ? new byte[0] : r.body;
                r.header("Content-Length", String.valueOf(body.length + 1 + random.nextInt(1000)));
                r.body = body;
                r.wellFormed = false;
                return "Content-Length longer than the body";
            }
            case 7: { // shorter: the rest of the body is read as the next request
                r.contentLength = false;
                byte[] body =
                        r.body == null || r.body.length == 0 ? "{\"a\":1}".getBytes(StandardCharsets.UTF_8) : r.body;
                r.header("Content-Length", String.valueOf(random.nextInt(body.length)));
                r.body = body;
                r.wellFormed = false;
                return "Content-Length shorter than the body";
            }
            case 8:
                r.contentLength = false;
                r.header(
                        "Content-Length",
                        JsonMutations.pick(
                                List.of("-1", "abc", "+5", " 5", "0x10", "99999999999999999999", "1,2", ""), random));
                r.wellFormed = false;
                return "Content-Length not a length";
            case 9:
                r.contentLength = false;
                int n = r.body == null ? 0 : r.body.length;
                r.header("Content-Length", String.valueOf(n));
                r.header("Content-Length", String.valueOf(n + 3));
                r.wellFormed = false;
                return "two Content-Lengths";
            case 10:
                r.contentLength = false;
                r.header("Content-Length", String.valueOf(10_000_000 + random.nextInt(1_000_000)));
                r.wellFormed = false;
                return "Content-Length far above the limit";
            case 11:
                r.removeHeader("Host");
                r.header("Host", JsonMutations.pick(List.of("", "evil.example", "h".repeat(2000), "a b"), random));
                return "Host odd";
            case 12:
                r.removeHeader("Host");
                return "Host missing";
            case 13:
                r.header("Host", "second.example");
                return "Host twice";
            case 14:
                r.header("Expect", JsonMutations.pick(List.of("100-continue", "nonsense", "200-ok"), random));
                return "Expect";
            case 15:
                r.header("Content-Encoding", JsonMutations.pick(List.of("gzip", "deflate", "br", "x"), random));
                return "Content-Encoding the body does not have";
            case 16:
                for (int i = 0; i < 100 + random.nextInt(200); i++) {
                    r.header("X-Fuzz-" + i, "v" + i);
                }
                return "hundreds of headers";
            case 17:
                r.header("X-Big", "b".repeat(4_000 + random.nextInt(80_000)));
                return "one huge header";
            case 18:
                r.header(JsonMutations.pick(List.of("Bad Header", "X-\u0000", "(x)", "X:Y"), random), "v");
                r.wellFormed = false;
                return "header name not a token";
            case 19:
                r.header("X-Ctl", JsonMutations.pick(List.of("a\u0000b", "a\rb", "\u00ff\u00fe"), random));
                r.wellFormed = false;
                return "control bytes in a header value";
            case 20:
                r.header("Connection", JsonMutations.pick(List.of("close", "upgrade", "keep-alive, close"), random));
                r.header("Upgrade", JsonMutations.pick(List.of("h2c", "websocket", "TLS/1.2"), random));
                return "Upgrade asked for";
            default:
                r.header("X-Forwarded-For", JsonMutations.pick(List.of("127.0.0.2", "999.1.1.1", "x, y, z"), random));
                r.header("Forwarded", "for=\"[::1]\";proto=gopher");
                return "forwarding headers";
        }
    }

    private static final List<String> CONTENT_TYPES = List.of(
            "text/plain",
            "application/xml",
            "application/json; charset=utf-16",
            "application/json; charset=nonsense",
            "multipart/form-data; boundary=x",
            "application/x-www-form-urlencoded",
            "",
            "application/json;;;",
            "*/*",
            "application/problem+json",
            "application/json; " + "a=b; ".repeat(200),
            "image/png");

    /** A framing case built around operation {@code op}'s seed. */
    static HttpShot shot(HttpShots shots, Operation op, String caller, SplittableRandom random) {
        Request r = shots.seed(op, caller, random);
        byte[] body = r.body == null || r.body.length == 0 ? "{\"a\":1}".getBytes(StandardCharsets.UTF_8) : r.body;
        String host = shots.host();
        String label;
        byte[] bytes;
        boolean wellFormed = false;
        boolean halfClose = true;
        switch (random.nextInt(20)) {
            case 0: { // valid chunking, in random pieces: must work
                r.contentLength = false;
                r.header("Transfer-Encoding", "chunked");
                bytes = concat(head(r), chunks(body, random, false));
                label = "chunked body";
                wellFormed = true;
                halfClose = false;
                break;
            }
            case 1:
                r.contentLength = false;
                r.header("Transfer-Encoding", "chunked");
                bytes = concat(
                        head(r),
                        ascii(JsonMutations.pick(
                                List.of(
                                        "zz\r\n{}\r\n0\r\n\r\n",
                                        "-1\r\n{}\r\n0\r\n\r\n",
                                        "fffffffffffffffff\r\n{}",
                                        "2\r\n{}0\r\n\r\n",
                                        "0x2\r\n{}\r\n0\r\n\r\n",
                                        " 2 \r\n{}\r\n0\r\n\r\n"),
                                random)));
                label = "chunk size garbage";
                break;
            case 2:
                r.contentLength = false;
                r.header("Transfer-Encoding", "chunked");
                bytes = concat(head(r), chunks(body, random, true));
                label = "chunked body without its last chunk";
                break;
            case 3:
                r.contentLength = false;
                r.header("Transfer-Encoding", "chunked");
                bytes = concat(
                        head(r),
                        ascii(Integer.toHexString(body.length) + ";" + "e".repeat(20_000) + "\r\n"),
                        body,
                        ascii("\r\n0\r\nX-Trailer: " + "t".repeat(10_000) + "\r\n\r\n"));
                label = "chunk extension and trailer huge";
                break;
            case 4: // CL.TE: which one counts?
                r.contentLength = false;
                r.header("Content-Length", String.valueOf(body.length + 5));
                r.header("Transfer-Encoding", "chunked");
                bytes = concat(
                        head(r),
                        chunks(body, random, false),
                        ascii("GET /api/v1/admin/audit HTTP/1.1\r\nHost: " + host + "\r\n\r\n"));
                label = "Content-Length and chunked, smuggled request behind";
                break;
            case 5:
                r.contentLength = false;
                r.header(
                        "Transfer-Encoding",
                        JsonMutations.pick(
                                List.of("gzip, chunked", "chunked, identity", "xchunked", "chunked\u000b"), random));
                bytes = concat(head(r), chunks(body, random, false));
                label = "Transfer-Encoding odd";
                break;
            case 6:
                bytes = ascii(new String(r.bytes(), StandardCharsets.ISO_8859_1).replace("\r\n", "\n"));
                label = "bare line feeds";
                wellFormed = false;
                break;
            case 7:
                bytes = ascii(new String(r.bytes(), StandardCharsets.ISO_8859_1)
                        .replaceFirst("\r\n", "\r\nX-Folded: a\r\n  b\r\n"));
                label = "folded header";
                break;
            case 8:
                bytes = ascii(new String(r.bytes(), StandardCharsets.ISO_8859_1)
                        .replaceFirst("\r\n", "\r\nX-" + "h".repeat(70_000) + ": v\r\n"));
                label = "oversized header name";
                break;
            case 9:
                bytes = ascii(op.method() + " " + r.target + "?" + "q".repeat(70_000) + " HTTP/1.1\r\nHost: " + host
                        + "\r\n\r\n");
                label = "oversized request line";
                break;
            case 10:
                bytes = ascii(JsonMutations.pick(
                        List.of(
                                "GET /\r\n\r\n",
                                "GET / HTTP/9.9\r\nHost: " + host + "\r\n\r\n",
                                "GET / FOO/1.1\r\nHost: " + host + "\r\n\r\n",
                                "get / http/1.1\r\nHost: " + host + "\r\n\r\n",
                                "GET  /api/v1/vehicles  HTTP/1.1\r\nHost: " + host + "\r\n\r\n",
                                "\r\n\r\nGET /health HTTP/1.1\r\nHost: " + host + "\r\n\r\n",
                                "GET /health HTTP/1.0\r\n\r\n",
                                "CONNECT 127.0.0.1:80 HTTP/1.1\r\nHost: 127.0.0.1:80\r\n\r\n",
                                "OPTIONS * HTTP/1.1\r\nHost: " + host + "\r\n\r\n",
                                "GET /health HTTP/1.1\r\nHost: " + host + "\r\nX: \u0000\r\n\r\n",
                                " GET /health HTTP/1.1\r\nHost: " + host + "\r\n\r\n",
                                "GET /health HTTP/1.1\r\nHost " + host + "\r\n\r\n",
                                "GET /health HTTP/1.1\r\nHost : " + host + "\r\n\r\n",
                                "GET /health HTTP/1.1\rHost: " + host + "\r\r"),
                        random));
                label = "odd request line or header line";
                break;
            case 11:
                bytes = ascii("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\u0000\u0000\u0012\u0004\u0000\u0000\u0000\u0000\u0000");
                label = "HTTP/2 preface";
                break;
            case 12:
                bytes = concat(
                        new byte[] {0x16, 0x03, 0x01, 0x00, (byte) 0xa5, 0x01, 0x00, 0x00, (byte) 0xa1, 0x03, 0x03},
                        Mutator.randomBytes(160, random));
                label = "TLS ClientHello";
                break;
            case 13:
                bytes = Mutator.randomBytes(1 + random.nextInt(4096), random);
                label = "random bytes";
                break;
            case 14: // Expect: 100-continue and then no body
                r.header("Expect", "100-continue");
                r.contentLength = false;
                r.header("Content-Length", String.valueOf(body.length));
                bytes = head(r);
                label = "Expect 100-continue, body never sent";
                break;
            case 15:
                bytes = concat(r.bytes(), Mutator.randomBytes(1 + random.nextInt(64), random));
                label = "garbage after a request";
                halfClose = true;
                break;
            case 16: { // the request cut anywhere
                byte[] all = r.bytes();
                bytes = java.util.Arrays.copyOf(all, random.nextInt(all.length));
                label = "request cut short";
                break;
            }
            case 17: // a body far above the limit, truly sent
                r.body = concat(ascii("{\"a\":\""), ascii("x".repeat(70_000 + random.nextInt(200_000))), ascii("\"}"));
                r.removeHeader("Content-Type");
                r.header("Content-Type", "application/json");
                bytes = r.bytes();
                label = "body above 64 KiB";
                wellFormed = true;
                halfClose = false;
                break;
            case 18: // chunked, above the limit
                r.contentLength = false;
                r.header("Transfer-Encoding", "chunked");
                bytes = concat(head(r), chunks(ascii("[" + "1,".repeat(40_000) + "1]"), random, false));
                label = "chunked body above 64 KiB";
                wellFormed = true;
                halfClose = false;
                break;
            default:
                bytes = ascii(new String(r.bytes(), StandardCharsets.ISO_8859_1).replace("HTTP/1.1", "HTTP/1.0"));
                label = "HTTP/1.0";
                wellFormed = true;
                halfClose = false;
                break;
        }
        return new HttpShot(Kind.FRAMING, label, op.toString(), caller, bytes, wellFormed, 1, false, halfClose);
    }

    private static byte[] head(Request r) {
        byte[] body = r.body;
        boolean cl = r.contentLength;
        r.body = null;
        r.contentLength = false;
        byte[] out = r.bytes();
        r.body = body;
        r.contentLength = cl;
        return out;
    }

    private static byte[] chunks(byte[] body, SplittableRandom random, boolean withoutEnd) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (at < body.length) {
            int n = Math.min(body.length - at, 1 + random.nextInt(Math.max(1, body.length / 2 + 1)));
            out.writeBytes(ascii(Integer.toHexString(n) + "\r\n"));
            out.write(body, at, n);
            out.writeBytes(ascii("\r\n"));
            at += n;
        }
        if (!withoutEnd) {
            out.writeBytes(ascii("0\r\n\r\n"));
        }
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
