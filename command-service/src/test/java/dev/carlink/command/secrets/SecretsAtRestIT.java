package dev.carlink.command.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.carlink.command.CommandSchema;
import dev.carlink.command.store.Db;
import dev.carlink.proto.CommandSignatures;
import dev.carlink.proto.VehicleKeys;
import io.vertx.core.Vertx;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The start-up pass over the secret columns against a real PostgreSQL: values in clear (an earlier version's) and
 * values under a previous KEK end under the current KEK, in one transaction, once; a KEK the ring lacks or an
 * altered value refuses the start and changes nothing.
 */
class SecretsAtRestIT {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String CAR = "SMCAR000000000801";
    private static final String OTHER_CAR = "SMCAR000000000802";
    private static final String KEY_ID = "k20260701-0a0b0c";

    private static EmbeddedPostgres postgres;
    private static DataSource dataSource;
    private static Vertx vertx;
    private static Db db;

    private final KeyEncryptionKey old = KeyEncryptionKey.generate(RANDOM);
    private final KeyEncryptionKey current = KeyEncryptionKey.generate(RANDOM);
    private final byte[] psk = VehicleKeys.dtlsPsk("the car's secret");
    private final byte[] otherPsk = VehicleKeys.dtlsPsk("the other car's secret");
    private final byte[] privateKey =
            CommandSignatures.newKeyPair().getPrivate().getEncoded();

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        dataSource = postgres.getPostgresDatabase();
        CommandSchema.migrate(dataSource);
        vertx = Vertx.vertx();
        db = new Db(vertx, dataSource);
        sql("INSERT INTO command.users (username, password_hash, role, display_name, created_at) "
                + "VALUES ('olga', 'x', 'OWNER', 'Olga', now())");
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().await();
        postgres.close();
    }

    @BeforeEach
    void noSecrets() throws SQLException {
        sql("DELETE FROM command.vehicles");
        sql("DELETE FROM command.signing_keys");
    }

    @Test
    void valuesAnEarlierVersionStoredInClear_areEncryptedInPlace_once() throws SQLException {
        // given: what a database of the version before encryption at rest holds
        insertCar(CAR, new StoredSecret(psk, null));
        insertCar(OTHER_CAR, new StoredSecret(otherPsk, null));
        insertSigningKey(new StoredSecret(privateKey, null));
        KeyRing ring = new KeyRing(current, List.of());

        SecretsAtRest.Summary first = new SecretsAtRest(db, ring).seal().await();

        assertThat(first.fromClear(SecretColumn.DTLS_PSK)).isEqualTo(2);
        assertThat(first.fromClear(SecretColumn.SIGNING_PRIVATE_KEY)).isEqualTo(1);
        StoredSecret storedPsk = stored(SecretColumn.DTLS_PSK, CAR);
        StoredSecret storedKey = stored(SecretColumn.SIGNING_PRIVATE_KEY, KEY_ID);
        assertThat(storedPsk.kekId()).isEqualTo(current.id());
        assertThat(storedKey.kekId()).isEqualTo(current.id());
        assertThat(storedPsk.value()).isNotEqualTo(psk);
        assertThat(storedKey.value()).isNotEqualTo(privateKey);
        assertThat(ring.open(SecretColumn.DTLS_PSK.context(CAR), storedPsk)).isEqualTo(psk);
        assertThat(ring.open(SecretColumn.DTLS_PSK.context(OTHER_CAR), stored(SecretColumn.DTLS_PSK, OTHER_CAR)))
                .isEqualTo(otherPsk);
        assertThat(ring.open(SecretColumn.SIGNING_PRIVATE_KEY.context(KEY_ID), storedKey))
                .isEqualTo(privateKey);

        SecretsAtRest.Summary second = new SecretsAtRest(db, ring).seal().await();

        assertThat(second.fromClear()).isEmpty();
        assertThat(second.fromPrevious()).isEmpty();
        assertThat(stored(SecretColumn.DTLS_PSK, CAR).value()).isEqualTo(storedPsk.value());
    }

    @Test
    void valuesUnderAPreviousKek_areReencryptedUnderTheCurrentOne_thenTheOldKekIsNoLongerNeeded() throws SQLException {
        KeyRing before = new KeyRing(old, List.of());
        insertCar(CAR, before.seal(SecretColumn.DTLS_PSK.context(CAR), psk));
        insertSigningKey(before.seal(SecretColumn.SIGNING_PRIVATE_KEY.context(KEY_ID), privateKey));

        SecretsAtRest.Summary rotated =
                new SecretsAtRest(db, new KeyRing(current, List.of(old))).seal().await();

        assertThat(rotated.fromPrevious(SecretColumn.DTLS_PSK)).isEqualTo(1);
        assertThat(rotated.fromPrevious(SecretColumn.SIGNING_PRIVATE_KEY)).isEqualTo(1);
        assertThat(rotated.fromClear()).isEmpty();
        KeyRing after = new KeyRing(current, List.of());
        assertThat(new SecretsAtRest(db, after).seal().await().fromPrevious()).isEmpty();
        assertThat(after.open(SecretColumn.DTLS_PSK.context(CAR), stored(SecretColumn.DTLS_PSK, CAR)))
                .isEqualTo(psk);
        assertThat(after.open(
                        SecretColumn.SIGNING_PRIVATE_KEY.context(KEY_ID),
                        stored(SecretColumn.SIGNING_PRIVATE_KEY, KEY_ID)))
                .isEqualTo(privateKey);
    }

    @Test
    void secretsUnderAKekTheRingLacks_refuseTheStart_namingTheKeksAndCounts_andNothingChanges() throws SQLException {
        KeyRing before = new KeyRing(old, List.of());
        StoredSecret underOld = before.seal(SecretColumn.DTLS_PSK.context(CAR), psk);
        insertCar(CAR, underOld);
        insertCar(OTHER_CAR, new StoredSecret(otherPsk, null));
        insertSigningKey(before.seal(SecretColumn.SIGNING_PRIVATE_KEY.context(KEY_ID), privateKey));

        assertThatThrownBy(() -> new SecretsAtRest(db, new KeyRing(current, List.of()))
                        .seal()
                        .await())
                .isInstanceOfSatisfying(SecretsAtRestException.class, e -> assertThat(e.unknownKekIds())
                        .containsExactly(old.id()))
                .hasMessageContaining("1 signing private key and 1 DTLS key under KEK " + old.id())
                .hasMessageContaining("This instance has KEK " + current.id())
                .hasMessageContaining("Nothing was changed");

        assertThat(stored(SecretColumn.DTLS_PSK, CAR).value()).isEqualTo(underOld.value());
        assertThat(stored(SecretColumn.DTLS_PSK, OTHER_CAR)).satisfies(s -> {
            assertThat(s.inClear()).isTrue();
            assertThat(s.value()).isEqualTo(otherPsk);
        });
    }

    @Test
    void aValueAlteredUnderAPreviousKek_refusesTheStart_namingTheRow_andNothingChanges() throws SQLException {
        KeyRing before = new KeyRing(old, List.of());
        // the other car's key, copied onto this car's row
        StoredSecret copied = before.seal(SecretColumn.DTLS_PSK.context(OTHER_CAR), otherPsk);
        insertCar(CAR, copied);
        insertCar(OTHER_CAR, new StoredSecret(otherPsk, null));

        assertThatThrownBy(() -> new SecretsAtRest(db, new KeyRing(current, List.of(old)))
                        .seal()
                        .await())
                .isInstanceOf(SecretsAtRestException.class)
                .hasMessageContaining("the DTLS key of " + CAR + " cannot be read")
                .hasMessageContaining("copied from another row")
                .hasMessageContaining("Nothing was changed");

        assertThat(stored(SecretColumn.DTLS_PSK, OTHER_CAR).inClear()).isTrue();
        assertThat(stored(SecretColumn.DTLS_PSK, CAR).kekId()).isEqualTo(old.id());
    }

    @Test
    void manyValues_acrossSeveralChunks_areAllEncrypted() throws SQLException {
        int cars = SecretsAtRest.CHUNK * 2 + 7;
        sql("INSERT INTO command.vehicles (vin, owner_id, name, secret_hash, enrolled_at, dtls_psk) "
                + "SELECT 'SMCAR' || lpad(g::text, 12, '0'), (SELECT id FROM command.users WHERE username = 'olga'), "
                + "'car', 'x', now(), convert_to('psk-' || g, 'UTF8') FROM generate_series(1, " + cars + ") g");

        SecretsAtRest.Summary summary =
                new SecretsAtRest(db, new KeyRing(current, List.of())).seal().await();

        assertThat(summary.fromClear(SecretColumn.DTLS_PSK)).isEqualTo(cars);
        assertThat(count("SELECT count(*) FROM command.vehicles WHERE dtls_psk_kek IS DISTINCT FROM '" + current.id()
                        + "'"))
                .isZero();
    }

    private static void insertCar(String vin, StoredSecret dtlsPsk) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO command.vehicles "
                        + "(vin, owner_id, name, secret_hash, enrolled_at, dtls_psk, dtls_psk_kek) "
                        + "SELECT ?, id, 'car', 'x', now(), ?, ? FROM command.users WHERE username = 'olga'")) {
            ps.setString(1, vin);
            ps.setBytes(2, dtlsPsk.value());
            ps.setString(3, dtlsPsk.kekId());
            ps.executeUpdate();
        }
    }

    private void insertSigningKey(StoredSecret stored) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO command.signing_keys "
                        + "(key_id, public_key, private_key, private_key_kek, state, created_at) "
                        + "VALUES (?, ?, ?, ?, 'ACTIVE', now())")) {
            ps.setString(1, KEY_ID);
            ps.setBytes(2, new byte[] {1});
            ps.setBytes(3, stored.value());
            ps.setString(4, stored.kekId());
            ps.executeUpdate();
        }
    }

    private static StoredSecret stored(SecretColumn column, String key) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT " + column.column() + ", " + column.kekColumn()
                        + " FROM " + column.table() + " WHERE " + column.keyColumn() + " = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("row %s", key).isTrue();
                return new StoredSecret(rs.getBytes(1), rs.getString(2));
            }
        }
    }

    private static long count(String query) throws SQLException {
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void sql(String statement) throws SQLException {
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement()) {
            st.execute(statement);
        }
    }
}
