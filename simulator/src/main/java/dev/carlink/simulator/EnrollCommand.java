package dev.carlink.simulator;

import dev.carlink.simulator.enroll.EnrollmentClient;
import dev.carlink.simulator.enroll.EnrollmentException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code enroll}: registers one car and prints its credentials file lines (signing keys, then {@code VIN,secret}). */
@Command(
        name = "enroll",
        mixinStandardHelpOptions = true,
        description = {
            "Enrolls one car for an owner and prints key,KEY_ID,PUBLIC_KEY lines and VIN,secret (a file for run --credentials).",
            "An already enrolled VIN gets a new secret."
        })
final class EnrollCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    StaffApiOptions staffApi;

    @Option(names = "--vin", required = true, description = "17 characters, no I, O or Q")
    String vin;

    @Option(names = "--owner", required = true, paramLabel = "USER", description = "the owner's user name")
    String owner;

    @Option(names = "--name", description = "display name of the car")
    String name;

    @Override
    public Integer call() {
        List<String> problems = new ArrayList<>();
        URI apiUri = staffApi.apiUri(problems);
        CliChecks.required("--owner", owner, problems);
        if (!Vins.isValid(vin)) {
            try {
                Vins.requireValid(vin);
            } catch (IllegalArgumentException e) {
                problems.add("--vin: " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), String.join("; ", problems));
        }
        try {
            EnrollmentClient client = new EnrollmentClient(apiUri);
            String token = client.login(staffApi.staffUser, staffApi.staffPassword);
            VehicleCredentials credentials = client.enroll(token, vin, owner, name);
            credentials.signingKeys().forEach(key -> spec.commandLine().getOut().println(CredentialsFile.keyLine(key)));
            spec.commandLine().getOut().println(credentials.vin() + "," + credentials.secret());
            spec.commandLine().getOut().flush();
            return 0;
        } catch (EnrollmentException e) {
            spec.commandLine().getErr().println("error: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return 1;
        }
    }
}
