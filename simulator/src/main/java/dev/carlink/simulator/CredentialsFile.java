package dev.carlink.simulator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Reads {@code VIN,secret} lines; blank lines and lines starting with {@code #} are skipped. */
final class CredentialsFile {

    private CredentialsFile() {}

    /**
     * @throws IllegalArgumentException listing every bad line
     * @throws IOException when the file cannot be read
     */
    static List<VehicleCredentials> read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<VehicleCredentials> credentials = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Set<String> vins = new HashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int comma = line.indexOf(',');
            if (comma < 0) {
                problems.add("line " + (i + 1) + ": expected VIN,secret");
                continue;
            }
            String vin = line.substring(0, comma).strip();
            String secret = line.substring(comma + 1).strip();
            try {
                VehicleCredentials entry = new VehicleCredentials(vin, secret);
                if (!vins.add(vin)) {
                    problems.add("line " + (i + 1) + ": vin " + vin + " appears twice");
                } else {
                    credentials.add(entry);
                }
            } catch (IllegalArgumentException e) {
                problems.add("line " + (i + 1) + ": " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(file + ": " + String.join("; ", problems));
        }
        if (credentials.isEmpty()) {
            throw new IllegalArgumentException(file + ": no credentials (lines VIN,secret)");
        }
        return credentials;
    }
}
