package net.coopwan.daemon.coop.commonisp;

import java.io.IOException;
import java.net.Inet4Address;

/**
 * One RTT sample to the common target out of the own uplink, for method 2 of [0179] (correlated
 * latency). The real one is {@link IcmpRouteTracer#rttMs}; blocking and bounded.
 */
@FunctionalInterface
public interface RttProbe {

    /** None: no samples (the report carries none). */
    RttProbe NONE = target -> -1;

    /** The round-trip time in ms (0-65534), or -1 when the target did not answer in time. */
    int rttMs(Inet4Address target) throws IOException;
}
