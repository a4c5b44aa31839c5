package dev.carlink.telemetry.ingest;

/** Why a sample was not acknowledged; the value of the {@code reason} tag of the rejected counter. */
enum RejectReason {
    /** The bytes are not a {@code TelemetryIngest} (400, final). */
    MALFORMED("malformed"),
    /** A value breaks a rule (400, final). */
    INVALID("invalid"),
    /** Too many samples wait to be written, or the module is stopping (503, retry). */
    BACKPRESSURE("backpressure"),
    /** The batch's transaction failed (503, retry). */
    STORE_FAILED("store_failed");

    private final String tag;

    RejectReason(String tag) {
        this.tag = tag;
    }

    String tag() {
        return tag;
    }
}
