package dev.carlink.app.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where this JVM's CPU goes during a phase: Flight Recorder's execution samples (every 20 ms per running
 * thread), each counted for the first frame from the top of its stack that belongs to a known concern. A
 * sample in SHA-256 under the password hasher counts as authentication, one in the JDBC driver as the driver.
 */
final class CpuProfile implements AutoCloseable {

    /** Concerns in the order they are looked for in each frame; the first frame that matches one decides. */
    private static final Map<String, List<String>> CONCERNS = concerns();

    private final Recording recording = new Recording();
    private final Path file;

    private static Map<String, List<String>> concerns() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put("PBKDF2 secret checks (CONNECT authentication)", List.of("dev.carlink.command.account.PasswordHasher"));
        m.put("Ed25519 signing (each command dispatch)", List.of("dev.carlink.proto.CommandSignatures"));
        m.put("PostgreSQL JDBC driver and pool", List.of("org.postgresql.", "com.zaxxer.hikari."));
        m.put("logging", List.of("ch.qos.logback.", "org.slf4j."));
        m.put("protobuf", List.of("com.google.protobuf."));
        m.put("carlink code", List.of("dev.carlink."));
        m.put("Vert.x (event bus, futures, MQTT endpoint)", List.of("io.vertx."));
        m.put("Netty (sockets, MQTT codec)", List.of("io.netty."));
        return m;
    }

    CpuProfile(Path file) {
        this.file = file;
        recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(20));
        recording.start();
    }

    /** Stops the recording and returns the share of samples per concern, largest first, in percent. */
    Map<String, Double> shares() {
        recording.stop();
        Map<String, Integer> counts = new LinkedHashMap<>();
        int total = 0;
        try {
            Files.createDirectories(file.getParent());
            recording.dump(file);
            for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
                RecordedStackTrace stack = event.getStackTrace();
                if (stack == null) {
                    continue;
                }
                total++;
                counts.merge(concern(stack.getFrames()), 1, Integer::sum);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int samples = total;
        Map<String, Double> out = new LinkedHashMap<>();
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .forEach(e -> out.put(e.getKey(), Math.round(1000.0 * e.getValue() / samples) / 10.0));
        out.put("samples", (double) samples);
        return out;
    }

    private static String concern(List<RecordedFrame> frames) {
        for (RecordedFrame frame : frames) {
            String type = frame.getMethod().getType().getName();
            for (Map.Entry<String, List<String>> c : CONCERNS.entrySet()) {
                for (String prefix : c.getValue()) {
                    if (type.startsWith(prefix)) {
                        return c.getKey();
                    }
                }
            }
        }
        return "other (JDK code reached from none of these)";
    }

    static String format(Map<String, Double> shares) {
        StringBuilder b = new StringBuilder();
        shares.forEach((concern, share) -> {
            if (!concern.equals("samples")) {
                b.append(String.format(Locale.ROOT, "%6.1f %%  %s%n", share, concern));
            }
        });
        return b.toString();
    }

    @Override
    public void close() {
        recording.close();
    }
}
