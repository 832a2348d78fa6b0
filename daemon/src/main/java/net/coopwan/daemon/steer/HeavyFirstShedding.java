package net.coopwan.daemon.steer;

/**
 * Which of a borrower's sessions lose packets first when its quota binds: the heaviest. One
 * direction of one borrower on the sharer ({@link SharingLenderRules}).
 *
 * <p><b>Why.</b> The quota ({@link SlidingWindowQuota}) drops whatever comes once a tick's
 * allowance is spent, every session alike. A bulk TCP download overshoots the allowance in bursts
 * (its window grows faster than the tunnel's queue can tell it), and the packets of a small session
 * beside it that arrive in such a moment are lost too: 11-12 % of a trickle of 20 datagrams a
 * second beside one download, in a netns test; in the sharing benchmark at T = 10 s seven moved
 * sessions that send a kilobyte every 100 ms lost their retransmissions again and again and read
 * nothing for up to 59 s. A sharer that must cut a borrower should cut the session that takes the
 * most, not the one that hardly costs anything.
 *
 * <p><b>How.</b> In the kernel, each session (the borrower's address, protocol and port) has a
 * meter at a protected rate ({@link #protectedBytesPerSecond}): what a session sends beyond it is
 * <i>heavy</i> and meets a second, lower quota object first, the shedding quota; everything meets the
 * quota of the window after it, which stays the guarantee. This class says where the shedding
 * quota's bound goes each tick: the heavy may take the tick's allowance less a reserve for the
 * light, the reserve being one and a half times the most the light took in a recent tick plus two
 * packets for new sessions, and never more than a quarter of the pacing bucket, so that heavy
 * sessions alone still fill the offer (what the light leave of an allowance is there again at the
 * next tick). Measured in a netns (SharingLenderNetnsTest, two downloads and a small session, quota
 * 400 kB/s): without shedding the small session lost 9 of 160 datagrams and the downloads got 0.89
 * of the quota; with a reserve of twice the light and up to half the bucket it lost none, but the
 * downloads got 0.82; with this one 0 or 1 and 0.90. When the light take more than the reserve,
 * the hard quota drops everyone alike, as before: never worse.
 *
 * <p>Not thread-safe; ticks in the order of {@link SlidingWindowQuota#bound}.
 */
public final class HeavyFirstShedding {

    /** Full packets kept for sessions that just began, beyond what the light took before. */
    static final int NEW_SESSION_PACKETS = 2;
    /** A session's protected rate is at least this, bytes per second (128 kbit/s: a voice or video call of low rate, a game). */
    static final long MIN_PROTECTED_BYTES_PER_SECOND = 16_000;
    /** How much of its peak the light reserve keeps per tick: it follows a rise at once, a fall over a few ticks. */
    private static final double DECAY = 0.8;

    private boolean started;
    private long lastCarried;
    private long lastHeavy;
    private long lastShed;
    private double lightPeak;

    /**
     * The protected rate of one session for a quota of {@code thresholdBytes} per {@code windowMs}:
     * a sixteenth of the quota's rate, at least {@link #MIN_PROTECTED_BYTES_PER_SECOND}. Sixteen
     * sessions at that rate fill the offer; a session of a game, a call, a chat or a page's small
     * requests stays under it and is never shed while a download beside it is.
     */
    public static long protectedBytesPerSecond(long thresholdBytes, long windowMs) {
        return Math.max(MIN_PROTECTED_BYTES_PER_SECOND, thresholdBytes * 1000 / Math.max(1, windowMs) / 16);
    }

    /** The meter's burst for {@code protectedBytesPerSecond}: a new TCP session's first window (10 packets) at least. */
    public static long protectedBurstBytes(long protectedBytesPerSecond) {
        return Math.max(10L * EmergencyQuota.MTU, protectedBytesPerSecond / 4);
    }

    /**
     * The shedding quota's bound for this tick.
     *
     * @param heavy   what the shedding quota has judged so far (its counter before it)
     * @param shed    what it dropped so far
     * @param carried what the hard quota passed so far (all sessions)
     * @param granted what the hard quota's new bound lets pass from its reading on ({@link SlidingWindowQuota#lastGranted})
     * @param depth   the pacing bucket's depth ({@link SlidingWindowQuota#lastDepth})
     */
    public long bound(long heavy, long shed, long carried, long granted, long depth) {
        if (started && carried >= lastCarried && heavy >= lastHeavy && shed >= lastShed) {
            // what the light passed since the last tick: all that passed less what the heavy passed
            // (the heavy the hard quota then dropped are counted as passed here: the light are
            // under-counted by that, only when the hard quota drops anyway)
            long heavyPassed = (heavy - lastHeavy) - (shed - lastShed);
            long light = Math.max(0, (carried - lastCarried) - heavyPassed);
            lightPeak = Math.max(light, lightPeak * DECAY);
        }
        started = true;
        lastCarried = carried;
        lastHeavy = heavy;
        lastShed = shed;
        long reserve = Math.min(depth / 4, Math.round(1.5 * lightPeak) + NEW_SESSION_PACKETS * EmergencyQuota.MTU);
        return heavy + Math.max(0, granted - reserve);
    }
}
