package dev.carlink.simulator.mqtt;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.carlink.proto.v1.Command;
import dev.carlink.proto.v1.CommandOutcome;
import dev.carlink.proto.v1.CommandResult;
import dev.carlink.proto.v1.PublishError;
import dev.carlink.proto.v1.SignedCommand;
import dev.carlink.proto.v1.VehicleEvent;
import dev.carlink.simulator.VehicleCredentials;
import dev.carlink.simulator.car.CommandVerifier;
import dev.carlink.simulator.car.SimulatedCar;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.ScheduledExecutorPingSender;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SimulatedCar} on the network: one Paho MQTT 3.1.1 client (client id = user name = VIN, password =
 * the vehicle secret, clean session) that publishes telemetry every {@link MqttCarConfig#telemetryInterval()},
 * publishes the car's events and command results with QoS 1, executes incoming commands, and records the
 * gateway's refusals from the errors topic.
 *
 * <p>Threads: physics steps, command execution and publishing run on the shared scheduler given to the
 * constructor (never on Paho's callback thread); Paho adds its own three threads per client, its keep-alive
 * pings run on the scheduler. Every outbound message goes through a bounded outbox: a publish that fails (not
 * connected, connection lost before the PUBACK) returns to the outbox and is sent again after reconnecting.
 *
 * <p>Reconnection is done here, with a doubling delay up to {@link MqttCarConfig#maxReconnectDelay()}, instead of
 * Paho's automatic reconnect: Paho 1.2.5 keeps its reconnect cycle (and a non-daemon timer thread per client)
 * alive after {@code disconnect()} and {@code close()} (eclipse/paho.mqtt.java#425), which would keep a JVM from
 * exiting and a closed car from going quiet. A refused authentication is final: the car stops trying.
 *
 * <p>With a {@link SleepPolicy} the car sleeps when idle: it announces it (event SleepStarted), disconnects
 * cleanly once everything is delivered, sends nothing while asleep, and connects again at its check-in or as soon
 * as something happens in the car; the commands sent meanwhile reach it then.
 */
public final class MqttCar implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MqttCar.class);

    /** Publishes waiting for their PUBACK at most; Paho's own limit is set above it. */
    private static final int MAX_IN_FLIGHT = 50;

    private static final Set<Integer> FINAL_REFUSALS = Set.of(
            (int) MqttException.REASON_CODE_INVALID_PROTOCOL_VERSION,
            (int) MqttException.REASON_CODE_INVALID_CLIENT_ID,
            (int) MqttException.REASON_CODE_FAILED_AUTHENTICATION,
            (int) MqttException.REASON_CODE_NOT_AUTHORIZED);

    private final SimulatedCar car;
    private final MqttCarConfig config;
    private final ScheduledExecutorService scheduler;
    private final boolean ownsScheduler;
    private final MqttAsyncClient client;
    private final MqttConnectOptions options;
    private final Outbox outbox;
    private final String telemetryTopic;
    private final String eventsTopic;
    private final String resultsTopic;
    private final String commandsTopic;
    private final String errorsTopic;

    private final CompletableFuture<Void> firstConnection = new CompletableFuture<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong connects = new AtomicLong();
    private final AtomicLong telemetrySent = new AtomicLong();
    private final AtomicLong eventsSent = new AtomicLong();
    private final AtomicLong resultsSent = new AtomicLong();
    private final AtomicLong commandsReceived = new AtomicLong();
    private final CommandVerifier verifier;
    private volatile SignedCommand lastAccepted;
    private final AtomicLong publishErrors = new AtomicLong();
    private final Object flushLock = new Object();
    private final Object tickLock = new Object();

    private volatile boolean subscribed;
    private volatile boolean wasConnected;
    private final Faults faults = new Faults();
    private volatile ScheduledFuture<?> ticker;
    private long lastTickNanos;
    private long lastTelemetryNanos;
    // the sleep cycle, under the tick lock (asleep is read by other threads too)
    private volatile boolean asleep;
    private boolean sleepAnnounced;
    private long idleSinceNanos;
    private long wakeAtNanos;
    private final AtomicLong sleeps = new AtomicLong();

    /**
     * Creates the car's connection with a scheduler of its own (one daemon thread, shut down by
     * {@link #close()}): the simplest way to drive a single car, e.g. in an end-to-end test.
     */
    public MqttCar(VehicleCredentials credentials, SimulatedCar car, MqttCarConfig config) {
        this(credentials, car, config, ownScheduler(car), true);
    }

    /**
     * Creates the car's connection; nothing happens on the network before {@link #connect()}.
     *
     * @param credentials the VIN and secret; the VIN must be the simulated car's
     * @param car the car to put on the network
     * @param config server, intervals and time scale
     * @param scheduler shared scheduler for physics, commands, publishing and keep-alive pings; the caller owns it
     */
    public MqttCar(
            VehicleCredentials credentials,
            SimulatedCar car,
            MqttCarConfig config,
            ScheduledExecutorService scheduler) {
        this(credentials, car, config, scheduler, false);
    }

    private MqttCar(
            VehicleCredentials credentials,
            SimulatedCar car,
            MqttCarConfig config,
            ScheduledExecutorService scheduler,
            boolean ownsScheduler) {
        this.ownsScheduler = ownsScheduler;
        Objects.requireNonNull(credentials, "credentials");
        this.car = Objects.requireNonNull(car, "car");
        this.config = Objects.requireNonNull(config, "config");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        if (!credentials.vin().equals(car.vin())) {
            throw new IllegalArgumentException(
                    "credentials are for vin " + credentials.vin() + ", the car is " + car.vin());
        }
        String vin = car.vin();
        this.telemetryTopic = "v1/vehicles/" + vin + "/telemetry";
        this.eventsTopic = "v1/vehicles/" + vin + "/events";
        this.resultsTopic = "v1/vehicles/" + vin + "/command-results";
        this.commandsTopic = "v1/vehicles/" + vin + "/commands";
        this.errorsTopic = "v1/vehicles/" + vin + "/errors";
        this.outbox = new Outbox(config.outboxCapacity());
        this.options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setCleanSession(true);
        options.setUserName(vin);
        options.setPassword(credentials.secret().toCharArray());
        options.setAutomaticReconnect(false);
        options.setConnectionTimeout(Math.max(1, (int) config.connectTimeout().toSeconds()));
        options.setKeepAliveInterval(Math.max(1, (int) config.keepAlive().toSeconds()));
        options.setMaxInflight(MAX_IN_FLIGHT * 2);
        if (config.tcpNoDelay() && "tcp".equals(config.serverUri().getScheme())) {
            options.setSocketFactory(NoDelaySocketFactory.INSTANCE);
        }
        try {
            this.client = new MqttAsyncClient(
                    config.serverUri().toString(),
                    vin,
                    new MemoryPersistence(),
                    new ScheduledExecutorPingSender(scheduler),
                    null);
        } catch (MqttException e) {
            throw new IllegalArgumentException("cannot create an MQTT client for " + config.serverUri(), e);
        }
        client.setCallback(new Callback());
        car.setOutputListener(() -> submit(this::drainAndFlush));
        this.verifier = new CommandVerifier(vin, credentials.signingKeys(), car.clock());
    }

    /** Faults to inject into this connection. */
    public Faults faults() {
        return faults;
    }

    /**
     * Fault injection: publishes bytes that are not a Telemetry message on the car's telemetry topic. The
     * gateway refuses it (for this MQTT 3.1.1 car: a {@code PublishError} on the errors topic).
     */
    public void publishMalformedTelemetry() {
        submit(() -> {
            enqueue(Outbox.Kind.TELEMETRY, telemetryTopic, new byte[] {(byte) 0xff, 0x13, 0x37, 0x00});
            drainAndFlush();
        });
    }

    /**
     * Fault injection, security: hands the car bytes as if they had arrived on its commands topic, past the
     * backend (what an attacker on the network could deliver). The car verifies them like any command.
     */
    public void deliverAsIfReceived(byte[] payload) {
        submit(() -> handleCommand(payload));
    }

    /** The last command that passed the car's verification, as received (a genuine signed command), if any. */
    public Optional<SignedCommand> lastAcceptedCommand() {
        return Optional.ofNullable(lastAccepted);
    }

    /** The car's command verification: trusted keys and refusals by fault code. Read it on the car's thread or after. */
    public CommandVerifier verifier() {
        return verifier;
    }

    /** The simulated car behind this connection, for test hooks. */
    public SimulatedCar car() {
        return car;
    }

    public String vin() {
        return car.vin();
    }

    /**
     * Starts the car's clock and connects. The future completes when the car is connected and subscribed for
     * the first time; a network failure is retried with a growing delay, a refused authentication fails the
     * future with {@link MqttCarException}. Calling it again returns the same future.
     */
    public CompletableFuture<Void> connect() {
        if (closed.get()) {
            return CompletableFuture.failedFuture(new MqttCarException("car " + vin() + " is closed"));
        }
        if (started.compareAndSet(false, true)) {
            lastTickNanos = System.nanoTime();
            lastTelemetryNanos = lastTickNanos - config.telemetryInterval().toNanos();
            idleSinceNanos = lastTickNanos;
            long period = config.stepInterval().toNanos();
            ticker = scheduler.scheduleAtFixedRate(this::tick, period, period, TimeUnit.NANOSECONDS);
            attemptConnect(0);
        }
        return firstConnection;
    }

    /** Whether the MQTT session is up and the command subscription is in place. */
    public boolean isConnected() {
        return client.isConnected() && subscribed;
    }

    /** Queues a telemetry sample now (instead of waiting for the interval) and publishes what is pending. */
    public void publishTelemetryNow() {
        submit(() -> {
            enqueue(Outbox.Kind.TELEMETRY, telemetryTopic, car.telemetry().toByteArray());
            drainAndFlush();
        });
    }

    public MqttCarStats stats() {
        return new MqttCarStats(
                vin(),
                isConnected(),
                connects.get(),
                telemetrySent.get(),
                eventsSent.get(),
                resultsSent.get(),
                commandsReceived.get(),
                publishErrors.get(),
                outbox.size(),
                outbox.dropped());
    }

    /**
     * Stops the clock, tries for up to a second to deliver what is queued, disconnects and releases the client.
     * Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        ScheduledFuture<?> running = ticker;
        if (running != null) {
            running.cancel(false);
        }
        try {
            if (client.isConnected()) {
                // the last results and events still go out; flush() does not look at the closed flag
                drainAndFlush();
                client.disconnect(1000).waitForCompletion(2000);
            }
        } catch (MqttException e) {
            LOG.debug("disconnect failed [vin: {}]", vin(), e);
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            LOG.debug("close failed [vin: {}]", vin(), e);
        }
        subscribed = false;
        if (ownsScheduler) {
            scheduler.shutdownNow();
        }
        firstConnection.completeExceptionally(new MqttCarException("car " + vin() + " was closed"));
        if (outbox.size() > 0) {
            LOG.warn("car closed with unsent messages [vin: {}, unsent: {}]", vin(), outbox.size());
        }
        LOG.debug("car closed [vin: {}]", vin());
    }

    // ------------------------------------------------------------------------------------------ connection

    private void attemptConnect(int attempt) {
        if (closed.get() || asleep) {
            return; // an asleep car connects when it wakes
        }
        try {
            client.connect(options, null, new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    connects.incrementAndGet();
                    LOG.debug("connected [vin: {}, attempt: {}]", vin(), attempt);
                }

                @Override
                public void onFailure(IMqttToken token, Throwable cause) {
                    connectFailed(attempt, cause);
                }
            });
        } catch (MqttException e) {
            connectFailed(attempt, e);
        }
    }

    private void connectFailed(int attempt, Throwable cause) {
        if (closed.get()) {
            return;
        }
        if (cause instanceof MqttException mqtt && FINAL_REFUSALS.contains(mqtt.getReasonCode())) {
            LOG.warn(
                    "connection refused, not retrying [vin: {}, server: {}, reason: {}]",
                    vin(),
                    config.serverUri(),
                    cause.getMessage());
            firstConnection.completeExceptionally(
                    new MqttCarException("connection refused for " + vin() + ": " + cause.getMessage(), cause));
            return;
        }
        Duration delay = reconnectDelay(attempt);
        if (attempt == 0 || attempt % 10 == 0) {
            LOG.warn(
                    "connection failed, retrying [vin: {}, server: {}, attempt: {}, retryIn: {}, reason: {}]",
                    vin(),
                    config.serverUri(),
                    attempt + 1,
                    delay,
                    cause.getMessage());
        } else {
            LOG.debug("connection failed, retrying [vin: {}, attempt: {}]", vin(), attempt + 1);
        }
        schedule(() -> attemptConnect(attempt + 1), delay);
    }

    private Duration reconnectDelay(int attempt) {
        long millis = 1000L << Math.min(attempt, 16);
        return Duration.ofMillis(Math.min(millis, config.maxReconnectDelay().toMillis()));
    }

    private void subscribe() {
        try {
            client.subscribe(
                    new String[] {commandsTopic, errorsTopic}, new int[] {1, 0}, null, new IMqttActionListener() {
                        @Override
                        public void onSuccess(IMqttToken token) {
                            int[] granted = token.getGrantedQos();
                            if (granted != null) {
                                for (int qos : granted) {
                                    if (qos == 0x80) {
                                        subscriptionFailed(new MqttCarException("subscription refused by the server"));
                                        return;
                                    }
                                }
                            }
                            subscribed = true;
                            LOG.debug("subscribed [vin: {}]", vin());
                            firstConnection.complete(null);
                            submit(MqttCar.this::drainAndFlush);
                        }

                        @Override
                        public void onFailure(IMqttToken token, Throwable cause) {
                            subscriptionFailed(cause);
                        }
                    });
        } catch (MqttException e) {
            subscriptionFailed(e);
        }
    }

    private void subscriptionFailed(Throwable cause) {
        LOG.warn(
                "subscription to commands failed [vin: {}, topic: {}, reason: {}]",
                vin(),
                commandsTopic,
                cause.getMessage());
        firstConnection.completeExceptionally(
                new MqttCarException("subscription failed for " + vin() + ": " + cause.getMessage(), cause));
    }

    private final class Callback implements MqttCallbackExtended {

        @Override
        public void connectComplete(boolean reconnect, String serverUri) {
            if (wasConnected) {
                LOG.info("reconnected [vin: {}, server: {}]", vin(), serverUri);
            }
            wasConnected = true;
            subscribe();
        }

        @Override
        public void connectionLost(Throwable cause) {
            subscribed = false;
            if (closed.get() || asleep) {
                return;
            }
            LOG.warn("connection lost, reconnecting [vin: {}, reason: {}]", vin(), cause.getMessage());
            schedule(() -> attemptConnect(0), reconnectDelay(0));
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            byte[] payload = message.getPayload();
            if (commandsTopic.equals(topic)) {
                commandsReceived.incrementAndGet();
                submit(() -> handleCommand(payload));
            } else if (errorsTopic.equals(topic)) {
                submit(() -> handleError(payload));
            } else {
                LOG.debug("message on unexpected topic ignored [vin: {}, topic: {}]", vin(), topic);
            }
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
            // counted in the publish listener, which knows what was delivered
        }
    }

    // -------------------------------------------------------------------------------------------- inbound

    private void handleCommand(byte[] payload) {
        if (faults.ignoresCommands()) {
            LOG.info("command ignored (fault injection) [vin: {}, bytes: {}]", vin(), payload.length);
            return;
        }
        CommandVerifier.Verdict verdict = verifier.verify(payload);
        if (verdict.unreadable()) {
            LOG.warn("undecodable command ignored [vin: {}, detail: {}]", vin(), verdict.detail());
            return;
        }
        if (!verdict.accepted()) {
            publishResults(List.of(CommandResult.newBuilder()
                    .setCommandId(verdict.commandId())
                    .setStatus(CommandOutcome.COMMAND_OUTCOME_REJECTED)
                    .setReason(verdict.fault())
                    .setDetail(verdict.detail())
                    .setTimestampMs(car.clock().millis())
                    .build()));
            return;
        }
        try {
            lastAccepted = SignedCommand.parseFrom(payload);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("a verified command no longer parses", e);
        }
        Command command = verdict.command();
        LOG.debug(
                "command received [vin: {}, commandId: {}, action: {}]",
                vin(),
                command.getId(),
                command.getActionCase());
        publishResults(car.execute(command));
    }

    /** Publishes the car's answers, each naming the newest signing key it trusts; delayed by the fault if set. */
    private void publishResults(List<CommandResult> results) {
        Runnable send = () -> {
            for (CommandResult result : results) {
                CommandResult stamped = result.toBuilder()
                        .setTrustedKeyId(verifier.newestKeyId())
                        .build();
                enqueue(Outbox.Kind.RESULT, resultsTopic, stamped.toByteArray());
            }
            drainAndFlush();
        };
        Duration delay = faults.resultDelay();
        if (delay.isZero()) {
            send.run();
        } else {
            schedule(send, delay);
        }
    }

    private void handleError(byte[] payload) {
        PublishError error;
        try {
            error = PublishError.parseFrom(payload);
        } catch (InvalidProtocolBufferException e) {
            LOG.warn("undecodable publish error ignored [vin: {}, bytes: {}]", vin(), payload.length);
            return;
        }
        publishErrors.incrementAndGet();
        car.recordPublishError(error);
        LOG.warn(
                "gateway refused a publish [vin: {}, topic: {}, code: {}, detail: {}]",
                vin(),
                error.getTopic(),
                error.getCode(),
                error.getDetail());
    }

    // ------------------------------------------------------------------------------------------- outbound

    private void tick() {
        try {
            synchronized (tickLock) {
                long now = System.nanoTime();
                long simulatedNanos = Math.round((now - lastTickNanos) * config.timeScale());
                lastTickNanos = now;
                car.step(Duration.ofNanos(Math.max(0, simulatedNanos)));
                if (config.sleep().sleeps()) {
                    sleepStep(now);
                }
                if (!asleep
                        && !sleepAnnounced
                        && now - lastTelemetryNanos
                                >= config.telemetryInterval().toNanos()) {
                    lastTelemetryNanos = now;
                    enqueue(
                            Outbox.Kind.TELEMETRY,
                            telemetryTopic,
                            car.telemetry().toByteArray());
                }
            }
            drainAndFlush();
        } catch (RuntimeException e) {
            // a failing tick must not cancel the periodic task: log and carry on with the next one
            LOG.error("car tick failed [vin: {}]", vin(), e);
        }
    }

    // ---------------------------------------------------------------------------------------------- sleep

    /**
     * One step of the sleep cycle (under the tick lock): an idle car announces its sleep once idle long enough,
     * disconnects once the announcement and everything else is delivered, and wakes at its check-in or as soon as
     * it is no longer idle.
     */
    private void sleepStep(long now) {
        SleepPolicy sleep = config.sleep();
        boolean idle = car.maySleep();
        if (asleep) {
            if (!idle || now - wakeAtNanos >= 0) {
                wake(now, idle ? "check-in" : "activity in the car");
            }
            return;
        }
        if (sleepAnnounced) {
            if (!idle) {
                sleepAnnounced = false; // something happened before it could leave: it stays
                idleSinceNanos = now;
            } else if (isConnected() && outbox.size() == 0 && inFlight.get() == 0) {
                fallAsleep(now, sleep.checkIn());
            }
            return;
        }
        if (!idle || !isConnected()) {
            idleSinceNanos = now;
        } else if (now - idleSinceNanos >= sleep.idleBeforeSleep().toNanos()) {
            sleepAnnounced = true;
            car.announceSleep(sleep.checkIn());
        }
    }

    private void fallAsleep(long now, Duration checkIn) {
        sleepAnnounced = false;
        asleep = true;
        subscribed = false;
        wakeAtNanos = now + checkIn.toNanos();
        sleeps.incrementAndGet();
        LOG.info("asleep [vin: {}, checkInWithin: {}]", vin(), checkIn);
        try {
            client.disconnect(1000);
        } catch (MqttException e) {
            LOG.debug("disconnect before sleep failed [vin: {}, reason: {}]", vin(), e.getMessage());
        }
    }

    private void wake(long now, String why) {
        asleep = false;
        idleSinceNanos = now;
        lastTelemetryNanos = now - config.telemetryInterval().toNanos(); // the first sample goes out at once
        LOG.info("awake [vin: {}, why: {}]", vin(), why);
        attemptConnect(0);
    }

    /** Whether the car is asleep now (announced, disconnected, not yet awake). */
    public boolean isAsleep() {
        return asleep;
    }

    /** How many times the car went to sleep. */
    public long sleeps() {
        return sleeps.get();
    }

    private void drainAndFlush() {
        for (CommandResult result : car.drainResults()) {
            enqueue(Outbox.Kind.RESULT, resultsTopic, result.toByteArray());
        }
        for (VehicleEvent event : car.drainEvents()) {
            enqueue(Outbox.Kind.EVENT, eventsTopic, event.toByteArray());
        }
        flush();
    }

    private void enqueue(Outbox.Kind kind, String topic, byte[] payload) {
        int copies = faults.duplicatesPublishes() ? 2 : 1;
        for (int i = 0; i < copies; i++) {
            Outbox.Message dropped = outbox.add(new Outbox.Message(kind, topic, payload));
            if (dropped != null) {
                logDrop(dropped);
            }
        }
    }

    private void flush() {
        synchronized (flushLock) {
            while (client.isConnected() && inFlight.get() < MAX_IN_FLIGHT) {
                Outbox.Message message = outbox.poll();
                if (message == null) {
                    return;
                }
                inFlight.incrementAndGet();
                try {
                    client.publish(message.topic(), message.payload(), 1, false, message, new PublishListener());
                } catch (MqttException e) {
                    inFlight.decrementAndGet();
                    requeue(message);
                    LOG.debug("publish deferred [vin: {}, reason: {}]", vin(), e.getMessage());
                    return;
                }
            }
        }
    }

    private final class PublishListener implements IMqttActionListener {

        @Override
        public void onSuccess(IMqttToken token) {
            inFlight.decrementAndGet();
            Outbox.Message message = (Outbox.Message) token.getUserContext();
            switch (message.kind()) {
                case TELEMETRY -> telemetrySent.incrementAndGet();
                case EVENT -> eventsSent.incrementAndGet();
                case RESULT -> resultsSent.incrementAndGet();
            }
            if (outbox.size() > 0) {
                submit(MqttCar.this::flush);
            }
        }

        @Override
        public void onFailure(IMqttToken token, Throwable cause) {
            inFlight.decrementAndGet();
            Outbox.Message message = (Outbox.Message) token.getUserContext();
            LOG.debug(
                    "publish failed, will retry [vin: {}, topic: {}, reason: {}]",
                    vin(),
                    message.topic(),
                    cause.getMessage());
            requeue(message);
        }
    }

    private void requeue(Outbox.Message message) {
        Outbox.Message dropped = outbox.returnToHead(message);
        if (dropped != null) {
            logDrop(dropped);
        }
    }

    private void logDrop(Outbox.Message dropped) {
        if (dropped.kind() == Outbox.Kind.TELEMETRY) {
            LOG.debug("outbox full, oldest telemetry dropped [vin: {}]", vin());
        } else {
            LOG.error("outbox full, {} dropped [vin: {}, topic: {}]", dropped.kind(), vin(), dropped.topic());
        }
    }

    private void submit(Runnable task) {
        if (closed.get()) {
            return;
        }
        try {
            scheduler.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.error("car task failed [vin: {}]", vin(), e);
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("scheduler shut down, task dropped [vin: {}]", vin());
        }
    }

    private void schedule(Runnable task, Duration delay) {
        if (closed.get()) {
            return;
        }
        try {
            scheduler.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("scheduler shut down, reconnect not scheduled [vin: {}]", vin());
        }
    }

    private static ScheduledExecutorService ownScheduler(SimulatedCar car) {
        Objects.requireNonNull(car, "car");
        return Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "carlink-car-" + car.vin());
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public String toString() {
        return "MqttCar[" + vin() + " -> " + config.serverUri() + "]";
    }
}
