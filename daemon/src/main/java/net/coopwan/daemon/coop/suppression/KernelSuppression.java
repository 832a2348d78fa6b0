package net.coopwan.daemon.coop.suppression;

import java.util.List;

import net.coopwan.daemon.steer.SuppressionPlan;
import net.coopwan.daemon.steer.SuppressionRules;
import net.coopwan.daemon.steer.SuppressionShaper;

/**
 * {@link SuppressionKernel} on steer's {@link SuppressionRules}: the router's caps and uplinks
 * from its config, the drop ceiling from whoever demands suppression.
 */
public final class KernelSuppression implements SuppressionKernel {
    private final SuppressionRules rules;
    private final List<String> uplinks;
    private final long perConnectionBytesPerSecond;
    private final long totalUpBytesPerSecond;
    private final long totalDownBytesPerSecond;
    private final boolean dscpCs1;
    private final SuppressionShaper shaper;
    private final java.util.function.LongSupplier nanos;
    /** When the shapers made at half their rate get their rate (SuppressionRules#DRAIN_MILLIS), or MIN_VALUE. */
    private long settleAt = Long.MIN_VALUE;

    /** With {@code shaper}'s queues in front of the line while enforcing ({@link SuppressionShaper#NONE}: none). */
    public KernelSuppression(SuppressionRules rules, List<String> uplinks, long perConnectionBytesPerSecond,
            long totalUpBytesPerSecond, long totalDownBytesPerSecond, boolean dscpCs1, SuppressionShaper shaper) {
        this(rules, uplinks, perConnectionBytesPerSecond, totalUpBytesPerSecond, totalDownBytesPerSecond, dscpCs1, shaper,
                System::nanoTime);
    }

    /** With the daemon's monotonic clock {@code nanos} for the shapers' first, draining, step. */
    public KernelSuppression(SuppressionRules rules, List<String> uplinks, long perConnectionBytesPerSecond,
            long totalUpBytesPerSecond, long totalDownBytesPerSecond, boolean dscpCs1, SuppressionShaper shaper,
            java.util.function.LongSupplier nanos) {
        this.shaper = shaper;
        this.nanos = nanos;
        this.rules = rules;
        this.uplinks = List.copyOf(uplinks);
        this.perConnectionBytesPerSecond = perConnectionBytesPerSecond;
        this.totalUpBytesPerSecond = totalUpBytesPerSecond;
        this.totalDownBytesPerSecond = totalDownBytesPerSecond;
        this.dscpCs1 = dscpCs1;
    }

    @Override
    public void enforce(int maxDropPercent) {
        boolean draining = rules.apply(new SuppressionPlan(uplinks, maxDropPercent, perConnectionBytesPerSecond,
                totalUpBytesPerSecond, totalDownBytesPerSecond, dscpCs1, shaper));
        settleAt = draining ? nanos.getAsLong() + SuppressionRules.DRAIN_MILLIS * 1_000_000L : Long.MIN_VALUE;
    }

    @Override
    public void tick() {
        // its own clock, the one settleAt was read from
        if (settleAt != Long.MIN_VALUE && nanos.getAsLong() - settleAt >= 0) {
            settleAt = Long.MIN_VALUE;
            rules.settle();
        }
    }

    @Override
    public void release() {
        settleAt = Long.MIN_VALUE;
        rules.stop();
    }
}
