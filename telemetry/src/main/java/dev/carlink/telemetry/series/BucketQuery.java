package dev.carlink.telemetry.series;

import java.util.List;

/**
 * A query with positional parameters named by {@link Param}, so the same SQL shape can repeat a value.
 *
 * @param sql the statement, with {@code ?} placeholders
 * @param params what each placeholder is, in order
 */
public record BucketQuery(String sql, List<Param> params) {

    /** The values a bucket query takes. */
    public enum Param {
        VIN,
        FROM,
        TO
    }

    public BucketQuery {
        params = List.copyOf(params);
        long placeholders = sql.chars().filter(c -> c == '?').count();
        if (placeholders != params.size()) {
            throw new IllegalArgumentException(placeholders + " placeholders for " + params.size() + " params");
        }
    }
}
