package dev.carlink.simulator;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Parses positive durations written as {@code 500ms}, {@code 5s}, {@code 10m}, {@code 2h}, {@code 1d} or ISO-8601. */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    private static final Pattern SHORT = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    /** For options where zero means "none" (a warm-up, a drain): accepts {@code 0s} as well. */
    static final class ZeroOrMore implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            Duration duration = parseAny(value);
            if (duration.isNegative()) {
                throw new CommandLine.TypeConversionException("'" + value + "' must not be negative");
            }
            return duration;
        }
    }

    static Duration parse(String value) {
        Duration duration = parseAny(value);
        if (duration.isNegative() || duration.isZero()) {
            throw new CommandLine.TypeConversionException("'" + value + "' must be a positive duration");
        }
        return duration;
    }

    private static Duration parseAny(String value) {
        String text = value == null ? "" : value.trim();
        Duration duration;
        Matcher matcher = SHORT.matcher(text);
        try {
            if (matcher.matches()) {
                long amount = Long.parseLong(matcher.group(1));
                duration = switch (matcher.group(2)) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "s" -> Duration.ofSeconds(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    case "h" -> Duration.ofHours(amount);
                    default -> Duration.ofDays(amount);
                };
            } else {
                duration = Duration.parse(text.toUpperCase());
            }
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
            throw new CommandLine.TypeConversionException(
                    "'" + value + "' is not a duration: use e.g. 500ms, 5s, 10m, 2h or PT5S");
        }
        return duration;
    }
}
