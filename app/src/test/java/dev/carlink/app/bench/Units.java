package dev.carlink.app.bench;

/** Conversions shared by the benchmarks: HdrHistogram values are microseconds, reports are milliseconds. */
final class Units {

    private Units() {}

    static long micros(long nanos) {
        return Math.max(0, nanos / 1000);
    }

    static double ms(long micros) {
        return Math.round(micros / 10.0) / 100.0;
    }

    static double seconds(long nanos) {
        return nanos / 1e9;
    }

    static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
