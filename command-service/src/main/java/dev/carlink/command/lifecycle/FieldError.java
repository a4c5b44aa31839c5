package dev.carlink.command.lifecycle;

/** A request field that is missing or out of range; becomes a 400 problem naming the field. */
public final class FieldError extends RuntimeException {

    private final String field;

    public FieldError(String field, String message) {
        super(field + ": " + message, null, false, false);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
