package io.securefirehose.internal.spill;

import static org.apiguardian.api.API.Status.INTERNAL;

import io.securefirehose.LoggerNames;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * A directory only its owner may change, for files that hold records or keys (the spill directory, the CLI's
 * decryption output): created {@code 0700}; an existing one accepted only if it is a real directory (not a symbolic
 * link), owned by the user running this JVM and not writable by group or others; files in it created {@code 0600}
 * in the same system call that creates them, so there is no moment with wider permissions. On a file system without
 * POSIX permissions only the link and type checks apply.
 */
@API(status = INTERNAL, since = "0.1.0")
public final class PrivateDirectory {

    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY_DIRECTORY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY_FILE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private final Path path;
    private final boolean posix;

    private PrivateDirectory(Path path, boolean posix) {
        this.path = path;
        this.posix = posix;
    }

    /**
     * Creates the directory (and missing parents) owner-only, or checks the existing one.
     *
     * @param directory the directory
     * @param what what the directory is for, for messages ({@code "spill directory"})
     * @param owner who must own it; {@code null} for the user running this JVM
     * @return the checked directory
     * @throws IllegalStateException naming the rule, what was found and the fix, if the directory may not be used
     * @throws IOException if it cannot be created or read
     */
    public static PrivateDirectory createOrCheck(Path directory, String what, @Nullable UserPrincipal owner)
            throws IOException {
        FileSystem fs = directory.getFileSystem();
        boolean posix = fs.supportedFileAttributeViews().contains("posix");
        if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
            if (posix) {
                Files.createDirectories(directory, OWNER_ONLY_DIRECTORY);
            } else {
                Files.createDirectories(directory);
            }
        }
        // Checked also right after creating it: another user may have won the race to create it.
        if (Files.isSymbolicLink(directory)) {
            throw new IllegalStateException(what + " " + directory + " is a symbolic link (to "
                    + Files.readSymbolicLink(directory) + "): give the real directory, so that nobody who can change"
                    + " the link can redirect the files");
        }
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalStateException(what + " " + directory + " exists and is not a directory");
        }
        if (posix) {
            PosixFileAttributes attributes =
                    Files.readAttributes(directory, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            UserPrincipal expected = owner != null ? owner : currentUser(directory);
            if (!attributes.owner().equals(expected)) {
                throw new IllegalStateException(what + " " + directory + " is owned by "
                        + attributes.owner().getName()
                        + ", not by " + expected.getName() + " who runs this producer: another user could read or"
                        + " replace its files; use a directory of your own (it is created 0700 if missing)");
            }
            Set<PosixFilePermission> wide = new HashSet<>(attributes.permissions());
            wide.retainAll(List.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE));
            if (!wide.isEmpty()) {
                throw new IllegalStateException(what + " " + directory + " is writable by group or others ("
                        + PosixFilePermissions.toString(attributes.permissions()) + "): they could add, replace or"
                        + " remove its files; run chmod 700 on it, or use a new directory");
            }
        }
        return new PrivateDirectory(directory, posix);
    }

    /** @return the directory */
    public Path path() {
        return path;
    }

    /**
     * Creates a new file readable and writable by the owner only; never opens an existing file or follows a link.
     *
     * @param name the file's name in this directory
     * @param options further open options ({@code WRITE} is always included)
     * @return the open channel
     * @throws java.nio.file.FileAlreadyExistsException if the name exists (a file, a directory or a link)
     * @throws IOException if it cannot be created
     */
    public FileChannel createOwnerOnly(String name, OpenOption... options) throws IOException {
        Set<OpenOption> open = new HashSet<>(List.of(options));
        open.add(StandardOpenOption.CREATE_NEW);
        open.add(StandardOpenOption.WRITE);
        Path file = path.resolve(name);
        return posix ? FileChannel.open(file, open, OWNER_ONLY_FILE) : FileChannel.open(file, open);
    }

    /**
     * Opens a file this directory holds, creating it owner-only if missing; refuses a symbolic link.
     *
     * @param name the file's name in this directory
     * @return the open channel, for writing
     * @throws IOException if it cannot be opened, or is a link
     */
    public FileChannel openOrCreateOwnerOnly(String name) throws IOException {
        Set<OpenOption> open = Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        Path file = path.resolve(name);
        return posix ? FileChannel.open(file, open, OWNER_ONLY_FILE) : FileChannel.open(file, open);
    }

    /** The user this JVM runs as: the owner of a file it creates (a name lookup fails for users without one). */
    private static UserPrincipal currentUser(Path directory) throws IOException {
        String name = System.getProperty("user.name", "");
        try {
            return directory.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(name);
        } catch (IOException unknownName) {
            Path probe = Files.createTempFile("firehose-secure-owner", ".probe");
            try {
                return Files.getOwner(probe, LinkOption.NOFOLLOW_LINKS);
            } finally {
                Files.deleteIfExists(probe);
            }
        }
    }

    /**
     * Makes the names created, renamed or deleted in this directory durable. Best effort: not every platform can
     * open a directory, and then the names are as durable as the file system makes them.
     */
    public void forceNames() {
        try (FileChannel dir = FileChannel.open(path, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            LoggerFactory.getLogger(LoggerNames.SPILL).debug("cannot force directory {}: {}", path, e.toString());
        }
    }
}
