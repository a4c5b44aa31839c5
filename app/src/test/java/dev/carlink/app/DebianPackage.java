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

    /** Runs apt-get with {@code args}, its output on this process's; whether it succeeded within 10 minutes. */
    private static boolean apt(String... args) throws java.io.IOException, InterruptedException {
        java.util.List<String> command = new java.util.ArrayList<>();
        command.add("apt-get");
        command.addAll(java.util.List.of(args));
        Process apt = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .start();
        if (!apt.waitFor(10, TimeUnit.MINUTES)) {
            apt.destroyForcibly();
            return false;
        }
        return apt.exitValue() == 0;
    }

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
            if (!apt("install", "-y", "-q", debianPackage)) {
                // a fresh machine may have no package lists yet: fetch them, then try once more
                apt("update", "-q");
                apt("install", "-y", "-q", debianPackage);
            }
            if (!Files.isExecutable(path)) {
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
