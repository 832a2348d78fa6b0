package net.coopwan.daemon.coop.suppression;

import java.util.List;

/**
 * Feeds the {@link TrafficCapDetector} from the kernel's byte counters of the uplink devices
 * ({@code statistics/tx_bytes} up, {@code rx_bytes} down, summed over the enabled uplinks). The
 * counters include the LC traffic itself: it is a few tens of kbit/s against caps of Mbit/s, so
 * subtracting it would not change a verdict, and the device counters are the only ones that
 * exist while nothing is enforced (the suppression table, with its per-class counters, exists
 * only while enforcing). A device that vanished reads as absent and the sum goes back: the
 * detector then restarts its span rather than seeing a negative rate.
 */
public final class UplinkLoad {

    /** The kernel's cumulative byte counters of one device, or null when it has none. */
    @FunctionalInterface
    public interface ByteCounters {
        long[] txRx(String device);
    }

    private final List<String> devices;
    private final ByteCounters counters;
    private final TrafficCapDetector detector;

    public UplinkLoad(List<String> devices, ByteCounters counters, TrafficCapDetector detector) {
        this.devices = List.copyOf(devices);
        this.counters = counters;
        this.detector = detector;
    }

    /** One reading at {@code nowNanos} handed to the detector. */
    public void tick(long nowNanos) {
        long up = 0;
        long down = 0;
        for (String d : devices) {
            long[] c = counters.txRx(d);
            if (c == null) {
                continue;
            }
            up += c[0];
            down += c[1];
        }
        detector.counters(nowNanos, up, down);
    }
}
