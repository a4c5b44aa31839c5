package dev.carlink.command.http;

import java.util.Optional;

/**
 * The {@code next} value of a raw history page: where the following page starts, after the last sample
 * returned. Written {@code <timestamp ms>.<seq>}; clients pass it back as {@code cursor} unchanged.
 */
final class HistoryCursor {

    private HistoryCursor() {}

    static String of(long timestampMs, long seq) {
        return timestampMs + "." + seq;
    }

    /** The timestamp and seq of a cursor, or empty when it is not one. */
    static Optional<long[]> parse(String cursor) {
        int dot = cursor.indexOf('.');
        if (dot <= 0 || dot == cursor.length() - 1) {
            return Optional.empty();
        }
        try {
            long ts = Long.parseLong(cursor.substring(0, dot));
            long seq = Long.parseLong(cursor.substring(dot + 1));
            return ts > 0 && seq > 0 ? Optional.of(new long[] {ts, seq}) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
