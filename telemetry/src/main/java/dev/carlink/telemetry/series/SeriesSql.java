package dev.carlink.telemetry.series;

import java.util.StringJoiner;
import java.util.function.Function;

/** SQL fragments both storage dialects share: the rollups' columns and how they aggregate. */
final class SeriesSql {

    private SeriesSql() {}

    /** The rollup's value columns with their types, for CREATE TABLE. */
    static String rollupColumnDefinitions() {
        return each(s -> s.column() + "_min real, " + s.column() + "_max real, " + s.column()
                + "_sum double precision, " + s.column() + "_n integer");
    }

    /** The rollup's value columns, in order, for INSERT column lists and SELECTs. */
    static String rollupColumns() {
        return each(s -> s.column() + "_min, " + s.column() + "_max, " + s.column() + "_sum, " + s.column() + "_n");
    }

    /** Aggregates of raw rows into one rollup row's value columns (after {@code samples}). */
    static String aggregateRaw() {
        return each(s -> "min(" + s.column() + ") AS " + s.column() + "_min, max(" + s.column() + ") AS " + s.column()
                + "_max, sum(" + s.column() + ")::float8 AS " + s.column() + "_sum, count(" + s.column() + ")::int AS "
                + s.column() + "_n");
    }

    /** Aggregates of finer rollup rows into one coarser rollup row's value columns (after {@code samples}). */
    static String aggregateRollup() {
        return each(s -> "min(" + s.column() + "_min) AS " + s.column() + "_min, max(" + s.column() + "_max) AS "
                + s.column() + "_max, sum(" + s.column() + "_sum)::float8 AS " + s.column() + "_sum, sum("
                + s.column() + "_n)::int AS " + s.column() + "_n");
    }

    /** {@code col = excluded.col} for every value column, for ON CONFLICT DO UPDATE. */
    static String replaceFromExcluded() {
        return "samples = excluded.samples, "
                + each(s -> s.column() + "_min = excluded." + s.column() + "_min, " + s.column() + "_max = excluded."
                        + s.column() + "_max, " + s.column() + "_sum = excluded." + s.column() + "_sum, " + s.column()
                        + "_n = excluded." + s.column() + "_n");
    }

    private static String each(Function<RolledSignal, String> fragment) {
        StringJoiner joined = new StringJoiner(", ");
        for (RolledSignal signal : RolledSignal.values()) {
            joined.add(fragment.apply(signal));
        }
        return joined.toString();
    }
}
