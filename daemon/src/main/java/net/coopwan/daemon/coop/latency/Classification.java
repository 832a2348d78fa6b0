package net.coopwan.daemon.coop.latency;

import java.time.Duration;

/**
 * The verdict on one session: why it is LC, the application type's name (or the rule's), and how
 * long it lives without a packet ([0243]: per application type, 0.1-60 s).
 */
public record Classification(Origin origin, String app, Duration idleTimeout) {

    public Classification {
        if (origin == null || app == null || idleTimeout == null || idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("origin, app and a positive idle timeout are required");
        }
    }

    /**
     * Whether the session was upgraded by the ad hoc rule mid-session: such a session must never be
     * duplicated via the neighbour (seed notes section 6, our mapping of [0236]: duplication via the
     * neighbour changes the source address, a "proxy-related feature").
     */
    public boolean upgradedAdHoc() {
        return origin == Origin.AD_HOC;
    }
}
