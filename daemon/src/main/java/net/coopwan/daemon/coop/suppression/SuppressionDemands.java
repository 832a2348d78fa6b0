package net.coopwan.daemon.coop.suppression;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Who wants this router's other traffic suppressed now, and with which drop ceiling: the router
 * itself (its {@link SuppressionPolicy}, source {@link #LOCAL}) and each neighbour whose request is
 * in force (source = its id). The kernel has one table, so it enforces the largest ceiling any
 * source is entitled to (each within its own approval: the owner's config, or the agreement), and
 * none when no source is left. The kernel is only called when that changes.
 */
public final class SuppressionDemands {
    public static final String LOCAL = "";

    private final SuppressionKernel kernel;
    private final Map<String, Integer> demands = new LinkedHashMap<>();
    private int enforced = -1;

    public SuppressionDemands(SuppressionKernel kernel) {
        this.kernel = kernel;
    }

    /** {@code source} wants suppression with this ceiling (0..100). */
    public void demand(String source, int maxDropPercent) {
        demands.put(source, maxDropPercent);
        sync();
    }

    /** {@code source} no longer wants suppression. */
    public void withdraw(String source) {
        demands.remove(source);
        sync();
    }

    private void sync() {
        int want = demands.values().stream().mapToInt(Integer::intValue).max().orElse(-1);
        if (want == enforced) {
            return;
        }
        if (want < 0) {
            kernel.release();
        } else {
            kernel.enforce(want);
        }
        enforced = want;
    }

    /** Time passes: the kernel's timed steps while enforcing. */
    public void tick() {
        if (enforced >= 0) {
            kernel.tick();
        }
    }

    /** The ceiling enforced now, or -1 when nothing is. */
    public int enforced() {
        return enforced;
    }

    public Map<String, Integer> demands() {
        return Collections.unmodifiableMap(demands);
    }
}
