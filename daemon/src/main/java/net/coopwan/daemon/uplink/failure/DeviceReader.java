package net.coopwan.daemon.uplink.failure;

/**
 * Reads what {@link UplinkFailureDetector} needs of the uplink device each tick: carrier and the
 * packet counters. {@link SysfsDeviceReader} is the real one; tests use a fake.
 */
@FunctionalInterface
public interface DeviceReader {

    /** One reading of {@code device}, or null when the kernel has no such device (it counts as no carrier). */
    Reading read(String device);

    /**
     * @param carrier   the device has carrier (and is administratively up)
     * @param rxPackets {@code statistics/rx_packets}
     * @param txPackets {@code statistics/tx_packets}
     */
    record Reading(boolean carrier, long rxPackets, long txPackets) { }
}
