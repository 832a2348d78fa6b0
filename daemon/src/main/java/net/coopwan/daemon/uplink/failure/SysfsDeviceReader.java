package net.coopwan.daemon.uplink.failure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads {@code /sys/class/net/DEV/carrier} and {@code statistics/{rx,tx}_packets}: three small
 * files per tick. Not through {@code kernel.SysfsInterfaces}, for two reasons: it reads 17 files
 * per device (too many at 40 ticks a second on a router's CPU), and it gives {@code operstate},
 * which the kernel updates through its link-watch work, rate-limited to once a second: in our
 * namespace test operstate lagged a carrier loss by up to 860 ms, while {@code carrier} is the
 * driver's own flag, current at once. {@code carrier} cannot be read (EINVAL) while the device
 * is administratively down: that reads as no carrier.
 */
public final class SysfsDeviceReader implements DeviceReader {

    private final Path root;

    public SysfsDeviceReader() {
        this(Path.of("/sys/class/net"));
    }

    /** @param root a directory laid out like /sys/class/net (tests, or another namespace's sysfs) */
    public SysfsDeviceReader(Path root) {
        this.root = root;
    }

    @Override
    public Reading read(String device) {
        ProbeSocket.deviceName(device); // no path tricks in the name
        Path dir = root.resolve(device);
        if (!Files.isDirectory(dir)) {
            return null;
        }
        String carrier = text(dir.resolve("carrier"));
        long rx = number(dir.resolve("statistics").resolve("rx_packets"));
        long tx = number(dir.resolve("statistics").resolve("tx_packets"));
        if (rx < 0 || tx < 0) {
            return null; // vanished while we read it
        }
        return new Reading("1".equals(carrier), rx, tx);
    }

    /**
     * {@code statistics/tx_bytes} and {@code rx_bytes} of {@code device}, or null without it
     * (suppression's traffic-cap detector reads the uplink's load here: the same files, so the
     * same name check and the same vanished-device handling).
     */
    public long[] bytes(String device) {
        ProbeSocket.deviceName(device);
        Path stats = root.resolve(device).resolve("statistics");
        long tx = number(stats.resolve("tx_bytes"));
        long rx = number(stats.resolve("rx_bytes"));
        return tx < 0 || rx < 0 ? null : new long[] {tx, rx};
    }

    private static String text(Path p) {
        try {
            return new String(Files.readAllBytes(p), StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            return null; // EINVAL while admin down, or gone
        }
    }

    private static long number(Path p) {
        String t = text(p);
        if (t == null) {
            return -1;
        }
        try {
            return Long.parseLong(t);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
