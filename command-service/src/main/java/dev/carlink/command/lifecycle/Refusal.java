package dev.carlink.command.lifecycle;

import dev.carlink.proto.v1.ReasonCode;

/** Why the cloud refused a command, in the shared reason vocabulary. */
public record Refusal(ReasonCode reason, String detail) {

    /** The reason as the API shows it, without the proto prefix. */
    public String code() {
        return ReasonCodes.name(reason);
    }
}
