package net.coopwan.daemon.coop.suppression;

import java.util.List;

/**
 * When this router suppresses other traffic (its own, and asks its neighbour to): only while
 * latency-critical (LC) traffic is current AND a detector sees a potential issue (seed 001
 * [0299], [0248]). An explicit state machine, pure: time is a monotonic nanosecond count given
 * by the caller (the daemon's injected clock).
 *
 * <pre>
 * IDLE      --LC packet seen-----------------------------> WATCHING ("LC traffic current")
 * WATCHING  --a detector sees an issue-------------------> ENFORCING (the detector's reason)
 * ENFORCING --every detector clear-----------------------> WATCHING ("detector cleared")
 * WATCHING, ENFORCING --no LC packet for longer than D---> IDLE ("no LC packet for D")
 * </pre>
 *
 * While IDLE no detector is consulted at all ([0299]: "all other detection is disabled"), so
 * with no LC traffic for longer than D nothing is enforced even above the caps.
 */
public final class SuppressionPolicy {

    public enum State { IDLE, WATCHING, ENFORCING }

    /** One change of state, for the one log line per change and the API. */
    public record Transition(State from, State to, String reason) {
    }

    /** D's bounds, the seed's "between 0.1 s and 60 s" [0248]. */
    public static final long MIN_D_NANOS = 100_000_000L;
    public static final long MAX_D_NANOS = 60_000_000_000L;

    /**
     * ENFORCING ends only after no detector has fired for this long (5 s). The suppression itself
     * removes the symptom (the line's queue drains within a second, and the RTT falls back), so
     * without a hold the policy flapped: measured 4 on/off cycles in 5 s in
     * SuppressionFeedsNetnsTest, each a table made and deleted while the download refilled the
     * queue. 5 s is several of a bulk sender's recovery cycles; LC traffic ending still ends it at
     * once (no enforcement without current LC traffic).
     */
    public static final long DEFAULT_HOLD_NANOS = 5_000_000_000L;

    private final long dNanos;
    private final long holdNanos;
    /** How late an LC packet may be reported: the period of the readings that report them (0: at once). */
    private final long reportNanos;
    private final List<IssueDetector> detectors;
    private long lastIssueAt;
    private volatile State state = State.IDLE;
    private long lastLc;
    private boolean seenLc;

    public SuppressionPolicy(long dNanos, List<IssueDetector> detectors) {
        this(dNanos, DEFAULT_HOLD_NANOS, detectors);
    }

    /** With a hold of {@code holdNanos} (0: ENFORCING ends as soon as every detector clears). */
    public SuppressionPolicy(long dNanos, long holdNanos, List<IssueDetector> detectors) {
        this(dNanos, holdNanos, 0, detectors);
    }

    /**
     * With LC packets reported by readings every {@code reportNanos} ({@link #lcPacket} at a reading
     * that saw the kernel's LC counter grow): a packet reported at a reading may have been sent just
     * after the one before, and the next one is reported only at the next reading. So LC traffic
     * stays current until D plus one reading period after the last report, and "no LC packet for
     * more than D" is said only when a whole period with no report has passed after D. Without it,
     * D = 1 s and readings once a second sent the policy back to IDLE between every two readings
     * while a game sent 50 packets a second (the latency benchmark: WATCHING and IDLE each second,
     * never ENFORCING, since an IDLE policy consults no detector).
     */
    public SuppressionPolicy(long dNanos, long holdNanos, long reportNanos, List<IssueDetector> detectors) {
        if (dNanos < MIN_D_NANOS || dNanos > MAX_D_NANOS) {
            throw new IllegalArgumentException("D is 0.1..60 s, got " + dNanos + " ns");
        }
        if (holdNanos < 0) {
            throw new IllegalArgumentException("hold must be >= 0");
        }
        if (reportNanos < 0) {
            throw new IllegalArgumentException("the reading period must be >= 0");
        }
        this.dNanos = dNanos;
        this.holdNanos = holdNanos;
        this.reportNanos = reportNanos;
        this.detectors = List.copyOf(detectors);
    }

    /** An LC packet passed (either direction) at {@code nowNanos}. */
    public void lcPacket(long nowNanos) {
        lastLc = nowNanos;
        seenLc = true;
    }

    /** Whether LC traffic is current: the last LC packet at most D ago (reported at most a reading late). */
    public boolean lcCurrent(long nowNanos) {
        return seenLc && nowNanos - lastLc <= dNanos + reportNanos;
    }

    /** Re-evaluates at {@code nowNanos}; the transition made, or null when the state stays. */
    public Transition evaluate(long nowNanos) {
        State to;
        String reason;
        if (!lcCurrent(nowNanos)) {
            to = State.IDLE;
            reason = "no LC packet for more than D (" + dNanos / 1_000_000 + " ms)";
        } else {
            IssueDetector firing = null;
            for (IssueDetector d : detectors) {
                if (d.issue(nowNanos)) {
                    firing = d;
                    break;
                }
            }
            if (firing != null) {
                lastIssueAt = nowNanos;
                to = State.ENFORCING;
                reason = firing.why(nowNanos);
            } else if (state == State.ENFORCING && nowNanos - lastIssueAt < holdNanos) {
                return null; // held: see DEFAULT_HOLD_NANOS
            } else {
                to = State.WATCHING;
                reason = state == State.ENFORCING ? "detector cleared" : "LC traffic current";
            }
        }
        if (to == state) {
            return null;
        }
        Transition t = new Transition(state, to, reason);
        state = to;
        return t;
    }

    public State state() {
        return state;
    }

    public boolean enforcing() {
        return state == State.ENFORCING;
    }
}
