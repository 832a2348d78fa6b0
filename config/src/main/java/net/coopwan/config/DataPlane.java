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
 * @param disabled           the real-link mechanisms switched off ({@code list disable}), each one of
 *                           {@link #MECHANISMS}: for a benchmark that shows what each is worth, or an
 *                           admin who wants one off; none by default
 */
public record DataPlane(int keepaliveMs, int deadAfterMs, int reorderWaitMs, int slopsPeriodSeconds,
        long slopsPrecisionKbps, int slopsPackets, int slopsPacketBytes, java.util.Set<String> disabled) {

    /**
     * The mechanisms a bond uses on links of different delay, jitter and loss, by the name
     * {@code list disable} gives them: the reorder wait measured from the links' delays, the in-band
     * estimator's jitter and load rules, and the re-sending of what a link lost. (The scheduler's
     * earliest arrival is the bond's own {@code scheduler} option.)
     */
    public static final java.util.List<String> MECHANISMS = java.util.List.of("adaptive_reorder", "inband_jitter",
            "loss_recovery");

    public DataPlane {
        disabled = java.util.Set.copyOf(disabled);
        for (String d : disabled) {
            if (!MECHANISMS.contains(d)) {
                throw new IllegalArgumentException("unknown mechanism " + d + ", not one of " + MECHANISMS);
            }
        }
    }

    /** Every mechanism on. */
    public DataPlane(int keepaliveMs, int deadAfterMs, int reorderWaitMs, int slopsPeriodSeconds, long slopsPrecisionKbps,
            int slopsPackets, int slopsPacketBytes) {
        this(keepaliveMs, deadAfterMs, reorderWaitMs, slopsPeriodSeconds, slopsPrecisionKbps, slopsPackets, slopsPacketBytes,
                java.util.Set.of());
    }

    /** Whether {@code mechanism} (one of {@link #MECHANISMS}) is on. */
    public boolean enabled(String mechanism) {
        if (!MECHANISMS.contains(mechanism)) {
            throw new IllegalArgumentException("unknown mechanism " + mechanism);
        }
        return !disabled.contains(mechanism);
    }

    private static final DataPlane DEFAULTS = new DataPlane(50, 500, 150, 300, 100, 100, 1000);

    /** The values documented in {@code coopwan.default}. */
    public static DataPlane defaults() {
        return DEFAULTS;
    }
}
