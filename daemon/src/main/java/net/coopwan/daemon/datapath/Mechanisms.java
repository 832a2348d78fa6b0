package net.coopwan.daemon.datapath;

import net.coopwan.config.DataPlane;

/**
 * Which of the bond's real-link mechanisms are on (issue 18), from {@code list disable} of
 * {@code config dataplane}: all of them unless an admin or a benchmark switches one off to see
 * what it is worth. Each flag is read where its mechanism is built.
 *
 * @param adaptiveReorder the reorder wait is measured from the links' delays, reorder_wait_ms its ceiling
 * @param inbandJitter    the in-band estimator's jitter and load rules (a returning member gets its last
 *                        estimate back either way: that is a fix, not a mechanism to weigh)
 * @param lossRecovery    a link's lost packets are sent again on another link
 */
public record Mechanisms(boolean adaptiveReorder, boolean inbandJitter, boolean lossRecovery) {

    public static final Mechanisms ALL_ON = new Mechanisms(true, true, true);

    public static Mechanisms of(DataPlane dp) {
        return new Mechanisms(dp.enabled("adaptive_reorder"), dp.enabled("inband_jitter"), dp.enabled("loss_recovery"));
    }
}
