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

    /** With {@code shaper}'s queues in front of the line while enforcing ({@link SuppressionShaper#NONE}: none). */
    public KernelSuppression(SuppressionRules rules, List<String> uplinks, long perConnectionBytesPerSecond,
            long totalUpBytesPerSecond, long totalDownBytesPerSecond, boolean dscpCs1, SuppressionShaper shaper) {
        this.shaper = shaper;
        this.rules = rules;
        this.uplinks = List.copyOf(uplinks);
        this.perConnectionBytesPerSecond = perConnectionBytesPerSecond;
        this.totalUpBytesPerSecond = totalUpBytesPerSecond;
        this.totalDownBytesPerSecond = totalDownBytesPerSecond;
        this.dscpCs1 = dscpCs1;
    }

    @Override
    public void enforce(int maxDropPercent) {
        rules.apply(new SuppressionPlan(uplinks, maxDropPercent, perConnectionBytesPerSecond,
                totalUpBytesPerSecond, totalDownBytesPerSecond, dscpCs1, shaper));
    }

    @Override
    public void release() {
        rules.stop();
    }
}
