package dev.carlink.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.carlink.command.secrets.KeyEncryptionKey;
import dev.carlink.command.secrets.KeyRing;
import dev.carlink.command.secrets.SecretColumn;
import dev.carlink.command.secrets.StoredSecret;
import dev.carlink.proto.CommandSignatures;
import dev.carlink.proto.VehicleKeys;
import dev.carlink.simulator.VehicleCredentials;
import dev.carlink.simulator.car.CarConfig;
import dev.carlink.simulator.car.SimulatedCar;
import dev.carlink.simulator.coap.CoapCar;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The command-signing private keys and the cars' DTLS keys are encrypted at rest, through the whole system on a
 * real PostgreSQL: after enrollment and a signing-key rotation no row of any table holds one of them in clear,
 * while signed commands reach a car over CoAP/DTLS; a restart with the same key-encryption key (KEK) keeps
 * working, one with another KEK is refused with a message saying what to do and changes nothing, a KEK rotation
 * re-encrypts everything, and a database written by the version before encryption is encrypted at its first
 * start.
 */
class SecretsEncryptedAtRestIT {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Test
    void afterEnrollmentAndASigningKeyRotation_noKeyIsInTheDatabaseInClear_andSignedCommandsReachADtlsCar()
            throws Exception {
        try (TestSystem system = TestSystem.start()) {
            String alice = system.login("alice");
            VehicleCredentials car = system.enrollCar("SMCAR000000000971", "alice", false);
            VehicleCredentials other = system.enrollCar("SMCAR000000000972", "alice", false);
            String oldKey = car.signingKeys().get(0).getKeyId();
            String newKey = rotateSigningKey(system);

            // what the system uses: each car's DTLS key (derived from its secret) and the signing private keys
            Map<String, byte[]> plaintexts = new LinkedHashMap<>();
            plaintexts.put("DTLS key of " + car.vin(), VehicleKeys.dtlsPsk(car.secret()));
            plaintexts.put("DTLS key of " + other.vin(), VehicleKeys.dtlsPsk(other.secret()));
            Map<String, byte[]> privateKeys = signingPrivateKeys(system);
            assertThat(privateKeys).containsOnlyKeys(oldKey, newKey);
            privateKeys.forEach((keyId, pkcs8) -> {
                plaintexts.put("signing private key " + keyId + " (PKCS#8)", pkcs8);
                // an Ed25519 PKCS#8 key ends with its 32-byte seed, the key itself
                plaintexts.put(
                        "signing private key " + keyId + " (seed)",
                        Arrays.copyOfRange(pkcs8, pkcs8.length - 32, pkcs8.length));
            });

            assertNoneInClear(system, plaintexts);
            String kek = system.server.keyRing().current().id();
            assertThat(system.count("SELECT count(*) FROM command.vehicles WHERE dtls_psk_kek = ?", kek))
                    .isEqualTo(2);
            assertThat(system.count("SELECT count(*) FROM command.signing_keys WHERE private_key_kek = ?", kek))
                    .isEqualTo(2);

            // the car, enrolled before the rotation, is sent commands signed with the old key, then the new one
            try (CoapCar dtls = dtlsCar(system, car)) {
                awaitOnline(system, alice, car.vin());
                assertThat(climateStop(system, alice, car.vin())).contains("signed with key " + oldKey);
                awaitTrusts(system, car.vin(), newKey);
                assertThat(climateStop(system, alice, car.vin())).contains("signed with key " + newKey);
                assertThat(dtls.refused()).isZero();
            }
        }
    }

    @Test
    void aRestartWithTheSameKek_works_aStartWithAnotherIsRefusedClearly_andAKekRotationReencryptsEverything()
            throws Exception {
        try (TestSystem system = TestSystem.start()) {
            VehicleCredentials car = system.enrollCar("SMCAR000000000973", "alice", false);
            // the embedded database's KEK was generated next to its data, readable by its owner only
            assertThat(system.generatedKekFile()).exists();
            assertThat(Files.getPosixFilePermissions(system.generatedKekFile()))
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(system.generatedKekFile().startsWith(system.embeddedDataDirectory()))
                    .as("inside the PostgreSQL data")
                    .isFalse();
            String generated = system.server.keyRing().current().id();

            system.restart();
            runsACommandOverDtls(system, car);

            // another KEK: refused before anything is changed, naming both KEKs and what to do
            KeyEncryptionKey wrong = KeyEncryptionKey.generate(new SecureRandom());
            byte[] before = storedPsk(system, car.vin());
            assertThatThrownBy(() -> system.restart(app -> app.withSecrets(SecretsConfig.of(wrong, "secrets.kek"))))
                    .isInstanceOf(ConfigLoader.ConfigException.class)
                    .hasMessageContaining("1 signing private key and 1 DTLS key under KEK " + generated)
                    .hasMessageContaining("This instance has KEK " + wrong.id())
                    .hasMessageContaining("Nothing was changed")
                    .hasMessageContaining("secrets.kek or secrets.kek-file")
                    .hasMessageContaining("secrets.previous-kek-files")
                    .hasMessageContaining("The data directory's generated KEK " + system.generatedKekFile())
                    .hasMessageNotContaining(wrong.toBase64());
            system.restart();
            assertThat(storedPsk(system, car.vin())).isEqualTo(before);
            runsACommandOverDtls(system, car);

            // a KEK rotation: the new KEK, with the generated one as previous for one start
            KeyEncryptionKey next = KeyEncryptionKey.generate(new SecureRandom());
            SecretsConfig.Source previous = new SecretsConfig.Source(
                    KekFile.read(system.generatedKekFile()),
                    "file " + system.generatedKekFile(),
                    Optional.of(system.generatedKekFile()));
            system.restart(
                    app -> app.withSecrets(SecretsConfig.of(next, "secrets.kek").withPrevious(List.of(previous))));
            assertThat(system.count("SELECT count(*) FROM command.vehicles WHERE dtls_psk_kek = ?", next.id()))
                    .isEqualTo(1);
            assertThat(system.count("SELECT count(*) FROM command.signing_keys WHERE private_key_kek = ?", next.id()))
                    .isEqualTo(1);
            system.restart(app -> app.withSecrets(SecretsConfig.of(next, "secrets.kek")));
            runsACommandOverDtls(system, car);
            assertThatThrownBy(system::restart)
                    .isInstanceOf(ConfigLoader.ConfigException.class)
                    .hasMessageContaining("under KEK " + next.id())
                    .hasMessageContaining("this start used the data directory's generated one");
        }
    }

    @Test
    void aDatabaseFromBeforeEncryptionAtRest_hasItsKeysEncryptedAtTheFirstStart_andKeepsWorking() throws Exception {
        try (TestSystem system = TestSystem.start()) {
            String alice = system.login("alice");
            VehicleCredentials car = system.enrollCar("SMCAR000000000974", "alice", false);
            String newKey = rotateSigningKey(system);
            Map<String, byte[]> privateKeys = signingPrivateKeys(system);
            byte[] psk = VehicleKeys.dtlsPsk(car.secret());

            // given: the tables as the version before encryption at rest left them, keys in clear
            try (Connection c = system.dataSource().getConnection();
                    Statement st = c.createStatement()) {
                c.setAutoCommit(false);
                st.execute("ALTER TABLE command.signing_keys DROP COLUMN private_key_kek");
                st.execute("ALTER TABLE command.vehicles DROP COLUMN dtls_psk_kek");
                st.execute("DELETE FROM command.flyway_history WHERE version = '11'");
                try (PreparedStatement ps =
                        c.prepareStatement("UPDATE command.signing_keys SET private_key = ? WHERE key_id = ?")) {
                    for (Map.Entry<String, byte[]> key : privateKeys.entrySet()) {
                        ps.setBytes(1, key.getValue());
                        ps.setString(2, key.getKey());
                        assertThat(ps.executeUpdate()).isEqualTo(1);
                    }
                }
                try (PreparedStatement ps =
                        c.prepareStatement("UPDATE command.vehicles SET dtls_psk = ? WHERE vin = ?")) {
                    ps.setBytes(1, psk);
                    ps.setString(2, car.vin());
                    assertThat(ps.executeUpdate()).isEqualTo(1);
                }
                c.commit();
            }
            assertThat(everyRowAsText(system)).contains(HexFormat.of().formatHex(psk));

            system.restart();

            assertThat(system.count("SELECT count(*) FROM command.flyway_history WHERE version = '11' AND success"))
                    .isEqualTo(1);
            Map<String, byte[]> plaintexts = new LinkedHashMap<>();
            plaintexts.put("DTLS key", psk);
            privateKeys.forEach((keyId, pkcs8) -> plaintexts.put("signing private key " + keyId, pkcs8));
            assertNoneInClear(system, plaintexts);
            String kek = system.server.keyRing().current().id();
            assertThat(system.count("SELECT count(*) FROM command.vehicles WHERE dtls_psk_kek = ?", kek))
                    .isEqualTo(1);
            assertThat(system.count("SELECT count(*) FROM command.signing_keys WHERE private_key_kek = ?", kek))
                    .isEqualTo(2);
            assertThat(signingPrivateKeys(system)).containsOnlyKeys(privateKeys.keySet());
            signingPrivateKeys(system)
                    .forEach((keyId, pkcs8) -> assertThat(pkcs8).as(keyId).isEqualTo(privateKeys.get(keyId)));
            try (CoapCar dtls = dtlsCar(system, car)) {
                awaitOnline(system, alice, car.vin());
                climateStop(system, alice, car.vin());
                awaitTrusts(system, car.vin(), newKey);
                assertThat(climateStop(system, alice, car.vin())).contains("signed with key " + newKey);
            }
        }
    }

    private static String rotateSigningKey(TestSystem system) {
        TestSystem.Reply rotated = system.post(system.login("admin"), "/api/v1/admin/signing-keys/rotate", "");
        assertThat(rotated.status()).as(rotated.body()).isEqualTo(201);
        return rotated.json().getString("keyId");
    }

    /**
     * Every signing private key, decrypted with the system's KEK, each checked to be the private half of its
     * stored public key.
     */
    private static Map<String, byte[]> signingPrivateKeys(TestSystem system) throws SQLException {
        KeyRing ring = system.server.keyRing();
        Map<String, byte[]> keys = new LinkedHashMap<>();
        try (Connection c = system.dataSource().getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT key_id, public_key, private_key, private_key_kek FROM command.signing_keys")) {
            while (rs.next()) {
                String keyId = rs.getString(1);
                byte[] pkcs8 = ring.open(
                        SecretColumn.SIGNING_PRIVATE_KEY.context(keyId),
                        new StoredSecret(rs.getBytes(3), rs.getString(4)));
                byte[] probe = ("probe " + keyId).getBytes(StandardCharsets.UTF_8);
                assertThat(CommandSignatures.verify(
                                CommandSignatures.publicKey(rs.getBytes(2)),
                                probe,
                                CommandSignatures.sign(CommandSignatures.privateKey(pkcs8), probe)))
                        .as("the private key of %s signs for its public key", keyId)
                        .isTrue();
                keys.put(keyId, pkcs8);
            }
        }
        return keys;
    }

    /** No row of any table of the database holds any of {@code plaintexts}, as bytes or as text. */
    private static void assertNoneInClear(TestSystem system, Map<String, byte[]> plaintexts) throws SQLException {
        String rows = everyRowAsText(system);
        assertThat(rows).as("the dump of every table").contains("smcar0000000009");
        List<String> found = new ArrayList<>();
        plaintexts.forEach((what, bytes) -> {
            if (rows.contains(HexFormat.of().formatHex(bytes))
                    || rows.contains(new String(bytes, StandardCharsets.ISO_8859_1).toLowerCase())) {
                found.add(what);
            }
        });
        assertThat(found).as("keys stored in clear").isEmpty();
    }

    /** Every row of every table of the command and telemetry schemas as PostgreSQL prints it (bytea as hex). */
    private static String everyRowAsText(TestSystem system) throws SQLException {
        StringBuilder out = new StringBuilder();
        try (Connection c = system.dataSource().getConnection();
                Statement st = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) "
                    + "FROM information_schema.tables WHERE table_schema IN ('command', 'telemetry') "
                    + "AND table_type = 'BASE TABLE'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            assertThat(tables).contains("command.vehicles", "command.signing_keys");
            for (String table : tables) {
                try (ResultSet rs = st.executeQuery("SELECT t::text FROM " + table + " t")) {
                    while (rs.next()) {
                        out.append(rs.getString(1).toLowerCase()).append('\n');
                    }
                }
            }
        }
        return out.toString();
    }

    private static byte[] storedPsk(TestSystem system, String vin) throws SQLException {
        try (Connection c = system.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT dtls_psk FROM command.vehicles WHERE vin = ?")) {
            ps.setString(1, vin);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getBytes(1);
            }
        }
    }

    private static CoapCar dtlsCar(TestSystem system, VehicleCredentials credentials) {
        SimulatedCar simulated = new SimulatedCar(CarConfig.of(credentials.vin()), Clock.systemUTC());
        simulated.park();
        URI gateway = URI.create("coaps://127.0.0.1:" + system.server.coapDtlsPort());
        return new CoapCar(credentials, simulated, gateway, Duration.ofMillis(500)).connect();
    }

    private static void awaitOnline(TestSystem system, String token, String vin) {
        await().atMost(PATIENCE)
                .until(() -> system.get(token, "/api/v1/vehicles/" + vin).json().getBoolean("online", false));
    }

    private static void runsACommandOverDtls(TestSystem system, VehicleCredentials car) {
        String owner = system.login("alice");
        try (CoapCar dtls = dtlsCar(system, car)) {
            awaitOnline(system, owner, car.vin());
            climateStop(system, owner, car.vin());
            assertThat(dtls.refused()).isZero();
        }
    }

    /** A climate stop for the car, awaited to SUCCEEDED; its transitions as JSON text. */
    /** Waits until the car has learned, from a signed command, to trust {@code keyId}. */
    private static void awaitTrusts(TestSystem system, String vin, String keyId) {
        await().atMost(PATIENCE)
                .until(() -> system.count(
                                "SELECT count(*) FROM command.vehicles WHERE vin = ? AND trusted_key_id = ?",
                                vin,
                                keyId)
                        == 1);
    }

    private static String climateStop(TestSystem system, String token, String vin) {
        String path = system.requestCommand(token, vin, "{\"type\":\"CLIMATE_STOP\"}");
        JsonObject[] command = new JsonObject[1];
        await().atMost(PATIENCE).untilAsserted(() -> {
            command[0] = system.get(token, path).json();
            assertThat(command[0].getString("status")).as(command[0].encode()).isEqualTo("SUCCEEDED");
        });
        return command[0].getJsonArray("transitions").encode();
    }
}
