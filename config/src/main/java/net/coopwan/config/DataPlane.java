package net.coopwan.config;

/**
 * {@code config dataplane 'dataplane'}: timers of the bonding data plane, the same on a router
 * and on a concentrator. Without the section, {@link #defaults()}.
 *
 * @param keepaliveMs        interval of the probes each tunnel link sends, 20-10000
 * @param deadAfterMs        a link from which nothing was heard for this long leaves the
 *                           schedule, 60-60000 and more than {@code keepaliveMs}
 * @param reorderWaitMs      how long the receiver holds a flow's packets behind a gap, 0-1000
 * @param slopsPeriodSeconds period of the adaptive re-measurement of each link's rate, 0 for
 *                           never, else 5-86400
 * @param slopsPrecisionKbps w: the SLoPS bisection stops when its range is this narrow, kbit/s
 * @param slopsPackets       K: packets per SLoPS stream, 10-10000
 * @param slopsPacketBytes   L/8: bytes per SLoPS packet, 64-1400
 */
public record DataPlane(int keepaliveMs, int deadAfterMs, int reorderWaitMs, int slopsPeriodSeconds,
        long slopsPrecisionKbps, int slopsPackets, int slopsPacketBytes) {

    private static final DataPlane DEFAULTS = new DataPlane(50, 500, 150, 300, 100, 100, 1000);

    /** The values documented in {@code coopwan.default}. */
    public static DataPlane defaults() {
        return DEFAULTS;
    }
}
