package net.coopwan.daemon.measure;

/**
 * Receiver side of one SLoPS stream: collects (probe index, send timestamp, arrival time) for the
 * K probes of one stream into preallocated arrays and turns them into a {@link StreamVerdict}.
 * OWD_k = arrival_k - send_k (S3 with the minus sign restored); the sender's and our clocks may
 * differ by any constant, only the trend is used.
 *
 * <p>Loss, duplicates and reordering: a probe is filed by its index, so reordered probes still
 * give the OWDs in send order; a second copy of an index is counted and ignored; an index outside
 * 0..K-1 is counted and ignored; missing indexes are simply absent from the series (the trend
 * test sees the OWDs of the probes that arrived, in send order). More than
 * {@link SlopsStreamConfig#maxLostFraction()} missing gives LOST.
 *
 * <p>{@link #onProbe} allocates nothing; {@link #reset()} reuses the arrays for the next stream.
 * Not thread-safe: one receiver per link, used by the thread that reads that link's socket.
 */
public final class SlopsStreamReceiver {

    /** What happened to one probe. */
    public enum Accept { ACCEPTED, DUPLICATE, OUT_OF_RANGE }

    private final SlopsStreamConfig config;
    private final long[] owdMicros;
    private final boolean[] seen;
    private final long[] series;
    private int received;
    private long duplicates;
    private long outOfRange;

    public SlopsStreamReceiver(SlopsStreamConfig config) {
        this.config = config;
        this.owdMicros = new long[config.packets()];
        this.seen = new boolean[config.packets()];
        this.series = new long[config.packets()];
    }

    /** Forgets the current stream (counters included). */
    public void reset() {
        java.util.Arrays.fill(seen, false);
        received = 0;
        duplicates = 0;
        outOfRange = 0;
    }

    /** Files probe {@code index} sent at {@code sendMicros} (sender clock), heard at {@code arrivalMicros}. */
    public Accept onProbe(int index, long sendMicros, long arrivalMicros) {
        if (index < 0 || index >= seen.length) {
            outOfRange++;
            return Accept.OUT_OF_RANGE;
        }
        if (seen[index]) {
            duplicates++;
            return Accept.DUPLICATE;
        }
        seen[index] = true;
        owdMicros[index] = arrivalMicros - sendMicros;
        received++;
        return Accept.ACCEPTED;
    }

    public int received() {
        return received;
    }

    /** Probes of 0..K-1 not (yet) heard. */
    public int lost() {
        return seen.length - received;
    }

    public long duplicates() {
        return duplicates;
    }

    public long outOfRange() {
        return outOfRange;
    }

    /**
     * Verdict for the stream as heard so far (call it when the stream is over: the last probe
     * arrived or the caller's stream timeout passed). TOO_FEW_SAMPLES from the trend test maps to
     * GREY (cannot tell; the search repeats it), which can only happen when K is configured below
     * the test's minimum since a stream with that much loss is LOST first.
     */
    public StreamVerdict verdict(TrendTest trendTest) {
        if (lost() > config.maxLostFraction() * seen.length) {
            return StreamVerdict.LOST;
        }
        int n = 0;
        for (int k = 0; k < seen.length; k++) {
            if (seen[k]) {
                series[n++] = owdMicros[k];
            }
        }
        return switch (trendTest.test(series, n)) {
            case INCREASING -> StreamVerdict.INCREASING;
            case NOT_INCREASING -> StreamVerdict.NOT_INCREASING;
            case GREY, TOO_FEW_SAMPLES -> StreamVerdict.GREY;
        };
    }
}
