package dev.carlink.simulator.mqtt;

/** A simulated car could not connect or was closed before it connected. */
public final class MqttCarException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public MqttCarException(String message) {
        super(message);
    }

    public MqttCarException(String message, Throwable cause) {
        super(message, cause);
    }
}
