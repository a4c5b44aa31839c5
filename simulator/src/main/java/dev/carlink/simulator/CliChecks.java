package dev.carlink.simulator;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;

/** Argument checks shared by the commands; each adds a message naming the option to {@code problems}. */
final class CliChecks {

    private CliChecks() {}

    /** A {@code tcp://host:port} (or ssl) URI, or {@code null} after adding a problem. */
    static URI mqttUri(String option, String value, List<String> problems) {
        URI uri = parse(option, value, problems);
        if (uri == null) {
            return null;
        }
        if (!"tcp".equals(uri.getScheme()) && !"ssl".equals(uri.getScheme())
                || uri.getHost() == null
                || uri.getPort() < 0) {
            problems.add(option + " must be tcp://host:port (or ssl://host:port), was '" + value + "'");
            return null;
        }
        return uri;
    }

    /** A {@code coap://host:port} or {@code coaps://host:port} (DTLS) URI, or {@code null} after adding a problem. */
    static URI coapUri(String option, String value, List<String> problems) {
        URI uri = parse(option, value, problems);
        if (uri == null) {
            return null;
        }
        if (!("coap".equals(uri.getScheme()) || "coaps".equals(uri.getScheme()))
                || uri.getHost() == null
                || uri.getPort() < 1) {
            problems.add(option + " must be coap://host:port or coaps://host:port, was '" + value + "'");
            return null;
        }
        return uri;
    }

    /** An {@code http(s)://host[:port]} URI, or {@code null} after adding a problem. */
    static URI httpUri(String option, String value, List<String> problems) {
        URI uri = parse(option, value, problems);
        if (uri == null) {
            return null;
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            problems.add(option + " must be http://host:port (or https), was '" + value + "'");
            return null;
        }
        return uri;
    }

    static void required(String option, String value, List<String> problems) {
        if (value == null || value.isBlank()) {
            problems.add("missing " + option);
        }
    }

    private static URI parse(String option, String value, List<String> problems) {
        if (value == null || value.isBlank()) {
            problems.add("missing " + option);
            return null;
        }
        try {
            return new URI(value.trim());
        } catch (URISyntaxException e) {
            problems.add(option + " is not a URL: '" + value + "'");
            return null;
        }
    }
}
