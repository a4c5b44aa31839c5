package dev.carlink.command.secrets;

import dev.carlink.command.secrets.SecretRepository.KekCount;
import dev.carlink.command.secrets.SecretRepository.Row;
import dev.carlink.command.store.Db;
import io.vertx.core.Future;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start-up pass that leaves every secret of the command store encrypted under the current key-encryption
 * key, in one transaction: values an earlier version stored in clear are encrypted, values under a previous KEK
 * re-encrypted. Idempotent; instances starting together take turns. When the database holds a secret under a KEK
 * the ring lacks, or one that does not decrypt, nothing is changed and the start is refused.
 */
public final class SecretsAtRest {

    private static final Logger log = LoggerFactory.getLogger(SecretsAtRest.class);

    /** Rows read, re-encrypted and written at a time (a large fleet's first upgrade stays in bounded memory). */
    static final int CHUNK = 500;

    /**
     * What a pass changed, per column.
     *
     * @param fromClear values that were stored in clear, now encrypted
     * @param fromPrevious values that were under a previous KEK, now under the current one
     */
    public record Summary(Map<SecretColumn, Long> fromClear, Map<SecretColumn, Long> fromPrevious) {
        public Summary {
            fromClear = Map.copyOf(fromClear);
            fromPrevious = Map.copyOf(fromPrevious);
        }

        public long fromClear(SecretColumn column) {
            return fromClear.getOrDefault(column, 0L);
        }

        public long fromPrevious(SecretColumn column) {
            return fromPrevious.getOrDefault(column, 0L);
        }
    }

    private final Db db;
    private final KeyRing ring;
    private final SecretRepository repository = new SecretRepository();

    public SecretsAtRest(Db db, KeyRing ring) {
        this.db = db;
        this.ring = ring;
    }

    /**
     * Runs the pass.
     *
     * @return a failed future with {@link SecretsAtRestException} when a secret cannot be read with the ring
     */
    public Future<Summary> seal() {
        return db.tx(this::seal).onSuccess(this::report);
    }

    private Summary seal(Connection c) throws SQLException {
        repository.lockPass(c);
        refuseUnknownKeks(c);
        Map<SecretColumn, Long> fromClear = new EnumMap<>(SecretColumn.class);
        Map<SecretColumn, Long> fromPrevious = new EnumMap<>(SecretColumn.class);
        String current = ring.current().id();
        for (SecretColumn column : SecretColumn.values()) {
            List<Row> rows;
            while (!(rows = repository.notUnder(c, column, current, CHUNK)).isEmpty()) {
                List<Row> sealed = new ArrayList<>(rows.size());
                for (Row row : rows) {
                    sealed.add(new Row(row.key(), reseal(column, row)));
                    (row.stored().inClear() ? fromClear : fromPrevious).merge(column, 1L, Long::sum);
                }
                repository.update(c, column, sealed);
            }
        }
        return new Summary(fromClear, fromPrevious);
    }

    /** Fails before changing anything when a value is under a KEK the ring lacks, naming each and its values. */
    private void refuseUnknownKeks(Connection c) throws SQLException {
        Map<String, List<String>> unknown = new LinkedHashMap<>();
        for (SecretColumn column : SecretColumn.values()) {
            for (KekCount count : repository.countByKek(c, column)) {
                if (count.kekId() != null && !ring.knows(count.kekId())) {
                    unknown.computeIfAbsent(count.kekId(), id -> new ArrayList<>())
                            .add(count.values() + " " + column.noun() + (count.values() == 1 ? "" : "s"));
                }
            }
        }
        if (unknown.isEmpty()) {
            return;
        }
        List<String> held = new ArrayList<>();
        unknown.forEach((id, what) -> held.add(String.join(" and ", what) + " under KEK " + id));
        throw new SecretsAtRestException(
                "the database holds secrets encrypted under a key-encryption key this instance does not have: "
                        + String.join("; ", held) + ". This instance has KEK "
                        + ring.current().id()
                        + (ring.previousIds().isEmpty() ? "" : " and previous KEKs " + ring.previousIds())
                        + ". Nothing was changed",
                unknown.keySet());
    }

    private StoredSecret reseal(SecretColumn column, Row row) {
        String context = column.context(row.key());
        byte[] secret;
        try {
            secret = ring.open(context, row.stored());
        } catch (UnreadableSecretException e) {
            throw new SecretsAtRestException(
                    "the " + column.noun() + " of " + row.key() + " cannot be read: " + e.getMessage()
                            + ". Nothing was changed",
                    java.util.Set.of());
        }
        try {
            return ring.seal(context, secret);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    private void report(Summary summary) {
        String kek = ring.current().id();
        if (!summary.fromClear().isEmpty()) {
            log.info(
                    "encrypted the secrets an earlier version stored in clear [signingPrivateKeys: {}, dtlsKeys: {},"
                            + " kek: {}]",
                    summary.fromClear(SecretColumn.SIGNING_PRIVATE_KEY),
                    summary.fromClear(SecretColumn.DTLS_PSK),
                    kek);
        }
        if (!summary.fromPrevious().isEmpty()) {
            log.info(
                    "re-encrypted secrets under the current key-encryption key [signingPrivateKeys: {}, dtlsKeys: {},"
                            + " kek: {}]",
                    summary.fromPrevious(SecretColumn.SIGNING_PRIVATE_KEY),
                    summary.fromPrevious(SecretColumn.DTLS_PSK),
                    kek);
        }
        if (!ring.previousIds().isEmpty()) {
            log.info(
                    "no secret is left under a previous key-encryption key: once every instance runs with the"
                            + " current one, remove them from the configuration [kek: {}, previous: {}]",
                    kek,
                    ring.previousIds());
        } else {
            log.info("secrets at rest are encrypted [kek: {}]", kek);
        }
    }
}
