package dev.carlink.app;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Starts the all-in-one server: wiring only. */
@Command(
        name = "carlink",
        mixinStandardHelpOptions = true,
        description = "Connected-vehicle backend: embedded PostgreSQL, MQTT gateway, HTTP API and a demo fleet.")
public final class Main implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(Main.class);

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "Properties file (keys as in the README's configuration table). Env: CARLINK_CONFIG.")
    private Path config;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public Integer call() throws InterruptedException {
        Optional<Path> file = Optional.ofNullable(config)
                .or(() -> Optional.ofNullable(System.getenv("CARLINK_CONFIG")).map(Path::of));
        AppConfig appConfig;
        try {
            appConfig = ConfigLoader.load(file);
        } catch (ConfigLoader.ConfigException e) {
            log.error(e.getMessage());
            return 2;
        }
        log.info("effective configuration [{}]", appConfig);
        CarlinkServer server;
        try {
            server = CarlinkServer.start(appConfig, Clock.systemUTC());
        } catch (ConfigLoader.ConfigException e) {
            // found at start: the key-encryption keys do not fit the database's secrets
            log.error(e.getMessage());
            return 2;
        }
        DemoFleet fleet = DemoFleet.start(appConfig, server);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            log.info("stopping");
                            fleet.close();
                            server.close();
                            stopped.countDown();
                        },
                        "carlink-shutdown"));
        log.info(Banner.text(appConfig, server, fleet));
        stopped.await();
        return 0;
    }
}
