package net.coopwan.daemon.schedule;

import net.coopwan.config.Bond;

/** How a bond spreads packets over its members, one value per {@link Bond.Mode}. */
public enum SchedulerMode {
    /** Weighted round robin with configured weights; without any, the static 1:1 baseline (W5). */
    WRR,
    /**
     * The same scheduler; the measurement loop (SLoPS, W1/W2) sets the weights after each full
     * round. Until the first round ends it runs 1:1, which is the paper's static baseline.
     */
    ADAPTIVE,
    /** First eligible member gets everything. */
    ACTIVE_BACKUP;

    /** A scheduler for {@code links} members, all usable, equal weights. */
    public LinkScheduler create(int links) {
        return switch (this) {
            case WRR, ADAPTIVE -> new WeightedRoundRobin(links);
            case ACTIVE_BACKUP -> new ActiveBackup(links);
        };
    }

    public static SchedulerMode of(Bond.Mode mode) {
        return switch (mode) {
            case WEIGHTED_ROUND_ROBIN -> WRR;
            case ADAPTIVE -> ADAPTIVE;
            case ACTIVE_BACKUP -> ACTIVE_BACKUP;
        };
    }
}
