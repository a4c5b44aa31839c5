package dev.carlink.command.secrets;

import java.util.Set;

/**
 * The secrets in the database cannot all be read with the configured key-encryption keys, so the command-service
 * does not start (and changed nothing). The message names what and why, never a key.
 */
public final class SecretsAtRestException extends RuntimeException {

    private final Set<String> unknownKekIds;

    SecretsAtRestException(String message, Set<String> unknownKekIds) {
        super(message);
        this.unknownKekIds = Set.copyOf(unknownKekIds);
    }

    /** The ids of the KEKs the database has secrets under that the ring lacks; empty for another refusal. */
    public Set<String> unknownKekIds() {
        return unknownKekIds;
    }
}
