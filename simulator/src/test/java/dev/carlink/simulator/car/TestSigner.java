package dev.carlink.simulator.car;

import com.google.protobuf.ByteString;
import dev.carlink.proto.CommandSignatures;
import dev.carlink.proto.v1.Command;
import dev.carlink.proto.v1.SignedCommand;
import dev.carlink.proto.v1.SigningKey;
import java.security.KeyPair;

/** Signs commands for tests as the backend does: a fresh Ed25519 key, a growing counter, 30 s validity. */
public final class TestSigner {

    private final String keyId;
    private final KeyPair pair = CommandSignatures.newKeyPair();
    private long counter;

    public TestSigner(String keyId) {
        this.keyId = keyId;
    }

    public String keyId() {
        return keyId;
    }

    /** The public half, as a car is provisioned with it. */
    public SigningKey publicKey() {
        return SigningKey.newBuilder()
                .setKeyId(keyId)
                .setPublicKey(ByteString.copyFrom(pair.getPublic().getEncoded()))
                .build();
    }

    /** The command with the next counter and a validity of 30 s from now, signed. */
    public SignedCommand sign(Command command) {
        return signExactly(command.toBuilder()
                .setCounter(++counter)
                .setValidUntilMs(System.currentTimeMillis() + 30_000)
                .build());
    }

    /** The command exactly as given (counter, validity, announced key), signed. */
    public SignedCommand signExactly(Command command) {
        byte[] bytes = command.toByteArray();
        return SignedCommand.newBuilder()
                .setCommand(ByteString.copyFrom(bytes))
                .setKeyId(keyId)
                .setSignature(ByteString.copyFrom(CommandSignatures.sign(pair.getPrivate(), bytes)))
                .build();
    }
}
