package net.coopwan.daemon.schedule;

import net.coopwan.config.Bond;

/** How a bond spreads packets over its members, one value per {@link Bond.Mode}. */
public enum SchedulerMode {
    /** Weighted round robin with configured weights; without any, the static 1:1 baseline (W5). */
    WRR,
    /**
     * The same scheduler; the measurement loop (SLoPS, W1/W2) sets the weights after each full
     * round. Until the first round ends it runs 1:1, which is the paper's static baseline. With
     * scheduler earliest (the default) it also gets the measured rates and the links' delays and
     * sends each packet where it arrives first, within those rates (issue 18).
     */
    ADAPTIVE,
    /** First eligible member gets everything. */
    ACTIVE_BACKUP;

    /** A scheduler for {@code links} members, all usable, equal weights; WRR in mode adaptive too. */
    public LinkScheduler create(int links) {
        return create(links, Bond.Scheduler.WRR);
    }

    /**
     * A scheduler for {@code links} members, all usable, equal weights: in mode adaptive with
     * {@link Bond.Scheduler#EARLIEST}, earliest arrival within the weights
     * ({@link WeightedRoundRobin#earliestArrival}); the other modes have no rates, so they
     * ignore {@code scheduler}.
     */
    public LinkScheduler create(int links, Bond.Scheduler scheduler) {
        return switch (this) {
            case WRR -> new WeightedRoundRobin(links);
            case ADAPTIVE -> scheduler == Bond.Scheduler.EARLIEST ? WeightedRoundRobin.earliestArrival(links)
                    : new WeightedRoundRobin(links);
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
