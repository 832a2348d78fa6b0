package net.coopwan.daemon.uplink.failure;

import java.util.List;

/**
 * Parameters of {@link UplinkFailureDetector} and {@link UplinkFailureRunner}. The seed names the
 * three signals (modem notification, silence while sending, unanswered pings) but no numbers;
 * these defaults are ours, chosen for: failure within 300 ms of carrier down and within 1 s of a
 * silent black-hole, recovery within 5 s, and no false failure in 10 minutes of 10 % independent
 * loss of probes and of replies on a healthy line. {@code docs/failure-detection.md} has the
 * same arithmetic at more length.
 *
 * <p><b>False failures at 10 % loss.</b> A probe round trip is lost with q = 1 - 0.9 * 0.9 =
 * 0.19. A target is down after 6 losses in a row, so one target alone goes down about once in
 * 10 minutes (0.81 * 0.19^6 = 3.8e-5 per probe, 6000 probes): that is why one target never
 * fails the uplink. With the default threshold (all targets, at least 2) the uplink fails only
 * when every target is down at once. Exact Markov-chain figures over 6000 probes per target
 * (10 minutes at 100 ms): 2 targets 1.3e-5 (one false failure in about 1.5 years of continuous
 * 10 % loss), 3 targets 6e-10. With the suggested 5 in a row they would be 3.5e-4 (one in about
 * 20 days) and 9e-8: 6 costs 100 ms of detection time and buys a factor 27, so 6. The
 * black-hole rule needs 600 ms without a single reply while probes go out, i.e. about 12
 * replies lost in a row with 2 targets (0.19^12 = 2.2e-9 per reply, about 3e-5 per 10
 * minutes at 20 replies/s), 18 with 3 (2e-9); any other incoming packet only lowers it. One
 * target alone is not enough on a lossy line (a 20 % chance per 10 minutes): configure 2 or 3.
 *
 * <p><b>Detection times</b> with a tick of 25 ms: carrier down is seen at the next tick (25
 * ms plus a few sysfs reads). A silent black-hole: the next probe after the cut (within 100 /
 * targets ms) is the first unanswered packet, it is seen at the next tick and the black-hole
 * rule fires 600 ms and one tick later: about 700 ms at worst. Probes alone (a failure that
 * still lets some packets in): 6 lost probes sent over 500 ms after the cut, the last one
 * declared lost 300 ms after it left, plus a tick: 925 ms at worst. Recovery: the first reply
 * of each target (100 ms plus RTT) plus 2 s of replies: about 2.2 s, 4.2 s after one flap.
 *
 * @param targets        servers probed through the uplink; may be empty (then carrier and the
 *     black-hole rule alone decide). Default none: the configuration names them
 * @param probeIntervalMs each target gets a probe this often; default 100 ms (10 probes/s of
 *     about 50 bytes per target: 0.4 kbit/s)
 * @param probeTimeoutMs a probe without reply for this long is lost; default 300 ms, above the
 *     RTT of any sane home uplink under SQM. A reply that comes later still proves the line
 *     alive: it ends the target's run of losses, so a line with RTTs up to about 5 * 100 + 300 = 800
 *     ms never goes down by probes
 * @param probeDownCount a target is down after this many consecutive lost probes; default 6
 *     (see above), at least 2 so one lost probe never counts
 * @param probeThreshold the uplink fails by probes when at least this many targets are down;
 *     0 (the default) means all targets. When 2 or more targets are configured it must be at
 *     least 2: one dead server must never fail the uplink
 * @param blackholeMs the uplink fails when nothing was received on its device for this long
 *     while packets kept going out; default 600 ms (our probes go out too, so a dead line always
 *     sends). Silence with nothing going out never fails the uplink
 * @param recoverMs healthy again after this much continuous evidence (carrier up and replies
 *     from at least the threshold of targets, or packets received when no target is
 *     configured); default 2000 ms: 20 probe rounds, long enough that one stray reply on a
 *     dying line does not bring it back, short enough for the 5 s recovery target
 * @param flapWindowMs a failure this soon after a recovery is a flap and doubles the recover
 *     time; default 60 s
 * @param maxFlapFactor the recover time grows to at most this multiple; default 8 (16 s)
 * @param flapResetMs the factor returns to 1 after this long healthy; default 300 s
 * @param tickMs the runner reads the device and evaluates this often; default 25 ms (the
 *     detection delays above include one tick). At most the probe interval
 */
public record UplinkFailureSettings(List<ProbeTarget> targets, long probeIntervalMs, long probeTimeoutMs,
                                    int probeDownCount, int probeThreshold, long blackholeMs, long recoverMs,
                                    long flapWindowMs, int maxFlapFactor, long flapResetMs, long tickMs) {

    public static final UplinkFailureSettings DEFAULTS =
            new UplinkFailureSettings(List.of(), 100, 300, 6, 0, 600, 2000, 60_000, 8, 300_000, 25);

    /** Probe targets beyond this are refused: each costs a socket and 10 packets/s. */
    public static final int MAX_TARGETS = 16;

    public UplinkFailureSettings {
        targets = targets == null ? List.of() : List.copyOf(targets);
        if (targets.size() > MAX_TARGETS) {
            throw new IllegalArgumentException("at most " + MAX_TARGETS + " probe targets: " + targets.size());
        }
        if (targets.stream().distinct().count() != targets.size()) {
            throw new IllegalArgumentException("probe targets must differ: " + targets);
        }
        range("probeIntervalMs", probeIntervalMs, 10, 60_000);
        range("probeTimeoutMs", probeTimeoutMs, 10, 60_000);
        range("probeDownCount", probeDownCount, 2, 1000);
        if (probeThreshold < 0 || probeThreshold > targets.size()) {
            throw new IllegalArgumentException("probeThreshold must be 0 (all targets) or 1.." + targets.size()
                    + " (the number of targets): " + probeThreshold);
        }
        if (targets.size() >= 2 && probeThreshold == 1) {
            throw new IllegalArgumentException("probeThreshold must be at least 2 when 2 or more targets are "
                    + "configured, so one dead server never fails the uplink: " + probeThreshold);
        }
        range("tickMs", tickMs, 5, 1000);
        if (tickMs > probeIntervalMs) {
            throw new IllegalArgumentException("tickMs must not exceed probeIntervalMs (" + probeIntervalMs + "): "
                    + tickMs);
        }
        range("blackholeMs", blackholeMs, 2 * tickMs, 3_600_000);
        range("recoverMs", recoverMs, 0, 3_600_000);
        range("flapWindowMs", flapWindowMs, 0, 86_400_000);
        range("maxFlapFactor", maxFlapFactor, 1, 64);
        if (Integer.bitCount(maxFlapFactor) != 1) {
            throw new IllegalArgumentException("maxFlapFactor must be a power of two (the factor doubles): "
                    + maxFlapFactor);
        }
        range("flapResetMs", flapResetMs, 0, 86_400_000);
    }

    private static void range(String name, long v, long min, long max) {
        if (v < min || v > max) {
            throw new IllegalArgumentException(name + " must be " + min + ".." + max + ": " + v);
        }
    }

    /** These settings with other probe targets (validated again). */
    public UplinkFailureSettings withTargets(List<ProbeTarget> newTargets) {
        return new UplinkFailureSettings(newTargets, probeIntervalMs, probeTimeoutMs, probeDownCount, probeThreshold,
                blackholeMs, recoverMs, flapWindowMs, maxFlapFactor, flapResetMs, tickMs);
    }

    /** How many targets must be down (and, to recover, answering): all of them when 0 was given. */
    public int effectiveProbeThreshold() {
        return probeThreshold == 0 ? targets.size() : probeThreshold;
    }
}
