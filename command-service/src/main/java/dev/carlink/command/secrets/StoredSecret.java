package dev.carlink.command.secrets;

/**
 * A secret column's value as stored, with the column beside it naming the KEK it is encrypted under.
 *
 * @param value the stored bytes: an encrypted secret ({@link Envelope}), or the secret itself when {@code kekId}
 *     is null
 * @param kekId the KEK's id, also in the value's header; null for a value stored as it is, by a version before
 *     secrets were encrypted (the next start encrypts it)
 */
public record StoredSecret(byte[] value, String kekId) {

    public StoredSecret {
        java.util.Objects.requireNonNull(value, "value");
    }

    /** True when the value is the secret itself, as a version before encryption at rest stored it. */
    public boolean inClear() {
        return kekId == null;
    }

    @Override
    public String toString() {
        return "StoredSecret[" + value.length + " bytes, kek=" + (kekId == null ? "none" : kekId) + "]";
    }
}
