package dev.carlink.simulator.scenario;

/** A scenario file that does not follow the documented format; the message names the file and the field. */
public final class ScenarioFormatException extends RuntimeException {
    public ScenarioFormatException(String message) {
        super(message);
    }
}
