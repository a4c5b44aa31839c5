package dev.carlink.app;

import dev.carlink.command.secrets.KeyEncryptionKey;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The key-encryption keys (KEKs) of the secrets in the database: the command-signing private keys and the cars'
 * DTLS keys are stored encrypted under the current KEK. Read and checked when the configuration is loaded, so a
 * bad one is reported with every other problem; printed as ids and sources only.
 *
 * @param kek the current KEK ({@code secrets.kek} or {@code secrets.kek-file}); empty: with the embedded database,
 *     the one generated into the data directory ({@link KekFile}); an external database requires one
 * @param previous older KEKs, only read: the next start re-encrypts what they encrypted under the current one
 *     ({@code secrets.previous-keks}, {@code secrets.previous-kek-files})
 */
public record SecretsConfig(Optional<Source> kek, List<Source> previous) {

    /**
     * One configured KEK and where it came from.
     *
     * @param origin what to name in logs and messages: the key ({@code secrets.kek}) or the file
     * @param file the file it was read from, if any
     */
    public record Source(KeyEncryptionKey key, String origin, Optional<Path> file) {
        public Source {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(origin, "origin");
            Objects.requireNonNull(file, "file");
        }

        @Override
        public String toString() {
            return key.id() + " (" + origin + ")";
        }
    }

    public SecretsConfig {
        Objects.requireNonNull(kek, "kek");
        previous = List.copyOf(previous);
    }

    /** No KEK configured: the embedded database's generated one. */
    public static SecretsConfig generated() {
        return new SecretsConfig(Optional.empty(), List.of());
    }

    /** The current KEK as given, no previous ones. */
    public static SecretsConfig of(KeyEncryptionKey kek, String origin) {
        return new SecretsConfig(Optional.of(new Source(kek, origin, Optional.empty())), List.of());
    }

    /** This configuration with another current KEK, the previous ones kept. */
    public SecretsConfig withKek(Source current) {
        return new SecretsConfig(Optional.of(current), previous);
    }

    /** This configuration with {@code older} as the previous KEKs. */
    public SecretsConfig withPrevious(List<Source> older) {
        return new SecretsConfig(kek, older);
    }

    @Override
    public String toString() {
        return "SecretsConfig[kek=" + kek.map(Source::toString).orElse("(generated in the data directory)")
                + ", previous=" + previous + "]";
    }
}
