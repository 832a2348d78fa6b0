package net.coopwan.daemon.coop.commonisp;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A traced route from a router towards the common target, hop 1 (the first router beyond the
 * uplink) first. When {@code reached}, the last hop is the target itself; otherwise the trace
 * ran out of hops or time before the target answered.
 *
 * @param hops    at most {@link #MAX_HOPS}
 * @param reached the target answered (its echo reply), so the last hop is the target
 */
public record Route(List<Hop> hops, boolean reached) {

    /** The most hops a trace probes and a message carries (traceroute's default). */
    public static final int MAX_HOPS = 30;

    /** No trace yet, or the trace failed. */
    public static final Route NONE = new Route(List.of(), false);

    public Route {
        hops = List.copyOf(Objects.requireNonNull(hops, "hops"));
        if (hops.size() > MAX_HOPS) {
            throw new IllegalArgumentException(hops.size() + " hops, at most " + MAX_HOPS);
        }
        if (reached && (hops.isEmpty() || !hops.get(hops.size() - 1).known())) {
            throw new IllegalArgumentException("a route that reached its target ends with the target's address");
        }
    }

    /** A reached route from {@code a.b.c.d} / {@code *} strings, e.g. the notes' examples. */
    public static Route of(String... hops) {
        return new Route(java.util.Arrays.stream(hops).map(Hop::parse).toList(), true);
    }

    public int length() {
        return hops.size();
    }

    @Override
    public String toString() {
        return hops.stream().map(Hop::toString).collect(Collectors.joining(" ", "[", reached ? "]" : " ...]"));
    }
}
