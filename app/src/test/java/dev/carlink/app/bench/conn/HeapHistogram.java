package dev.carlink.app.bench.conn;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The live objects of a JVM by class, as {@code jcmd <pid> GC.class_histogram} prints them after the full
 * collection it runs first: the total is the heap the process really holds, garbage excluded.
 */
public record HeapHistogram(long bytes, long instances, Map<String, Entry> byClass) {

    /** One class: live instances and their bytes (shallow sizes). */
    public record Entry(String className, long instances, long bytes) {}

    /** A class whose live bytes grew (or shrank) between two histograms. */
    public record Growth(String className, long instances, long bytes) {}

    private static final Pattern ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");
    private static final Pattern LAMBDA = Pattern.compile("\\$\\$Lambda\\$\\d+/0x[0-9a-f]+");
    private static final Pattern TOTAL = Pattern.compile("^Total\\s+(\\d+)\\s+(\\d+)");

    static HeapHistogram parse(String text) {
        Map<String, Entry> byClass = new HashMap<>();
        long bytes = -1;
        long instances = -1;
        for (String line : text.split("\n")) {
            Matcher row = ROW.matcher(line);
            if (row.find()) {
                // lambda classes are numbered per JVM: one name for all of a class's lambdas compares across runs
                String name = LAMBDA.matcher(row.group(3)).replaceAll("\\$\\$Lambda");
                Entry e = new Entry(name, Long.parseLong(row.group(1)), Long.parseLong(row.group(2)));
                // the same name from two class loaders: added up
                byClass.merge(name, e, (a, b) -> new Entry(name, a.instances() + b.instances(), a.bytes() + b.bytes()));
                continue;
            }
            Matcher total = TOTAL.matcher(line.trim());
            if (total.find()) {
                instances = Long.parseLong(total.group(1));
                bytes = Long.parseLong(total.group(2));
            }
        }
        if (bytes < 0) {
            throw new IllegalArgumentException(
                    "not a class histogram: " + text.substring(0, Math.min(300, text.length())));
        }
        return new HeapHistogram(bytes, instances, Map.copyOf(byClass));
    }

    /** The classes that grew most from {@code before} to this one, largest growth first. */
    public List<Growth> growthSince(HeapHistogram before, int limit) {
        List<Growth> out = new ArrayList<>();
        for (Entry e : byClass.values()) {
            Entry old = before.byClass().get(e.className());
            long oldBytes = old == null ? 0 : old.bytes();
            long oldInstances = old == null ? 0 : old.instances();
            out.add(new Growth(e.className(), e.instances() - oldInstances, e.bytes() - oldBytes));
        }
        out.sort(Comparator.comparingLong(Growth::bytes).reversed());
        return out.subList(0, Math.min(limit, out.size()));
    }
}
