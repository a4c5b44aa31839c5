package dev.carlink.command.lifecycle;

import dev.carlink.proto.v1.ReasonCode;

/** Maps the proto reason vocabulary to the names the API shows. */
public final class ReasonCodes {

    private static final String PREFIX = "REASON_CODE_";

    private ReasonCodes() {}

    /** {@code REASON_CODE_SEAT_OCCUPIED} becomes {@code SEAT_OCCUPIED}; unspecified becomes null. */
    public static String name(ReasonCode code) {
        if (code == null || code == ReasonCode.REASON_CODE_UNSPECIFIED || code == ReasonCode.UNRECOGNIZED) {
            return null;
        }
        return code.name().substring(PREFIX.length());
    }
}
