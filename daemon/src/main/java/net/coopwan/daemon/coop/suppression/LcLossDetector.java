package net.coopwan.daemon.coop.suppression;

import java.util.ArrayDeque;

/**
 * Loss of the LC path where LC packets go through the bond as copies ([0302], [0305]): fed with
 * the duplication receiver's cumulative counters (first copies delivered, packet IDs overtaken
 * and never filled), it sees an issue when over the last {@link PathQualityDetector#WINDOW_NANOS}
 * (2 s) at least {@link PathQualityDetector#LOSS_MIN} packets and
 * {@link PathQualityDetector#LOSS_PERCENT} % were lost on every path: the same rule as the probes'
 * loss, so the two feeds mean the same thing. A missing ID is a packet none of whose copies
 * arrived, so this is loss that duplication did not hide: exactly when holding other traffic back
 * can help. Counters that go back (a new tunnel session) restart the window.
 *
 * <p>The copies carry no send timestamp (docs/PROTOCOL.md 4.7), so neither RTT nor one-way delay
 * can be taken from them; those come from the probes ({@link LcPathProbe}).
 */
public final class LcLossDetector implements IssueDetector {

    private record Step(long at, long delivered, long missing) {
    }

    private final ArrayDeque<Step> window = new ArrayDeque<>();
    private long lastDelivered = -1;
    private long lastMissing;

    /** The receiver's cumulative counters now. */
    public void counters(long nowNanos, long delivered, long missing) {
        if (lastDelivered < 0 || delivered < lastDelivered) {
            window.clear();
        } else {
            long d = delivered - lastDelivered;
            // a late copy that fills an ID takes a loss back: never below zero within a step
            long m = Math.max(0, missing - lastMissing);
            if (d > 0 || m > 0) {
                window.addLast(new Step(nowNanos, d, m));
            }
        }
        lastDelivered = delivered;
        lastMissing = missing;
        while (window.size() > PathQualityDetector.MAX_SAMPLES) {
            window.removeFirst();
        }
    }

    private long[] sums(long now) {
        while (!window.isEmpty() && now - window.peekFirst().at() > PathQualityDetector.WINDOW_NANOS) {
            window.removeFirst();
        }
        long d = 0;
        long m = 0;
        for (Step s : window) {
            d += s.delivered();
            m += s.missing();
        }
        return new long[] {d, m};
    }

    @Override
    public boolean issue(long nowNanos) {
        long[] s = sums(nowNanos);
        long total = s[0] + s[1];
        return total >= PathQualityDetector.MIN_SAMPLES && s[1] >= PathQualityDetector.LOSS_MIN
                && s[1] * 100 >= PathQualityDetector.LOSS_PERCENT * total;
    }

    @Override
    public String why(long nowNanos) {
        long[] s = sums(nowNanos);
        return "lc loss " + s[1] + " of " + (s[0] + s[1]) + " packets on every path";
    }
}
