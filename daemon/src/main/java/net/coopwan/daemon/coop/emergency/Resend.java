package net.coopwan.daemon.coop.emergency;

/**
 * When to send a message again until it is answered: first after {@link #FIRST_NANOS}, then
 * doubling up to {@link #MAX_NANOS}. The first copy goes at once; a peer link's round trip is
 * a millisecond or two, so 100 ms is many round trips, and a lost copy costs at most that much of
 * the one-second failover target. A give-up time bounds messages that must not live forever.
 */
final class Resend {
    static final long FIRST_NANOS = 100_000_000L;
    static final long MAX_NANOS = 1_000_000_000L;

    private long interval = FIRST_NANOS;
    private long next;
    private final long giveUpAt;
    private int sends;

    /** Due at once; gives up {@code giveUpNanos} after {@code now} (Long.MAX_VALUE: never). */
    Resend(long now, long giveUpNanos) {
        this.next = now;
        this.giveUpAt = giveUpNanos == Long.MAX_VALUE ? Long.MAX_VALUE : now + giveUpNanos;
    }

    boolean due(long now) {
        return now - next >= 0;
    }

    boolean givenUp(long now) {
        return giveUpAt != Long.MAX_VALUE && now - giveUpAt >= 0;
    }

    /** Records a send at {@code now} and schedules the next. */
    void sent(long now) {
        sends++;
        next = now + interval;
        interval = Math.min(MAX_NANOS, interval * 2);
    }

    int sends() {
        return sends;
    }
}
