package dev.carlink.command.lifecycle;

/** A car answered a command that does not exist or is not its own: final, never retried. */
public final class UnknownCommandException extends RuntimeException {
    public UnknownCommandException(String message) {
        super(message, null, false, false);
    }
}
