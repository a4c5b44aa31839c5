package dev.carlink.command.secrets;

/**
 * The columns of the command store that hold secrets, each beside a column naming the KEK it is encrypted under
 * (migration V11). A secret is bound to its row by its context, {@code <table>/<row key>/<column>}, the
 * associated data of its encryption.
 */
public enum SecretColumn {
    /** The Ed25519 private key (PKCS#8) of each command-signing key. */
    SIGNING_PRIVATE_KEY("signing_keys", "key_id", "private_key", "private_key_kek", "signing private key"),
    /** Each car's DTLS pre-shared key ({@code dev.carlink.proto.VehicleKeys}). */
    DTLS_PSK("vehicles", "vin", "dtls_psk", "dtls_psk_kek", "DTLS key");

    private final String table;
    private final String keyColumn;
    private final String column;
    private final String kekColumn;
    private final String noun;

    SecretColumn(String table, String keyColumn, String column, String kekColumn, String noun) {
        this.table = table;
        this.keyColumn = keyColumn;
        this.column = column;
        this.kekColumn = kekColumn;
        this.noun = noun;
    }

    /** The associated data naming one row's secret, e.g. {@code vehicles/WVW.../dtls_psk}. */
    public String context(String rowKey) {
        return table + "/" + rowKey + "/" + column;
    }

    /** Schema-qualified table name. */
    String table() {
        return "command." + table;
    }

    String keyColumn() {
        return keyColumn;
    }

    String column() {
        return column;
    }

    String kekColumn() {
        return kekColumn;
    }

    /** What one value is, in messages ("DTLS key"). */
    String noun() {
        return noun;
    }
}
