package net.coopwan.config;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;

/**
 * Replaces a file so that readers (the daemon reloading, {@code uci}, LuCI) and a power cut only
 * ever see the old or the new content, never a mix: write a temp file in the same directory, fsync
 * it, rename it over the target, fsync the directory.
 */
public final class AtomicFile {

    private AtomicFile() {
    }

    /** Writes content to an output stream; lets tests fail half-way through. */
    @FunctionalInterface
    interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Atomically replaces TARGET with CONTENT. The new file keeps the old one's permission bits
     * (and, where the process may, owner and group); a new file gets mode 0600 because coopwan's
     * config holds SNMP pass phrases. If TARGET is a symbolic link, the file it points to is
     * replaced and the link stays. On any failure TARGET is untouched and the temp file removed.
     */
    public static void write(Path target, byte[] content) throws IOException {
        write(target, out -> out.write(content));
    }

    static void write(Path target, Content content) throws IOException {
        Path real = Files.isSymbolicLink(target) ? target.toRealPath() : target.toAbsolutePath();
        Path dir = real.getParent();
        PosixFileAttributes old = null;
        try {
            old = Files.readAttributes(real, PosixFileAttributes.class);
        } catch (NoSuchFileException e) {
            // A new file: createTempFile's 0600 is what it gets.
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system (tests on odd platforms): nothing to keep.
        }
        // Same directory, hence same file system: the rename below cannot turn into a copy. The
        // leading dot hides a temp file left by a crash from uci, which loads /etc/config/* only.
        Path tmp = Files.createTempFile(dir, "." + real.getFileName() + ".", ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                OutputStream out = Channels.newOutputStream(ch);
                content.writeTo(out);
                out.flush();
                // Data on disk before the rename makes it visible, or a crash could leave an empty file.
                ch.force(true);
            }
            if (old != null) {
                keepAttributes(tmp, old);
            }
            // rename(2): atomic, and replaces an existing target on Linux.
            Files.move(tmp, real, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            fsyncDirectory(dir);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void keepAttributes(Path tmp, PosixFileAttributes old) throws IOException {
        Files.setPosixFilePermissions(tmp, old.permissions());
        PosixFileAttributeView view = Files.getFileAttributeView(tmp, PosixFileAttributeView.class);
        PosixFileAttributes now = view.readAttributes();
        // Only root may give a file away; a non-root writer (a test, a developer) must still be able
        // to save, and the permission bits, which guard the secrets, are kept either way.
        try {
            if (!now.group().equals(old.group())) {
                view.setGroup(old.group());
            }
            if (!now.owner().equals(old.owner())) {
                view.setOwner(old.owner());
            }
        } catch (FileSystemException e) {
            // EPERM: keep the writer's ownership, see above.
        }
    }

    /** Makes the rename itself durable; some file systems cannot sync a directory, which is fine. */
    private static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Best effort: the data is already synced and the rename is atomic regardless.
        }
    }
}
