package dev.carlink.app.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where a benchmark leaves its figures: text, JSON and an HTML chart under the module's target/bench. */
final class BenchFiles {

    static final Path DIR = Path.of("target", "bench");

    private BenchFiles() {}

    /** Writes {@code name}.txt, .json and .html and prints the text with where the files are. */
    static void write(String name, String text, JsonObject json, String html) {
        try {
            Files.createDirectories(DIR);
            Files.writeString(DIR.resolve(name + ".txt"), text);
            Files.writeString(DIR.resolve(name + ".json"), json.encodePrettily());
            Files.writeString(DIR.resolve(name + ".html"), html);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.println();
        System.out.println(text);
        System.out.println("written: " + DIR.toAbsolutePath().resolve(name) + ".{txt,json,html}");
    }
}
