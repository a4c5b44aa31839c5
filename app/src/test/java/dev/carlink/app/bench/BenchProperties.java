package dev.carlink.app.bench;

import java.util.Arrays;
import java.util.List;

/** The benchmarks' settings, from system properties ({@code -Dbench.rates=100,500}). */
final class BenchProperties {

    private BenchProperties() {}

    /** A comma-separated list of whole numbers, or {@code defaults} when the property is not set. */
    static List<Integer> ints(String name, String defaults) {
        return Arrays.stream(System.getProperty(name, defaults).split(","))
                .map(String::trim)
                .map(Integer::parseInt)
                .toList();
    }
}
