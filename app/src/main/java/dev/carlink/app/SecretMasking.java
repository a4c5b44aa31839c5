package dev.carlink.app;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Secrets are masked in whatever the log prints, whoever logged it. carlink's own code never logs a secret, but
 * libraries log what they handle at DEBUG: Californium prints whole CoAP requests, and a car's session token
 * travels in the request's URI query ({@code t=...}), as a browser's bearer token does in a stream's {@code
 * access_token=...}. The log pattern uses {@code %maskedMsg} and {@code %maskedEx} ({@link Message}, {@link
 * Exception}) instead of {@code %msg} and {@code %ex}.
 */
public final class SecretMasking {

    private static final String MASK = "****";

    private static final List<Pattern> SECRETS = List.of(
            // a token in a URI query: CoAP's t=..., the streams' access_token=...
            Pattern.compile("(?<keep>(?:^|[?&\\s\"'])(?:t|access_token|token|secret|password)=)[^&\\s\"',;}\\]]+"),
            // an Authorization header's credentials
            Pattern.compile("(?<keep>(?i:bearer|basic)\\s+)[A-Za-z0-9._~+/=-]+"),
            // a JSON field holding a secret
            Pattern.compile("(?<keep>\"(?:password|secret|token|access_token)\"\\s*:\\s*\")[^\"]*"));

    private SecretMasking() {}

    /** {@code text} with every secret it recognises replaced by {@code ****}. */
    public static String mask(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String masked = text;
        for (Pattern secret : SECRETS) {
            masked = secret.matcher(masked).replaceAll("${keep}" + MASK);
        }
        return masked;
    }

    /** {@code %maskedMsg}: the message, masked. */
    public static final class Message extends ClassicConverter {
        @Override
        public String convert(ILoggingEvent event) {
            return mask(event.getFormattedMessage());
        }
    }

    /** {@code %maskedEx}: the exception and its causes with their stack traces, masked. */
    public static final class Exception extends ThrowableProxyConverter {
        @Override
        public String convert(ILoggingEvent event) {
            return mask(super.convert(event));
        }
    }
}
