package net.coopwan.daemon.schedule;

/**
 * The sender thread's token buckets, one per link, following the caps of the snapshots it
 * applies: created when a link gets a cap (full), reconfigured when the cap changes (tokens kept,
 * clipped), forgotten when the cap goes. Allocates only when a link is capped for the first time.
 */
final class Buckets {

    private final TokenBucket[] buckets;
    private final boolean[] capped;

    Buckets(int links) {
        this.buckets = new TokenBucket[links];
        this.capped = new boolean[links];
    }

    /** Follows the caps of {@code s}; called when the sender applies a new snapshot. */
    void apply(LinkSnapshot s, long now) {
        for (int i = 0; i < capped.length; i++) {
            capped[i] = s.capped(i);
            if (!capped[i]) {
                continue;
            }
            TokenBucket b = buckets[i];
            if (b == null) {
                buckets[i] = new TokenBucket(s.capRate(i), s.capDepth(i), now);
            } else if (b.rate() != s.capRate(i) || b.depth() != s.capDepth(i)) {
                b.reconfigure(s.capRate(i), s.capDepth(i), now);
            }
        }
    }

    /** Whether the link may carry a packet of {@code bytes} now: uncapped, or its bucket has the tokens. */
    boolean admits(int link, int bytes, long now) {
        return !capped[link] || buckets[link].admits(bytes, now);
    }

    /** The chosen link carried the packet: its bucket (if any) pays. */
    void take(int link, int bytes) {
        if (capped[link]) {
            buckets[link].take(bytes);
        }
    }
}
