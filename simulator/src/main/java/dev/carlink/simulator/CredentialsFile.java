package dev.carlink.simulator;

import com.google.protobuf.ByteString;
import dev.carlink.proto.CommandSignatures;
import dev.carlink.proto.v1.SigningKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads {@code VIN,secret} lines and {@code key,KEY_ID,BASE64} lines (a backend public signing key every car
 * of the file trusts, as {@code carlink-simulator enroll} prints them). Blank lines and lines starting with
 * {@code #} are skipped.
 */
final class CredentialsFile {

    private static final String KEY_PREFIX = "key,";

    private CredentialsFile() {}

    /**
     * @throws IllegalArgumentException listing every bad line
     * @throws IOException when the file cannot be read
     */
    static List<VehicleCredentials> read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<VehicleCredentials> credentials = new ArrayList<>();
        List<SigningKey> keys = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Set<String> vins = new HashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith(KEY_PREFIX)) {
                readKey(line, i + 1, keys, problems);
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
        return credentials.stream()
                .map(c -> new VehicleCredentials(c.vin(), c.secret(), keys))
                .toList();
    }

    /** The line of a signing key, as {@link #keyLine} writes it. */
    static String keyLine(SigningKey key) {
        return KEY_PREFIX + key.getKeyId() + ","
                + Base64.getEncoder().encodeToString(key.getPublicKey().toByteArray());
    }

    private static void readKey(String line, int number, List<SigningKey> keys, List<String> problems) {
        String[] parts = line.substring(KEY_PREFIX.length()).split(",", -1);
        if (parts.length != 2 || parts[0].isBlank()) {
            problems.add("line " + number + ": expected key,KEY_ID,BASE64_PUBLIC_KEY");
            return;
        }
        try {
            byte[] publicKey = Base64.getDecoder().decode(parts[1].strip());
            CommandSignatures.publicKey(publicKey);
            keys.add(SigningKey.newBuilder()
                    .setKeyId(parts[0].strip())
                    .setPublicKey(ByteString.copyFrom(publicKey))
                    .build());
        } catch (IllegalArgumentException e) {
            problems.add("line " + number + ": key " + parts[0].strip() + " is not a base64 Ed25519 public key");
        }
    }
}
