package dev.carlink.command.signing;

/** The only key a car trusts was retired: the cloud cannot sign a command it would accept. */
public final class SigningKeyRetiredException extends RuntimeException {

    public SigningKeyRetiredException(String vin, String keyId) {
        super("vehicle " + vin + " trusts only key " + keyId + ", which is retired; re-provision the car");
    }
}
