package dev.carlink.simulator;

import java.net.URI;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --api}, {@code --staff-user}, {@code --staff-password}: the HTTP API and the staff account that
 * enrolls cars. The defaults point at the system the README's run command starts, with its demo accounts.
 */
final class StaffApiOptions {

    static final String DEFAULT_API = "http://localhost:8080";
    static final String DEFAULT_STAFF = "staff";
    static final String DEFAULT_STAFF_PASSWORD = "staff-demo-pass";

    @Option(
            names = "--api",
            defaultValue = DEFAULT_API,
            paramLabel = "URL",
            description = "HTTP API, http://host:port (default: ${DEFAULT-VALUE})")
    String api;

    @Option(
            names = "--staff-user",
            defaultValue = DEFAULT_STAFF,
            paramLabel = "USER",
            description = "staff or admin user who enrolls cars (default: ${DEFAULT-VALUE})")
    String staffUser;

    @Option(
            names = "--staff-password",
            defaultValue = "${env:CARLINK_STAFF_PASSWORD:-" + DEFAULT_STAFF_PASSWORD + "}",
            paramLabel = "PASSWORD",
            description = "its password (default: environment variable CARLINK_STAFF_PASSWORD, else the demo's)")
    String staffPassword;

    /** The API's URI, noting every problem with these options. */
    URI apiUri(List<String> problems) {
        CliChecks.required("--staff-user", staffUser, problems);
        CliChecks.required("--staff-password (or CARLINK_STAFF_PASSWORD)", staffPassword, problems);
        return CliChecks.httpUri("--api", api, problems);
    }
}
