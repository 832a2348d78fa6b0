package net.coopwan.daemon.measure;

/**
 * Sender side of one SLoPS stream: K packets of L bits, packet k due at start + k*T, with T the
 * inter-packet period (S2 read as "R = L / T only holds if T is the period"), so the stream lasts
 * about K*T and its rate is L / T. The due time is computed from k each time instead of adding T
 * up, so rounding T to whole nanoseconds never accumulates over the stream.
 *
 * @param packets K
 * @param packetBits L
 * @param rateBps R
 */
public record SlopsStreamPlan(int packets, long packetBits, double rateBps) {

    public SlopsStreamPlan {
        if (packets < 1) {
            throw new IllegalArgumentException("packets must be >= 1: " + packets);
        }
        if (packetBits < 1) {
            throw new IllegalArgumentException("packetBits must be >= 1: " + packetBits);
        }
        if (!(rateBps > 0) || Double.isInfinite(rateBps)) {
            throw new IllegalArgumentException("rate must be positive and finite: " + rateBps);
        }
        if (packetBits * 1e9 / rateBps < 1) {
            throw new IllegalArgumentException("period below 1 ns: L=" + packetBits + " R=" + rateBps);
        }
    }

    /** Plan for rate R with the configured K and L. */
    public static SlopsStreamPlan of(double rateBps, SlopsStreamConfig config) {
        return new SlopsStreamPlan(config.packets(), config.packetBits(), rateBps);
    }

    /** T = L / R, rounded to whole nanoseconds (informative; {@link #dueNanos} is exact). */
    public long periodNanos() {
        return Math.round(packetBits * 1e9 / rateBps);
    }

    /** When packet k (0-based) is due, for a stream that starts at {@code startNanos}. */
    public long dueNanos(int k, long startNanos) {
        if (k < 0 || k >= packets) {
            throw new IllegalArgumentException("packet index " + k + " outside 0.." + (packets - 1));
        }
        return startNanos + (long) Math.floor(k * (packetBits * 1e9 / rateBps));
    }

    /** K*T: from the first packet to one period after the last. */
    public long durationNanos() {
        return (long) Math.floor(packets * (packetBits * 1e9 / rateBps));
    }

    /** Bytes on the wire per packet (L / 8, rounded up), before tunnel overhead. */
    public int packetBytes() {
        return (int) ((packetBits + 7) / 8);
    }
}
