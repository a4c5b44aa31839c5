package dev.carlink.simulator;

import java.util.concurrent.Callable;
import java.util.logging.Level;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The simulator's command line: {@code run} starts a fleet of simulated cars against a carlink backend,
 * {@code enroll} registers one car and prints its secret. Exit codes: 0 done, 1 failed at run time, 2 bad
 * arguments.
 */
@Command(
        name = "carlink-simulator",
        mixinStandardHelpOptions = true,
        version = "carlink-simulator 0.1.0",
        description = "Simulated cars for a carlink backend: MQTT 3.1.1 with protobuf payloads.",
        subcommands = {RunCommand.class, EnrollCommand.class, ScenarioCommand.class, LoadCommand.class})
public final class SimulatorCli implements Callable<Integer> {

    // kept strongly reachable: java.util.logging holds loggers weakly, and a collected logger loses its level
    private static final java.util.logging.Logger PAHO_LOGGER = java.util.logging.Logger.getLogger("org.eclipse.paho");

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        // Paho logs through java.util.logging; only its severe messages are worth a user's attention
        PAHO_LOGGER.setLevel(Level.SEVERE);
        System.exit(commandLine().execute(args));
    }

    /** The configured command line (also what tests execute). */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new SimulatorCli());
        commandLine.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            cmd.getErr().println("error: " + e.getMessage());
            cmd.getErr().flush();
            return 1;
        });
        return commandLine;
    }

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("Missing command: use 'run' or 'enroll'.");
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }
}
