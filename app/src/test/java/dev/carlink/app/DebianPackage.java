package dev.carlink.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A Debian package a test needs (a real client to talk to the system with): installed with apt-get when
 * missing and the tests run as root; otherwise the test fails saying exactly what to install. Never skipped.
 */
public final class DebianPackage {

    private DebianPackage() {}

    /** Makes sure {@code binary} exists, installing {@code debianPackage} if it does not. */
    public static Path require(String debianPackage, String binary) {
        Path path = Path.of(binary);
        if (Files.isExecutable(path)) {
            return path;
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new IllegalStateException(binary + " is missing: install Debian's " + debianPackage
                    + " (sudo apt-get install -y " + debianPackage + ")");
        }
        try {
            Process apt = new ProcessBuilder("apt-get", "install", "-y", "-q", debianPackage)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                    .start();
            if (!apt.waitFor(10, TimeUnit.MINUTES) || apt.exitValue() != 0 || !Files.isExecutable(path)) {
                apt.destroyForcibly();
                throw new IllegalStateException("apt-get install -y " + debianPackage + " failed; " + binary
                        + " is still missing (the machine needs Debian's package mirror)");
            }
            return path;
        } catch (java.io.IOException e) {
            throw new IllegalStateException("could not run apt-get to install " + debianPackage, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted installing " + debianPackage, e);
        }
    }
}
