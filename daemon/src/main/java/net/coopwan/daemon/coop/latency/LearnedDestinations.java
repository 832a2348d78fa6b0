package net.coopwan.daemon.coop.latency;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The (target address, target port) pairs of upgraded ad hoc sessions ([0237]), so that the next
 * session to one is LC from its first packet. Each lasts its lifetime from the last time it was
 * learned; at most {@link #CAPACITY}, the least recently learned evicted first.
 *
 * <p>Kept in RAM, with the kernel's {@code learned} set (same timeouts) as the copy that acts: a
 * restart forgets them, and the next ad hoc session to each is upgraded again after the rule's few
 * seconds, which costs less than a store write per learned pair on a router's flash. [0238]'s
 * "share only after user permission" concerns telling others; nothing here leaves the router.
 * Not thread-safe: one owner.
 */
public final class LearnedDestinations {

    /** Half the kernel set's size, so an add never meets a set full of timed-out entries not yet collected. */
    public static final int CAPACITY = 2048;

    private final Duration lifetime;
    private final Clock clock;
    /** Access order is learn order: the first entry is the least recently learned. */
    private final LinkedHashMap<Flow.Destination, Instant> expiry = new LinkedHashMap<>();
    private long evicted;

    public LearnedDestinations(Duration lifetime, Clock clock) {
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("lifetime must be positive: " + lifetime);
        }
        this.lifetime = lifetime;
        this.clock = clock;
    }

    /** Learns (or refreshes) {@code d}; true when it was not known. */
    public boolean learn(Flow.Destination d) {
        expireNow();
        boolean fresh = expiry.remove(d) == null;
        if (fresh && expiry.size() >= CAPACITY) {
            Flow.Destination oldest = expiry.keySet().iterator().next();
            expiry.remove(oldest);
            evicted++;
        }
        expiry.put(d, clock.instant().plus(lifetime));
        return fresh;
    }

    public boolean contains(Flow.Destination d) {
        Instant until = expiry.get(d);
        return until != null && clock.instant().isBefore(until);
    }

    /** Drops the expired pairs and returns them. */
    public List<Flow.Destination> expireNow() {
        Instant now = clock.instant();
        List<Flow.Destination> gone = new ArrayList<>();
        expiry.entrySet().removeIf(e -> {
            if (!now.isBefore(e.getValue())) {
                gone.add(e.getKey());
                return true;
            }
            return false;
        });
        return gone;
    }

    /** Each live pair with what is left of its lifetime (for the kernel set after a restart of the table). */
    public Map<Flow.Destination, Duration> remaining() {
        expireNow();
        Instant now = clock.instant();
        Map<Flow.Destination, Duration> out = new LinkedHashMap<>();
        expiry.forEach((d, until) -> out.put(d, Duration.between(now, until)));
        return out;
    }

    public Duration lifetime() {
        return lifetime;
    }

    public int size() {
        return expiry.size();
    }

    /** Pairs dropped because the capacity was reached. */
    public long evicted() {
        return evicted;
    }
}
