package net.coopwan.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {

    @TempDir
    Path dir;

    private List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    @Test
    void keepsTheFileModeAndCreatesNewFilesPrivate() throws IOException {
        Path f = dir.resolve("coopwan");
        Files.writeString(f, "old\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
        AtomicFile.write(f, "new\n".getBytes(StandardCharsets.UTF_8));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        Path g = dir.resolve("fresh");
        AtomicFile.write(g, "x\n".getBytes(StandardCharsets.UTF_8));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(g)));
    }

    @Test
    void writesThroughASymlinkAndKeepsTheLink() throws IOException {
        Path real = dir.resolve("real");
        Path link = dir.resolve("link");
        Files.writeString(real, "old\n");
        Files.createSymbolicLink(link, real.getFileName());
        AtomicFile.write(link, "new\n".getBytes(StandardCharsets.UTF_8));
        assertTrue(Files.isSymbolicLink(link));
        assertEquals("new\n", Files.readString(real));
    }

    @Test
    void aFailureHalfWayLeavesTheTargetAndNoTempFile() throws IOException {
        Path f = dir.resolve("coopwan");
        Files.writeString(f, "intact\n");
        IOException e = assertThrows(IOException.class, () -> AtomicFile.write(f, out -> {
            out.write("half of the new con".getBytes(StandardCharsets.UTF_8));
            throw new IOException("disk full");
        }));
        assertEquals("disk full", e.getMessage());
        assertEquals("intact\n", Files.readString(f));
        assertEquals(List.of(f), files());
    }

    @Test
    void aFailedRenameLeavesNoTempFile() throws IOException {
        // A non-empty directory cannot be renamed over.
        Path target = dir.resolve("occupied");
        Files.createDirectory(target);
        Files.writeString(target.resolve("inside"), "x");
        assertThrows(IOException.class, () -> AtomicFile.write(target, new byte[] {1}));
        assertEquals(List.of(target), files());
    }

    @Test
    void readersNeverSeeAHalfWrittenFile() throws Exception {
        Path f = dir.resolve("coopwan");
        // Big enough that a non-atomic write would be observable part-way.
        byte[] a = new byte[256 * 1024];
        byte[] b = new byte[192 * 1024];
        Arrays.fill(a, (byte) 'a');
        Arrays.fill(b, (byte) 'b');
        Files.write(f, a);
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<String> bad = new AtomicReference<>();
        AtomicInteger reads = new AtomicInteger();
        Thread reader = new Thread(() -> {
            while (!done.get() && bad.get() == null) {
                try {
                    byte[] got = Files.readAllBytes(f);
                    reads.incrementAndGet();
                    if (!Arrays.equals(got, a) && !Arrays.equals(got, b)) {
                        bad.set("read " + got.length + " bytes that are neither version");
                    }
                } catch (IOException e) {
                    bad.set(e.toString());
                }
            }
        });
        reader.start();
        try {
            for (int i = 0; i < 60; i++) {
                AtomicFile.write(f, i % 2 == 0 ? b : a);
            }
        } finally {
            done.set(true);
            reader.join(10_000);
        }
        assertEquals(null, bad.get());
        assertTrue(reads.get() > 0);
        assertArrayEquals(a, Files.readAllBytes(f));
        assertEquals(List.of(f), files());
    }
}
