package net.coopwan.daemon.tun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * read/write move bytes between a direct buffer's position and limit. Checked on a plain file's fd
 * instead of a TUN, so that no packet is sent.
 */
class LinuxTunDeviceIoTest {

    @TempDir
    Path dir;

    @Test
    void writeTakesFromThePositionAndReadFillsFromThePosition() throws Exception {
        Path f = dir.resolve("packets");
        Files.write(f, new byte[0]);
        LibC c = LinuxTunDevices.libc("test");
        int wfd = c.open(f.toString(), LinuxTunDevices.O_RDWR);
        assertTrue(wfd >= 0);
        try (LinuxTunDevice w = new LinuxTunDevice("test", wfd, 0)) {
            ByteBuffer out = ByteBuffer.allocateDirect(64);
            out.put(new byte[] {9, 9, 9, 1, 2, 3, 4, 9});
            out.position(3).limit(7);
            assertEquals(4, w.write(out));
            assertEquals(7, out.position());
        }
        assertArrayEquals(new byte[] {1, 2, 3, 4}, Files.readAllBytes(f));

        int rfd = c.open(f.toString(), LinuxTunDevices.O_RDWR);
        try (LinuxTunDevice r = new LinuxTunDevice("test", rfd, 0)) {
            ByteBuffer in = ByteBuffer.allocateDirect(16);
            in.position(5);
            assertEquals(4, r.read(in));
            assertEquals(9, in.position());
            byte[] got = new byte[4];
            in.position(5);
            in.get(got);
            assertArrayEquals(new byte[] {1, 2, 3, 4}, got);
            assertEquals(0, in.get(4), "nothing before the position was touched");
        }
    }
}
