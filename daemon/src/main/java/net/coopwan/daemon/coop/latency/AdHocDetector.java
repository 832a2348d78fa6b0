package net.coopwan.daemon.coop.latency;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import net.coopwan.config.Latency;

/**
 * The ad hoc rule ([0235]) for UDP sessions of applications no rule knows: packets small, gaps
 * short, rate low. Judged from each flow's cumulative counters (packets and bytes each way, as
 * conntrack keeps them) sampled about once a second, so the kernel never holds a packet for us:
 * between two samples, the mean IP packet size each way must be at most {@code maxPacketBytes},
 * the mean gap of the LAN host's packets at most {@code maxGapMs}, and the rate each way at most
 * {@code maxKbps}. {@code confirmS} such samples in a row upgrade the flow, once.
 *
 * <p>A flow whose counters go backwards is a new connection with the same 5-tuple: it starts
 * afresh. A flow without a new packet for the ad hoc timeout (the seed's "several seconds") is
 * forgotten, as is one no longer listed. At most {@link #MAX_FLOWS} are followed; more are
 * counted ({@link #ignored()}) and skipped, never thrown on. Not thread-safe: one owner.
 */
public final class AdHocDetector {

    /** Flows followed at once; a LAN with more small UDP flows than this is not a household's. */
    public static final int MAX_FLOWS = 4096;

    /**
     * One flow's counters since it began, as the kernel reports them.
     *
     * @param packetsOut from the LAN host
     * @param packetsIn  towards it
     */
    public record Sample(Flow flow, long packetsOut, long bytesOut, long packetsIn, long bytesIn) {
        public Sample {
            if (packetsOut < 0 || bytesOut < 0 || packetsIn < 0 || bytesIn < 0) {
                throw new IllegalArgumentException("counters are never negative: " + flow);
            }
        }
    }

    private static final class State {
        Sample last;
        Instant at;
        Instant active;
        int streak;
        boolean upgraded;
    }

    private final Latency.AdHoc rule;
    private final Clock clock;
    private final Map<Flow, State> flows = new HashMap<>();
    private long ignored;

    public AdHocDetector(Latency.AdHoc rule, Clock clock) {
        this.rule = rule;
        this.clock = clock;
    }

    /**
     * The latest counters of every candidate flow (UDP from the LAN, not LC yet); returns the flows
     * the rule upgrades now, each once in its life.
     */
    public List<Flow> observe(Collection<Sample> samples) {
        Instant now = clock.instant();
        List<Flow> upgraded = new ArrayList<>();
        Set<Flow> listed = new HashSet<>();
        for (Sample s : samples) {
            if (!listed.add(s.flow())) {
                ignored++; // the same flow twice in one reading: keep the first
                continue;
            }
            State st = flows.get(s.flow());
            if (st == null) {
                if (flows.size() >= MAX_FLOWS) {
                    ignored++;
                    continue;
                }
                st = new State();
                flows.put(s.flow(), st);
                start(st, s, now);
                continue;
            }
            if (judge(st, s, now)) {
                upgraded.add(s.flow());
            }
        }
        Duration timeout = Duration.ofMillis(rule.timeoutMs());
        flows.entrySet().removeIf(e -> !listed.contains(e.getKey())
                || Duration.between(e.getValue().active, now).compareTo(timeout) > 0);
        return upgraded;
    }

    private static void start(State st, Sample s, Instant now) {
        st.last = s;
        st.at = now;
        st.active = now;
        st.streak = 0;
        st.upgraded = false;
    }

    /** Updates the flow's state with a new sample; true when this sample upgrades it. */
    private boolean judge(State st, Sample s, Instant now) {
        Sample p = st.last;
        if (s.packetsOut() < p.packetsOut() || s.packetsIn() < p.packetsIn() || s.bytesOut() < p.bytesOut()
                || s.bytesIn() < p.bytesIn()) {
            start(st, s, now);
            return false;
        }
        long ms = Duration.between(st.at, now).toMillis();
        if (ms <= 0) {
            return false; // two readings in the same instant say nothing about gaps
        }
        long pOut = s.packetsOut() - p.packetsOut();
        long pIn = s.packetsIn() - p.packetsIn();
        long bOut = s.bytesOut() - p.bytesOut();
        long bIn = s.bytesIn() - p.bytesIn();
        st.last = s;
        st.at = now;
        if (pOut + pIn > 0) {
            st.active = now;
        }
        if (fits(ms, pOut, bOut, pIn, bIn)) {
            st.streak++;
        } else {
            st.streak = 0;
        }
        if (!st.upgraded && st.streak >= rule.confirmS()) {
            st.upgraded = true;
            return true;
        }
        return false;
    }

    /** Whether one interval of {@code ms} with these counts looks latency-critical. */
    boolean fits(long ms, long pOut, long bOut, long pIn, long bIn) {
        if (pOut == 0) {
            return false; // the LAN host sent nothing: no gap under the threshold
        }
        boolean small = bOut <= pOut * rule.maxPacketBytes() && bIn <= pIn * rule.maxPacketBytes();
        boolean gaps = ms <= pOut * rule.maxGapMs();
        // kbit/s = bytes * 8 / ms; compared without dividing
        boolean slow = bOut * 8 <= (long) rule.maxKbps() * ms && bIn * 8 <= (long) rule.maxKbps() * ms;
        return small && gaps && slow;
    }

    /** Whether the rule has upgraded {@code f} (while it is followed). */
    public boolean upgraded(Flow f) {
        State st = flows.get(f);
        return st != null && st.upgraded;
    }

    public int followed() {
        return flows.size();
    }

    /** Samples skipped: beyond {@link #MAX_FLOWS}, or a flow listed twice in one reading. */
    public long ignored() {
        return ignored;
    }
}
