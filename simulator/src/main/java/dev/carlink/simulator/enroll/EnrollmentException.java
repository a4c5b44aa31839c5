package dev.carlink.simulator.enroll;

/**
 * The backend refused or could not answer an enrollment request. {@link #status()} is the HTTP status, or 0
 * when no response arrived; {@link #getMessage()} includes the problem's title and detail.
 */
public final class EnrollmentException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;

    public EnrollmentException(int status, String message) {
        super(message);
        this.status = status;
    }

    public EnrollmentException(String message, Throwable cause) {
        super(message, cause);
        this.status = 0;
    }

    public int status() {
        return status;
    }
}
