package net.coopwan.daemon.coop.suppression;

import java.util.List;

import net.coopwan.daemon.steer.SuppressionPlan;
import net.coopwan.daemon.steer.SuppressionRules;

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
    private final List<String> lanDevices;
    private final long shapeDownBytesPerSecond;

    /** With what comes into the LAN shaped to {@code shapeDownBytesPerSecond} on {@code lanDevices} (0: not). */
    public KernelSuppression(SuppressionRules rules, List<String> uplinks, long perConnectionBytesPerSecond,
            long totalUpBytesPerSecond, long totalDownBytesPerSecond, boolean dscpCs1, List<String> lanDevices,
            long shapeDownBytesPerSecond) {
        this.lanDevices = List.copyOf(lanDevices);
        this.shapeDownBytesPerSecond = shapeDownBytesPerSecond;
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
                totalUpBytesPerSecond, totalDownBytesPerSecond, dscpCs1, lanDevices, shapeDownBytesPerSecond));
    }

    @Override
    public void release() {
        rules.stop();
    }
}
