package dev.carlink.command.secrets;

/** A stored secret that the configured key-encryption keys cannot decrypt. The message never holds key bytes. */
public final class UnreadableSecretException extends RuntimeException {

    /** Why it cannot be read. */
    public enum Reason {
        /** Not in a format this version knows (too short, an unknown format version). */
        MALFORMED,
        /** Encrypted under a KEK that is not configured. */
        UNKNOWN_KEK,
        /** The KEK is the right one, but the tag does not match: altered, or copied from another row. */
        NOT_AUTHENTIC
    }

    private final Reason reason;
    private final String kekId;

    UnreadableSecretException(Reason reason, String kekId, String message) {
        super(message);
        this.reason = reason;
        this.kekId = kekId;
    }

    public Reason reason() {
        return reason;
    }

    /** The KEK id the secret names, or null when it is malformed. */
    public String kekId() {
        return kekId;
    }
}
