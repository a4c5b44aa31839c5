package dev.carlink.app;

import dev.carlink.command.secrets.KeyEncryptionKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A key-encryption key kept in a file as base64 text. With the embedded database and no KEK configured, one is
 * generated at the first start into {@code <data-dir>/}{@value #GENERATED_NAME}, readable by its owner only: next
 * to the PostgreSQL data ({@code <data-dir>/postgres-17}), not inside it, so a dump or a copy of the database
 * alone does not hold it.
 */
final class KekFile {

    private static final Logger log = LoggerFactory.getLogger(KekFile.class);

    static final String GENERATED_NAME = "kek.key";

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private KekFile() {}

    /**
     * The KEK a file holds.
     *
     * @throws IllegalArgumentException naming what is wrong (unreadable, not base64, the wrong length), never the
     *     file's content; the caller names the file
     */
    static KeyEncryptionKey read(Path file) {
        String text;
        try {
            // any bytes: what is not base64 is refused as such by fromBase64
            text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("cannot be read: there is no such file");
        } catch (AccessDeniedException e) {
            throw new IllegalArgumentException("cannot be read: permission denied");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot be read: " + e.getClass().getSimpleName());
        }
        KeyEncryptionKey kek = KeyEncryptionKey.fromBase64(text);
        warnIfOthersMayRead(file);
        return kek;
    }

    /** The data directory's generated KEK: read when its file exists, else made and written (mode 0600). */
    static SecretsConfig.Source generatedIn(Path dataDir) {
        Path file = dataDir.resolve(GENERATED_NAME).toAbsolutePath();
        String origin = "generated file " + file;
        if (Files.exists(file)) {
            try {
                return new SecretsConfig.Source(read(file), origin, Optional.of(file));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the data directory's generated KEK " + file + " " + e.getMessage()
                        + "; restore it from a backup");
            }
        }
        KeyEncryptionKey kek = KeyEncryptionKey.generate(new SecureRandom());
        try {
            Files.createDirectories(dataDir);
            Path partial = posix()
                    ? Files.createTempFile(dataDir, "kek", ".partial", PosixFilePermissions.asFileAttribute(OWNER_ONLY))
                    : Files.createTempFile(dataDir, "kek", ".partial");
            try {
                Files.writeString(partial, kek.toBase64() + "\n", StandardCharsets.US_ASCII);
                Files.move(partial, file);
            } finally {
                Files.deleteIfExists(partial);
            }
        } catch (FileAlreadyExistsException raced) {
            return new SecretsConfig.Source(read(file), origin, Optional.of(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("no KEK is configured, and the one for the embedded database cannot be"
                    + " written to " + file + ": " + e.getClass().getSimpleName() + " " + e.getMessage());
        }
        log.info(
                "generated the key-encryption key of the secrets in the database; keep a copy apart from the"
                        + " database's backups, which cannot be read without it [file: {}, kek: {}]",
                file,
                kek.id());
        return new SecretsConfig.Source(kek, origin, Optional.of(file));
    }

    private static void warnIfOthersMayRead(Path file) {
        if (!posix()) {
            return;
        }
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (permissions.stream().anyMatch(p -> !OWNER_ONLY.contains(p) && p != PosixFilePermission.OWNER_EXECUTE)) {
                log.warn(
                        "a key-encryption key file may be read by others than its owner; chmod 600 it [file: {},"
                                + " permissions: {}]",
                        file,
                        PosixFilePermissions.toString(permissions));
            }
        } catch (IOException e) {
            // it was just read; permissions that cannot be read are no reason to refuse it
        }
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }
}
