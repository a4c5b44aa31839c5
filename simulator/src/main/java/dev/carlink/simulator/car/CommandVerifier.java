package dev.carlink.simulator.car;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.carlink.proto.CommandSignatures;
import dev.carlink.proto.v1.Command;
import dev.carlink.proto.v1.ReasonCode;
import dev.carlink.proto.v1.SignedCommand;
import dev.carlink.proto.v1.SigningKey;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The car's check of every command before it acts, as a head unit would do it: the signature by a key it
 * trusts over the exact bytes received, then the VIN, the signature's validity by the car's own clock, and the
 * counter against replay. A key the backend announces inside a verified command is trusted from then on
 * (rotation without re-enrollment).
 *
 * <p>Replay: the car remembers the counters of the last {@value #WINDOW} accepted commands. The same command
 * redelivered by MQTT (same id and counter) passes, and the car answers it from its memory without acting
 * again; a used counter with another id, or one older than the window, is REPLAYED. Thread-safe.
 */
public final class CommandVerifier {

    /** How many recent counters the car remembers; older ones are refused. */
    public static final int WINDOW = 256;

    private static final Logger LOG = LoggerFactory.getLogger(CommandVerifier.class);

    /** What the car does with a command: act on it, answer a refusal, or drop it (nothing to answer to). */
    public record Verdict(Command command, String commandId, ReasonCode fault, String detail) {

        public boolean accepted() {
            return command != null;
        }

        /** A message the car cannot even read the command id from: it is dropped and counted. */
        public boolean unreadable() {
            return command == null && fault == null;
        }

        static Verdict accept(Command command) {
            return new Verdict(command, command.getId(), null, null);
        }

        static Verdict refuse(String commandId, ReasonCode fault, String detail) {
            return new Verdict(null, commandId, fault, detail);
        }

        static Verdict unreadable(String detail) {
            return new Verdict(null, "", null, detail);
        }
    }

    private final String vin;
    private final Clock clock;
    private final Map<String, PublicKey> trusted = new LinkedHashMap<>();
    private String newestKeyId = "";
    private final TreeMap<Long, String> recentCounters = new TreeMap<>();
    private final Map<ReasonCode, Long> refusals = new EnumMap<>(ReasonCode.class);
    /** The car's security log: the last {@value #WINDOW} refused command ids and why. */
    private final Map<String, ReasonCode> refusedIds = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ReasonCode> eldest) {
            return size() > WINDOW;
        }
    };

    /** @param keys the backend's public keys the car was provisioned with (enrollment) */
    public CommandVerifier(String vin, List<SigningKey> keys, Clock clock) {
        this.vin = Objects.requireNonNull(vin, "vin");
        this.clock = Objects.requireNonNull(clock, "clock");
        keys.forEach(this::trust);
    }

    public synchronized Verdict verify(byte[] payload) {
        SignedCommand signed;
        try {
            signed = SignedCommand.parseFrom(payload);
        } catch (InvalidProtocolBufferException e) {
            return Verdict.unreadable("not a SignedCommand (" + payload.length + " bytes)");
        }
        byte[] bytes = signed.getCommand().toByteArray();
        Command command;
        try {
            command = Command.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            return Verdict.unreadable("the signed bytes are not a Command");
        }
        String id = command.getId();
        if (signed.getKeyId().isEmpty() || signed.getSignature().isEmpty()) {
            return refuse(
                    id,
                    ReasonCode.REASON_CODE_SIGNATURE_MISSING,
                    "the command is not signed; unsigned commands are never run");
        }
        PublicKey key = trusted.get(signed.getKeyId());
        if (key == null) {
            return refuse(
                    id,
                    ReasonCode.REASON_CODE_UNKNOWN_SIGNING_KEY,
                    "signed with key " + signed.getKeyId() + ", which the car does not trust");
        }
        if (!CommandSignatures.verify(key, bytes, signed.getSignature().toByteArray())) {
            return refuse(
                    id,
                    ReasonCode.REASON_CODE_SIGNATURE_INVALID,
                    "the signature does not match key " + signed.getKeyId());
        }
        if (!vin.equals(command.getVin())) {
            return refuse(id, ReasonCode.REASON_CODE_WRONG_VIN, "command is for vin '" + command.getVin() + "'");
        }
        long counter = command.getCounter();
        if (id.equals(recentCounters.get(counter))) {
            return Verdict.accept(command);
        }
        long now = clock.millis();
        if (now > command.getValidUntilMs()) {
            return refuse(
                    id,
                    ReasonCode.REASON_CODE_SIGNATURE_EXPIRED,
                    "signature valid until " + Instant.ofEpochMilli(command.getValidUntilMs())
                            + ", the car's clock says " + Instant.ofEpochMilli(now));
        }
        if (recentCounters.containsKey(counter)) {
            return refuse(id, ReasonCode.REASON_CODE_REPLAYED, "counter " + counter + " was already used");
        }
        if (recentCounters.size() >= WINDOW && counter < recentCounters.firstKey()) {
            return refuse(
                    id, ReasonCode.REASON_CODE_REPLAYED, "counter " + counter + " is older than the car remembers");
        }
        recentCounters.put(counter, id);
        while (recentCounters.size() > WINDOW) {
            recentCounters.pollFirstEntry();
        }
        if (command.hasAnnouncedKey()
                && !trusted.containsKey(command.getAnnouncedKey().getKeyId())) {
            trust(command.getAnnouncedKey());
            LOG.info("trusting a new signing key [vin: {}, keyId: {}]", vin, newestKeyId);
        }
        return Verdict.accept(command);
    }

    /** The newest backend key the car trusts; reported in every result so the backend can sign with it. */
    public synchronized String newestKeyId() {
        return newestKeyId;
    }

    /** Ids of the keys the car trusts, oldest first. */
    public synchronized List<String> trustedKeyIds() {
        return List.copyOf(trusted.keySet());
    }

    /** Refusals so far, by fault code. */
    public synchronized Map<ReasonCode, Long> refusals() {
        return Map.copyOf(refusals);
    }

    /** Why the car refused the command with this id, if it is among the last {@value #WINDOW} it refused. */
    public synchronized Optional<ReasonCode> refusalOf(String commandId) {
        return Optional.ofNullable(refusedIds.get(commandId));
    }

    private Verdict refuse(String id, ReasonCode fault, String detail) {
        refusals.merge(fault, 1L, Long::sum);
        refusedIds.put(id, fault);
        LOG.warn(
                "command refused by verification [vin: {}, commandId: {}, fault: {}, detail: {}]",
                vin,
                id,
                fault,
                detail);
        return Verdict.refuse(id, fault, detail);
    }

    private void trust(SigningKey key) {
        try {
            trusted.put(
                    key.getKeyId(),
                    CommandSignatures.publicKey(key.getPublicKey().toByteArray()));
            newestKeyId = key.getKeyId();
        } catch (IllegalArgumentException e) {
            LOG.warn("ignored a signing key that is not Ed25519 [vin: {}, keyId: {}]", vin, key.getKeyId());
        }
    }
}
