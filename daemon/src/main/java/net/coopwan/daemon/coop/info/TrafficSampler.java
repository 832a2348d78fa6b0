package net.coopwan.daemon.coop.info;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import net.coopwan.daemon.api.NetInterface;
import net.coopwan.daemon.api.UplinkStatus;

/**
 * The "traffic pattern" of each uplink ([0102]): from the kernel's byte counters of its device,
 * sampled at each uplink poll (every second), the average receive and send rates over the last
 * {@link #WINDOW_NANOS} and the highest rate of one sampling interval in that window.
 *
 * <p>Why a minute and not the seed's "a day or week": the figure answers a neighbour deciding now
 * whether this router has room to help, and a minute of one-second samples is 61 numbers per
 * uplink in memory with nothing on flash; a daily profile needs persistence and is left for later.
 *
 * <p>A counter that goes backwards (the device was re-created, or the counters reset) starts the
 * window again; a device that is missing or an uplink that is disabled has no samples. Time is
 * the monotonic nanoseconds given to {@link #observe}, so a wall-clock step changes nothing.
 * Thread-safe: the daemon's timer observes, the channel thread reads.
 */
public final class TrafficSampler {
    /** The window of the averages and peaks. */
    public static final long WINDOW_NANOS = 60_000_000_000L;
    /** Samples kept per uplink at most, whatever the poll rate: a minute of one-second polls and some. */
    public static final int MAX_SAMPLES = 128;

    /** Rates over the window, bit/s; all 0 with windowS 0 before two samples exist. */
    public record Traffic(int windowS, long rxAvgBps, long txAvgBps, long rxPeakBps, long txPeakBps) {
        public static final Traffic NONE = new Traffic(0, 0, 0, 0, 0);
    }

    private record Sample(long nanos, long rxBytes, long txBytes) {
    }

    private final Map<String, List<Sample>> samples = new HashMap<>();
    private List<UplinkStatus> lastSeen = List.of();

    /** One poll's uplinks, at monotonic time {@code nowNanos}. */
    public synchronized void observe(List<UplinkStatus> uplinks, long nowNanos) {
        lastSeen = List.copyOf(uplinks);
        Set<String> present = new HashSet<>();
        for (UplinkStatus u : uplinks) {
            NetInterface k = u.kernel();
            if (!u.enabled() || k == null || k.counters() == null) {
                continue;
            }
            present.add(u.name());
            List<Sample> s = samples.computeIfAbsent(u.name(), n -> new ArrayList<>());
            Sample next = new Sample(nowNanos, k.counters().rxBytes(), k.counters().txBytes());
            if (!s.isEmpty()) {
                Sample last = s.get(s.size() - 1);
                if (next.nanos - last.nanos <= 0) {
                    continue;
                }
                if (next.rxBytes < last.rxBytes || next.txBytes < last.txBytes) {
                    s.clear();
                }
            }
            s.add(next);
            // keep the newest sample at or before the window's start, so the window is covered
            while (s.size() > 2 && nowNanos - s.get(1).nanos >= WINDOW_NANOS || s.size() > MAX_SAMPLES) {
                s.remove(0);
            }
        }
        samples.keySet().retainAll(present);
    }

    /** The uplinks as last observed (no I/O: the channel thread calls this under its lock). */
    public synchronized List<UplinkStatus> lastSeen() {
        return lastSeen;
    }

    /** The traffic of uplink {@code name} as of the last {@link #observe}. */
    public synchronized Traffic traffic(String name) {
        List<Sample> s = samples.get(name);
        if (s == null || s.size() < 2) {
            return Traffic.NONE;
        }
        Sample first = s.get(0);
        Sample last = s.get(s.size() - 1);
        long rxPeak = 0;
        long txPeak = 0;
        for (int i = 1; i < s.size(); i++) {
            Sample a = s.get(i - 1);
            Sample b = s.get(i);
            rxPeak = Math.max(rxPeak, rate(b.rxBytes - a.rxBytes, b.nanos - a.nanos));
            txPeak = Math.max(txPeak, rate(b.txBytes - a.txBytes, b.nanos - a.nanos));
        }
        long span = last.nanos - first.nanos;
        long rxAvg = rate(last.rxBytes - first.rxBytes, span);
        long txAvg = rate(last.txBytes - first.txBytes, span);
        // the average is a weighted mean of the intervals, so never above the peak but for rounding
        return new Traffic((int) Math.min(span / 1_000_000_000L, Integer.MAX_VALUE), rxAvg, txAvg,
                Math.max(rxPeak, rxAvg), Math.max(txPeak, txAvg));
    }

    /** bit/s of {@code bytes} in {@code nanos}, rounded down; double, since bytes x 8e9 overflows a long. */
    static long rate(long bytes, long nanos) {
        return (long) (bytes * 8.0 * 1e9 / nanos);
    }
}
