package net.coopwan.daemon.coop.commonisp;

import java.io.IOException;
import java.net.Inet4Address;

/**
 * Traces this router's route to a target out of its own uplink ([0179]: "methods similar to usual
 * traceroute tools"). The real one is {@link IcmpRouteTracer}; tests of the service use a fake.
 * Bounded in probes and time; blocking (the service calls it from its own thread, never the
 * channel's).
 */
@FunctionalInterface
public interface RouteTracer {

    /** The route to {@code target}; an empty, unreached route when nothing answered. */
    Route trace(Inet4Address target) throws IOException;
}
