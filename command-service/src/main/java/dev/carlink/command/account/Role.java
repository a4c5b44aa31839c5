package dev.carlink.command.account;

/** What an authenticated person may do. */
public enum Role {
    /** Owns cars; reads and commands only their own. */
    OWNER,
    /** Service staff: reads every car, works tasks, enrolls vehicles. */
    STAFF,
    /** Everything staff can, plus administration. */
    ADMIN;

    public boolean isStaff() {
        return this == STAFF || this == ADMIN;
    }
}
