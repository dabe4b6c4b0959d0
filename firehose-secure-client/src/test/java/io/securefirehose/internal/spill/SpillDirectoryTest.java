package io.securefirehose.internal.spill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.securefirehose.Spill;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spill directory's trust boundary, on the real file system: who may own and change the directory, how segment
 * files are created, and what happens to files in it that the producer did not write (another stream's, plaintext
 * for an encrypting producer, links, names that are not segment names), at start and at every replay.
 */
class SpillDirectoryTest {

    @TempDir
    Path temp;

    private Path directory;

    @BeforeEach
    void posixOnly() throws IOException {
        Assumptions.assumeTrue(
                temp.getFileSystem().supportedFileAttributeViews().contains("posix"));
        directory = Files.createDirectory(temp.resolve("spill"));
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    }

    private static byte[] record(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private Path write(String name, String stream, boolean envelope, String... records) throws IOException {
        List<byte[]> entries =
                Stream.of(records).map(SpillDirectoryTest::record).toList();
        return Files.write(directory.resolve(name), SpillSegments.of(stream, envelope, entries));
    }

    @Test
    void aSymbolicLinkAsTheDirectoryIsRefused() throws IOException {
        Path link = Files.createSymbolicLink(temp.resolve("link"), directory);
        assertThatThrownBy(() -> SpillStore.open(Spill.toDirectory(link), "unit", false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("spill directory " + link + " is a symbolic link (to " + directory + ")");
        assertThat(directory.resolve("spill.lock")).doesNotExist();
    }

    @Test
    void aDirectoryWritableByGroupOrOthersIsRefused() throws IOException {
        for (String mode : List.of("rwxrwx---", "rwx----w-", "rwxrwxrwx")) {
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString(mode));
            assertThatThrownBy(() -> SpillStore.open(Spill.toDirectory(directory), "unit", false))
                    .as(mode)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("is writable by group or others (" + mode + ")")
                    .hasMessageContaining("chmod 700");
        }
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-x---"));
        SpillStore.open(Spill.toDirectory(directory), "unit", false).close();
    }

    @Test
    void aDirectoryOwnedBySomeoneElseIsRefused() throws IOException {
        UserPrincipal someoneElse =
                directory.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("65534");
        Assumptions.assumeFalse(Files.getOwner(directory).equals(someoneElse));
        assertThatThrownBy(() -> PrivateDirectory.createOrCheck(directory, "spill directory", someoneElse))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("spill directory " + directory + " is owned by "
                        + Files.getOwner(directory).getName())
                .hasMessageContaining("use a directory of your own");
    }

    @Test
    void aDirectoryChownedToAnotherUserIsRefusedByTheStore() throws IOException {
        UserPrincipal nobody =
                directory.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("65534");
        try {
            Files.setOwner(directory, nobody);
        } catch (IOException notRoot) {
            Assumptions.abort("only root can give a directory away: " + notRoot);
        }
        assertThatThrownBy(() -> SpillStore.open(Spill.toDirectory(directory), "unit", false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is owned by ");
    }

    @Test
    void aMissingDirectoryAndItsMissingParentsAreCreatedOwnerOnlyAndSegmentsOwnerOnly() throws IOException {
        Path created = temp.resolve("a").resolve("b");
        try (SpillStore store = SpillStore.open(Spill.toDirectory(created), "unit", false)) {
            assertThat(store.append(List.of(record("r"))).id(0)).isNotNull();
        }
        assertThat(mode(created)).isEqualTo("rwx------");
        assertThat(mode(temp.resolve("a"))).isEqualTo("rwx------");
        assertThat(mode(created.resolve("spill.lock"))).isEqualTo("rw-------");
        assertThat(mode(created.resolve("segment-00000000000000000001.spill"))).isEqualTo("rw-------");
    }

    @Test
    void aLockFileThatIsALinkIsNotFollowed() throws IOException {
        Path elsewhere = Files.writeString(temp.resolve("elsewhere"), "not yours");
        Files.createSymbolicLink(directory.resolve("spill.lock"), elsewhere);
        assertThatThrownBy(() -> SpillStore.open(Spill.toDirectory(directory), "unit", false))
                .hasMessageContaining("cannot open spill directory");
        assertThat(Files.readString(elsewhere)).isEqualTo("not yours");
    }

    @Test
    void namesThatAreNotSegmentNamesOrWouldOverflowAreSetAsideAndNumberingContinues() throws IOException {
        write("segment-00000000000000000004.spill", "unit", false, "kept");
        Path overflowing = write("segment-99999999999999999999.spill", "unit", false, "x");
        Path highest = write("segment-09223372036854775807.spill", "unit", false, "x");
        Path odd = write("segment-4.spill", "unit", false, "x");
        Path tmp = write("segment-00000000000000000005.spill.tmp", "unit", false, "x");
        Path target = Files.writeString(temp.resolve("target"), "outside");
        Path link = Files.createSymbolicLink(directory.resolve("segment-00000000000000000006.spill"), target);
        try (SpillStore store = SpillStore.open(Spill.toDirectory(directory), "unit", false)) {
            assertThat(store.damagedSegments()).isEqualTo(5);
            for (Path setAside : List.of(overflowing, highest, odd, tmp, link)) {
                assertThat(setAside).doesNotExist();
                assertThat(Files.exists(
                                directory.resolve(setAside.getFileName() + ".damaged"), LinkOption.NOFOLLOW_LINKS))
                        .isTrue();
            }
            assertThat(Files.readString(target))
                    .as("a link is moved, never followed")
                    .isEqualTo("outside");
            assertThat(store.append(List.of(record("next"))).id(0))
                    .as("numbering continues after the highest valid name, and after a set-aside link's")
                    .startsWith("spill:segment-00000000000000000007.spill:");
        }
        // Set-aside files are left alone at the next start.
        try (SpillStore again = SpillStore.open(Spill.toDirectory(directory), "unit", false)) {
            assertThat(again.damagedSegments()).isZero();
        }
    }

    @Test
    void atReplayASegmentOfAnotherStreamIsSetAsideNotRead() throws IOException {
        try (SpillStore store = SpillStore.open(Spill.toDirectory(directory), "unit", false)) {
            Path foreign = write("segment-00000000000000000001.spill", "orders\u001b[2J", false, "theirs");
            assertThat(store.read(foreign)).isNull();
            assertThat(foreign).doesNotExist();
            assertThat(directory.resolve("segment-00000000000000000001.spill.damaged"))
                    .exists();
            assertThat(store.damagedSegments()).isEqualTo(1);
        }
    }

    @Test
    void atReplayAPlaintextSegmentIsSetAsideByAnEncryptingProducer() throws IOException {
        try (SpillStore store = SpillStore.open(Spill.toDirectory(directory), "unit", true)) {
            Path plaintext = write("segment-00000000000000000001.spill", "unit", false, "secret");
            Path sealed = write("segment-00000000000000000002.spill", "unit", true, "sealed");
            assertThat(store.read(plaintext)).isNull();
            assertThat(plaintext).doesNotExist();
            assertThat(store.read(sealed)).isNotNull();
            assertThat(store.damagedSegments()).isEqualTo(1);
        }
    }

    @Test
    void atReplayALinkIsSetAsideNotFollowed() throws IOException {
        try (SpillStore store = SpillStore.open(Spill.toDirectory(directory), "unit", false)) {
            Path real = write("elsewhere.bin", "unit", false, "via link");
            Path link = Files.createSymbolicLink(directory.resolve("segment-00000000000000000001.spill"), real);
            assertThat(store.read(link)).isNull();
            assertThat(Files.exists(
                            directory.resolve("segment-00000000000000000001.spill.damaged"), LinkOption.NOFOLLOW_LINKS))
                    .isTrue();
            assertThat(real).exists();
        }
    }
}
