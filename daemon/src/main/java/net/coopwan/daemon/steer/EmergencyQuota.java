package net.coopwan.daemon.steer;

/**
 * The helper's promise to one requester (seed 001 [0131]): at most {@code quotaBytes} forwarded
 * in <em>any</em> window of {@code windowMs}, the excess dropped, never queued. Bytes are IPv4
 * packet lengths (header included, no link-layer header), what nftables counts in the forward hook.
 * That hook sees a packet as its device received it: TCP segments a device aggregated (GRO, on by
 * default) are one packet there, counted with one IP and TCP header, and leave as segments that
 * each carry theirs, so the segments' own IP lengths add up to more, by the headers (52 bytes in
 * 1500 with TCP timestamps: up to 3.6 %; the sharing benchmark saw 1.001 of a quota per segment
 * where the limit's count was 0.984).
 *
 * <p><b>What the kernel's token bucket really is.</b> An nftables {@code limit rate over R
 * bytes/second burst B bytes} (net/netfilter/nft_limit.c, byte mode) keeps its tokens in
 * nanoseconds: a packet of L bytes costs {@code floor(1e9 * L / R)} ns, time refills 1 ns per ns,
 * and the bucket holds at most {@code floor(1e9 * (R + B) / R)} ns, i.e. <b>R + B bytes</b>: one
 * whole second of rate on top of the burst (the second is the unit of the rate, and there is no
 * smaller unit). It starts full, and a packet over the limit takes no tokens. So the depth is
 * {@code b = R + B}, never less than one second's worth, and any window of T seconds passes at
 * most {@code b + R*T = R*(1 + T) + B} bytes, plus a rounding slack: each packet may cost up to
 * 1 ns less than exact, worth R/1e9 bytes, and a packet is at least 20 bytes (an IPv4 header), so
 * the slack is at most {@code passed * R / 2e10}. Hence
 * <pre>passed(T) &lt;= (R*(1 + T) + B) / (1 - R / 2e10)</pre>
 *
 * <p><b>The choice</b>: {@code B = 0} (the bucket already holds a second of rate, so a burst
 * parameter would only take rate away) and {@code R = floor(0.99 * quota / (1 + T))}, with R at
 * most {@value #MAX_RATE} bytes/s (800 Mbit/s) so that the 1 % margin covers the slack:
 * {@code 0.99 / (1 - 1e8/2e10) < 1}, hence {@link #boundBytes()} &lt;= quota. R must hold at
 * least one full-size packet ({@value #MTU} bytes), or nothing of that size could ever pass.
 *
 * <p><b>What it costs</b>: the sustained rate R is below the quota's own rate {@code quota / T};
 * the fraction {@link #sustainedFraction()} is {@code 0.99 * T / (1 + T)}: 9 % for T = 0.1 s,
 * 49.5 % for 1 s, 90 % for 10 s. Short windows are expensive because the kernel's bucket cannot be
 * shallower than one second of rate; a tc policer (burst independent of rate) would do better for
 * T = 0.1 s, at the price of a second mechanism. A requester whose bucket is created anew (first
 * apply, a changed quota, a remove and re-add) starts with a full bucket, so the daemon should not
 * re-create it within T of the previous one.
 *
 * @param quotaBytes the most bytes in any window
 * @param windowMs   the window T in milliseconds (the seed names 100, 1000 and 10000)
 */
public record EmergencyQuota(long quotaBytes, long windowMs) {

    /** A full-size Ethernet packet: the bucket must hold at least one. */
    public static final long MTU = 1500;
    /** Highest rate (bytes/s) for which the 1 % margin covers the kernel's rounding. */
    public static final long MAX_RATE = 100_000_000L;
    /** Longest window accepted: a minute (the seed's longest is 10 s). */
    public static final long MAX_WINDOW_MS = 60_000;

    public EmergencyQuota {
        if (windowMs < 1 || windowMs > MAX_WINDOW_MS) {
            throw new IllegalArgumentException("quota window must be 1.." + MAX_WINDOW_MS + " ms: " + windowMs);
        }
        if (quotaBytes < 1 || quotaBytes > 1_000_000_000_000L) {
            throw new IllegalArgumentException("quota must be 1..10^12 bytes: " + quotaBytes);
        }
        long r = rate(quotaBytes, windowMs);
        if (r < MTU) {
            throw new IllegalArgumentException("quota " + quotaBytes + " bytes per " + windowMs
                    + " ms gives a rate of " + r + " bytes/s, below one " + MTU + "-byte packet");
        }
        if (r > MAX_RATE) {
            throw new IllegalArgumentException("quota " + quotaBytes + " bytes per " + windowMs
                    + " ms needs " + r + " bytes/s, above the " + MAX_RATE + " this bound is proved for");
        }
    }

    /** From the agreed bandwidth (kbit/s, 1000 bits) and window: the bytes that rate sends in T. */
    public static EmergencyQuota ofBandwidth(long kbps, long windowMs) {
        return new EmergencyQuota(kbps * 1000 / 8 * windowMs / 1000, windowMs);
    }

    private static long rate(long quota, long windowMs) {
        // floor(0.99 * quota / (1 + T)) in integers: quota <= 10^12 keeps quota * 99 * 1000 < 2^63.
        return quota * 99 * 1000 / (100 * (1000 + windowMs));
    }

    /** R: the limit's rate in bytes per second. */
    public long rateBytesPerSecond() {
        return rate(quotaBytes, windowMs);
    }

    /** B: the limit's burst parameter; always 0 (see the class comment). */
    public long burstBytes() {
        return 0;
    }

    /** b = R + B: how many bytes the kernel's bucket really holds. */
    public long depthBytes() {
        return rateBytesPerSecond() + burstBytes();
    }

    /** The most any window of T can pass with these parameters, rounding slack included. */
    public double boundBytes() {
        double r = rateBytesPerSecond();
        return (depthBytes() + r * windowMs / 1000.0) / (1 - r / 2e10);
    }

    /** The sustained rate as a fraction of the quota's own rate {@code quota / T}. */
    public double sustainedFraction() {
        return rateBytesPerSecond() * (windowMs / 1000.0) / quotaBytes;
    }

    /** The nftables limit specification, e.g. {@code rate over 99000 bytes/second}. */
    String nftSpec() {
        return "rate over " + rateBytesPerSecond() + " bytes/second"
                + (burstBytes() > 0 ? " burst " + burstBytes() + " bytes" : "");
    }
}
