package net.coopwan.daemon.measure;

import java.util.Random;

/**
 * A test path with a constant available bandwidth A: probes go through a FIFO served at A (the
 * part of the bottleneck that cross traffic leaves), then a fixed propagation delay, then the
 * receiver's clock, which is off by a constant. Below A nothing queues and the OWD is flat; above
 * A the queue, and the OWD, grow by L/A - T per packet (S1).
 */
final class EmulatedPath {
    private final double availableBps;
    private final long propagationNanos;
    private final long clockOffsetMicros;
    private final int noiseMicros;
    private final double lossProbability;
    private final Random random;

    EmulatedPath(double availableBps, long propagationNanos, long clockOffsetMicros, int noiseMicros,
                 double lossProbability, long seed) {
        this.availableBps = availableBps;
        this.propagationNanos = propagationNanos;
        this.clockOffsetMicros = clockOffsetMicros;
        this.noiseMicros = noiseMicros;
        this.lossProbability = lossProbability;
        this.random = new Random(seed);
    }

    /** Sends the planned stream through the path into a fresh receiver and returns its verdict. */
    StreamVerdict stream(SlopsStreamPlan plan, SlopsStreamReceiver receiver, TrendTest trend) {
        receiver.reset();
        long start = 1_000_000_000L;
        double serviceNanos = availableBps <= 0 ? Double.POSITIVE_INFINITY : plan.packetBits() * 1e9 / availableBps;
        double lastDeparture = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < plan.packets(); k++) {
            long due = plan.dueNanos(k, start);
            double departure = Math.max(due, lastDeparture) + serviceNanos;
            lastDeparture = departure;
            if (Double.isInfinite(departure) || random.nextDouble() < lossProbability) {
                continue;
            }
            long arrivalMicros = (long) ((departure + propagationNanos) / 1000) + clockOffsetMicros
                    + (noiseMicros == 0 ? 0 : random.nextInt(noiseMicros));
            receiver.onProbe(k, due / 1000, arrivalMicros);
        }
        return receiver.verdict(trend);
    }
}
