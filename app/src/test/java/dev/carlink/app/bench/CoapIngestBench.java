package dev.carlink.app.bench;

import dev.carlink.gateway.GatewayConfig;
import dev.carlink.gateway.coap.CoapConfig;
import dev.carlink.gateway.coap.CoapGatewayVerticle;
import dev.carlink.proto.BusAddress;
import dev.carlink.proto.VehicleKeys;
import dev.carlink.proto.bus.v1.AuthReply;
import dev.carlink.proto.bus.v1.DtlsPskReply;
import dev.carlink.proto.bus.v1.DtlsPskRequest;
import dev.carlink.proto.v1.CoapLogin;
import dev.carlink.proto.v1.CoapSession;
import dev.carlink.proto.v1.Telemetry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.MessageObserverAdapter;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.util.ExecutorsUtil;
import org.eclipse.californium.elements.util.NamedThreadFactory;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedSinglePskStore;
import org.junit.jupiter.api.Test;

/**
 * The CoAP edge alone: confirmable telemetry POSTs per second, plain and over DTLS, against a baseline in the same
 * run.
 *
 * <ul>
 *   <li><b>baseline</b>: a bare Californium server whose resource answers 2.04 at once: no decoding, no
 *       authorization, no event bus. The ceiling of Californium (and of this load generator) on this machine.
 *   <li><b>carlink plain</b>: the CoAP gateway on plain CoAP; each request is authorized by its login token,
 *       decoded, validated and handed over the event bus to a stand-in store that answers at once (storage is
 *       measured by TelemetryIngestBench).
 *   <li><b>carlink DTLS</b>: the same over DTLS 1.2 with per-car pre-shared keys (sessions set up before measuring).
 * </ul>
 *
 * <p>Each car has its own UDP endpoint (a DTLS session is per car); all share two threads. Open loop: requests leave
 * at the offered rate whether answers come or not; latency is send to 2.04. {@code mvn -B -Pbench verify -pl app -am
 * -Dit.test=CoapIngestBench}; properties {@code bench.coap.cars} (200), {@code bench.coap.rates}
 * (5000,10000,15000,20000), {@code bench.coap.seconds} (10).
 */
class CoapIngestBench {

    private record Run(
            String system, int offered, long sent, long answered, long failed, double seconds, Histogram latency) {
        double throughput() {
            return answered / seconds;
        }

        String line() {
            return String.format(
                    Locale.ROOT,
                    "%-14s offered %6d/s  answered %8.0f/s  sent %8d  2.04 %8d  failed %6d  p50 %8.2f ms  p99 %8.2f ms",
                    system,
                    offered,
                    throughput(),
                    sent,
                    answered,
                    failed,
                    latency.getValueAtPercentile(50) / 1000.0,
                    latency.getValueAtPercentile(99) / 1000.0);
        }
    }

    /** One simulated car: its endpoint, and where it posts. */
    private record Car(CoapEndpoint endpoint, String uri) {}

    private final int cars = BenchProperties.ints("bench.coap.cars", "200").get(0);
    private final List<Integer> rates = BenchProperties.ints("bench.coap.rates", "5000,10000,15000,20000");
    private final int seconds = BenchProperties.ints("bench.coap.seconds", "10").get(0);
    private final AtomicLong seq = new AtomicLong();

    @Test
    void telemetryPostsPerSecond_plainAndDtls_againstABareCaliforniumServer() throws Exception {
        org.eclipse.californium.core.config.CoapConfig.register();
        DtlsConfig.register();
        Vertx vertx = Vertx.vertx();
        standIns(vertx);
        CoapGatewayVerticle gateway = new CoapGatewayVerticle(
                GatewayConfig.defaults().withMqttPort(0),
                CoapConfig.defaults().withPort(0).withDtlsPort(0),
                new SimpleMeterRegistry(),
                Clock.systemUTC());
        vertx.deployVerticle(gateway).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        CoapServer baseline = baselineServer();
        ScheduledExecutorService clientThreads =
                ExecutorsUtil.newScheduledThreadPool(2, new NamedThreadFactory("bench-coap#"));
        ScheduledExecutorService clientTimers = ExecutorsUtil.newDefaultSecondaryScheduler("bench-coap-timer#");
        List<Run> runs = new ArrayList<>();
        try {
            int baselinePort = baseline.getEndpoints().get(0).getAddress().getPort();
            List<Car> bare =
                    plainCars("coap://127.0.0.1:" + baselinePort + "/telemetry", null, clientThreads, clientTimers);
            List<Car> plain = plainCars(
                    "coap://127.0.0.1:" + gateway.actualPort(), gateway.actualPort(), clientThreads, clientTimers);
            List<Car> dtls = dtlsCars(gateway.actualDtlsPort(), clientThreads, clientTimers);
            for (int rate : rates) {
                runs.add(run("baseline", bare, rate));
                runs.add(run("carlink plain", plain, rate));
                runs.add(run("carlink DTLS", dtls, rate));
            }
            for (Car car : concat(bare, plain, dtls)) {
                car.endpoint().destroy();
            }
        } finally {
            baseline.destroy();
            clientThreads.shutdownNow();
            clientTimers.shutdownNow();
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        report(runs);
    }

    /** The services the gateway asks, answering at once: any login, the derived DTLS key, stored. */
    private static void standIns(Vertx vertx) throws Exception {
        vertx.eventBus()
                .<Buffer>consumer(
                        BusAddress.VEHICLE_AUTHENTICATE,
                        m -> m.reply(Buffer.buffer(AuthReply.newBuilder()
                                .setAuthenticated(true)
                                .build()
                                .toByteArray())));
        vertx.eventBus().<Buffer>consumer(BusAddress.VEHICLE_DTLS_PSK, m -> {
            try {
                String vin = DtlsPskRequest.parseFrom(m.body().getBytes()).getVin();
                m.reply(Buffer.buffer(DtlsPskReply.newBuilder()
                        .setFound(true)
                        .setPsk(com.google.protobuf.ByteString.copyFrom(VehicleKeys.dtlsPsk(secret(vin))))
                        .build()
                        .toByteArray()));
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                m.fail(400, "bad request");
            }
        });
        vertx.eventBus().<Buffer>consumer(BusAddress.TELEMETRY_INGEST, m -> m.reply(Buffer.buffer()));
        vertx.eventBus().<Buffer>consumer(BusAddress.VEHICLE_PRESENCE, m -> {});
    }

    private static String vin(int i) {
        return String.format(Locale.ROOT, "BNCH%013d", i);
    }

    private static String secret(String vin) {
        return "bench-secret-" + vin;
    }

    private static CoapServer baselineServer() {
        Configuration config = Configuration.createStandardWithoutFile();
        CoapServer server = new CoapServer(config);
        server.addEndpoint(new CoapEndpoint.Builder()
                .setConfiguration(config)
                .setInetSocketAddress(new InetSocketAddress("127.0.0.1", 0))
                .build());
        server.add(new CoapResource("telemetry") {
            @Override
            public void handlePOST(CoapExchange exchange) {
                exchange.respond(CoAP.ResponseCode.CHANGED);
            }
        });
        server.start();
        return server;
    }

    /** Plain cars; with a gateway port, each logs in first and posts with its token. */
    private List<Car> plainCars(
            String base, Integer gatewayPort, ScheduledExecutorService threads, ScheduledExecutorService timers)
            throws Exception {
        List<Car> out = new ArrayList<>();
        for (int i = 0; i < cars; i++) {
            Configuration config = Configuration.createStandardWithoutFile();
            CoapEndpoint endpoint = new CoapEndpoint.Builder()
                    .setConfiguration(config)
                    .setInetSocketAddress(new InetSocketAddress("127.0.0.1", 0))
                    .build();
            endpoint.setExecutors(threads, timers);
            endpoint.start();
            String uri = base;
            if (gatewayPort != null) {
                String vin = vin(i);
                Request login = Request.newPost();
                login.setURI(base + "/v1/auth");
                login.setPayload(CoapLogin.newBuilder()
                        .setVin(vin)
                        .setSecret(secret(vin))
                        .build()
                        .toByteArray());
                login.getOptions().setContentFormat(MediaTypeRegistry.APPLICATION_OCTET_STREAM);
                endpoint.sendRequest(login);
                Response answer = login.waitForResponse(10_000);
                String token = CoapSession.parseFrom(answer.getPayload()).getToken();
                uri = base + "/v1/vehicles/" + vin + "/telemetry?t=" + token;
            }
            out.add(new Car(endpoint, uri));
        }
        return out;
    }

    /** DTLS cars, each with its key and a session made before measuring. */
    private List<Car> dtlsCars(int port, ScheduledExecutorService threads, ScheduledExecutorService timers)
            throws Exception {
        List<Car> out = new ArrayList<>();
        for (int i = 0; i < cars; i++) {
            String vin = vin(10_000 + i);
            Configuration config = Configuration.createStandardWithoutFile();
            DtlsConnectorConfig dtls = DtlsConnectorConfig.builder(config)
                    .set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.CLIENT_ONLY)
                    .set(DtlsConfig.DTLS_CONNECTION_ID_LENGTH, 0)
                    .set(DtlsConfig.DTLS_RECEIVER_THREAD_COUNT, 1)
                    .set(DtlsConfig.DTLS_CONNECTOR_THREAD_COUNT, 1)
                    .setAddress(new InetSocketAddress("127.0.0.1", 0))
                    .setAdvancedPskStore(new AdvancedSinglePskStore(vin, VehicleKeys.dtlsPsk(secret(vin))))
                    .build();
            CoapEndpoint endpoint = new CoapEndpoint.Builder()
                    .setConfiguration(config)
                    .setConnector(new DTLSConnector(dtls))
                    .build();
            endpoint.setExecutors(threads, timers);
            endpoint.start();
            Car car = new Car(endpoint, "coaps://127.0.0.1:" + port + "/v1/vehicles/" + vin + "/telemetry");
            Request first = post(car);
            endpoint.sendRequest(first);
            Response answer = first.waitForResponse(20_000);
            if (answer == null || answer.getCode() != CoAP.ResponseCode.CHANGED) {
                throw new IllegalStateException("dtls car " + vin + " was not served: " + answer);
            }
            out.add(car);
        }
        return out;
    }

    private Request post(Car car) {
        Request request = Request.newPost();
        request.setURI(car.uri());
        request.setPayload(Telemetry.newBuilder()
                .setTimestampMs(System.currentTimeMillis())
                .setSeq(seq.incrementAndGet())
                .setCabinTemperatureC(22.5f)
                .setStateOfChargePct(71)
                .setSpeedKmh(0)
                .build()
                .toByteArray());
        request.getOptions().setContentFormat(MediaTypeRegistry.APPLICATION_OCTET_STREAM);
        return request;
    }

    private Run run(String system, List<Car> fleet, int rate) throws InterruptedException {
        Histogram latency = new ConcurrentHistogram(60_000_000L, 3);
        AtomicLong sent = new AtomicLong();
        AtomicLong answered = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
        long start = System.nanoTime();
        long total = (long) rate * seconds;
        pacer.scheduleAtFixedRate(
                () -> {
                    long due = Math.min(total, (System.nanoTime() - start) * rate / 1_000_000_000L);
                    while (sent.get() < due) {
                        long n = sent.getAndIncrement();
                        Car car = fleet.get((int) (n % fleet.size()));
                        Request request = post(car);
                        long sentAt = System.nanoTime();
                        request.addMessageObserver(new MessageObserverAdapter() {
                            @Override
                            public void onResponse(Response response) {
                                if (response.getCode() == CoAP.ResponseCode.CHANGED) {
                                    answered.incrementAndGet();
                                    latency.recordValue(Math.max(1, (System.nanoTime() - sentAt) / 1_000));
                                } else {
                                    failed.incrementAndGet();
                                }
                            }

                            @Override
                            public void onTimeout() {
                                failed.incrementAndGet();
                            }

                            @Override
                            protected void failed() {
                                failed.incrementAndGet();
                            }
                        });
                        car.endpoint().sendRequest(request);
                    }
                },
                0,
                1,
                TimeUnit.MILLISECONDS);
        long lastPrint = System.nanoTime();
        while (sent.get() < total || answered.get() + failed.get() < total) {
            Thread.sleep(100);
            if (System.nanoTime() - lastPrint > 2_000_000_000L) {
                lastPrint = System.nanoTime();
                System.out.printf(
                        Locale.ROOT,
                        "[bench] %s at %d/s: sent %d, answered %d, failed %d%n",
                        system,
                        rate,
                        sent.get(),
                        answered.get(),
                        failed.get());
            }
            if (System.nanoTime() - start > (seconds + 60) * 1_000_000_000L) {
                break; // what has not come back a minute after the end counts as lost
            }
        }
        pacer.shutdownNow();
        long lastAnswer = System.nanoTime();
        Run run = new Run(
                system,
                rate,
                sent.get(),
                answered.get(),
                failed.get() + (sent.get() - answered.get() - failed.get()),
                Units.seconds(lastAnswer - start),
                latency);
        System.out.println("[bench] " + run.line());
        return run;
    }

    private static void report(List<Run> runs) {
        StringBuilder text = new StringBuilder(String.format(
                Locale.ROOT, "CoAP telemetry POSTs, %s%n", "confirmable, open loop, latency send to 2.04"));
        JsonArray json = new JsonArray();
        for (Run run : runs) {
            text.append(run.line()).append(System.lineSeparator());
            json.add(new JsonObject()
                    .put("system", run.system())
                    .put("offered", run.offered())
                    .put("answeredPerSecond", Math.round(run.throughput()))
                    .put("failed", run.failed())
                    .put("p50Ms", run.latency().getValueAtPercentile(50) / 1000.0)
                    .put("p99Ms", run.latency().getValueAtPercentile(99) / 1000.0));
        }
        System.out.println(text);
        List<BenchChart.Series> lines = new ArrayList<>();
        for (String system : List.of("baseline", "carlink plain", "carlink DTLS")) {
            List<Run> of = runs.stream().filter(r -> r.system().equals(system)).toList();
            lines.add(new BenchChart.Series(
                    system,
                    of.stream().mapToDouble(Run::offered).toArray(),
                    of.stream().mapToDouble(Run::throughput).toArray()));
        }
        String chart = BenchChart.chart(
                "CoAP telemetry POSTs answered per second",
                "offered requests/s",
                "answered/s",
                false,
                List.of(),
                lines);
        BenchFiles.write(
                "coap-ingest",
                text.toString(),
                new JsonObject().put("runs", json),
                BenchChart.page("CoAP edge: plain and DTLS vs bare Californium", text.toString(), List.of(chart)));
    }

    @SafeVarargs
    private static List<Car> concat(List<Car>... lists) {
        List<Car> all = new ArrayList<>();
        for (List<Car> list : lists) {
            all.addAll(list);
        }
        return all;
    }
}
