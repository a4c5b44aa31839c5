package dev.carlink.command.account;

/** The person behind a request, resolved from its bearer token. */
public record Principal(long userId, String username, Role role) {

    /** The name recorded in audit trails and transitions. */
    public String auditName() {
        return role.name().toLowerCase(java.util.Locale.ROOT) + ":" + username;
    }
}
