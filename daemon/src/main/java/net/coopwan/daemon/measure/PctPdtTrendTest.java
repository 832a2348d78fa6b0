package net.coopwan.daemon.measure;

import java.util.Arrays;

/**
 * Pathload's trend test (Jain &amp; Dovrolis, PAM 2002 and IEEE/ACM ToN 2003): the K OWDs are
 * split into Γ = floor(sqrt(K)) groups of consecutive samples, each group is reduced to its
 * median (which removes most of the per-packet noise), and on the Γ medians m_1..m_Γ:
 *
 * <ul>
 *   <li>PCT (pairwise comparison test) = number of k in 2..Γ with m_k &gt; m_(k-1), divided by
 *       Γ-1. A flat series gives about 0.5, a rising one close to 1.</li>
 *   <li>PDT (pairwise difference test) = (m_Γ - m_1) / sum |m_k - m_(k-1)|: how much of the
 *       total movement is net rise. Flat gives about 0, a monotone rise 1. 0 when all medians
 *       are equal.</li>
 * </ul>
 *
 * INCREASING if PCT &gt; 0.66 or PDT &gt; 0.55; NOT_INCREASING if PCT &lt; 0.54 and PDT &lt;
 * 0.45; otherwise GREY. Before that, medians spanning less than {@link Config#minSpreadMicros()}
 * are NOT_INCREASING (ours, see there). A constant offset added to every sample changes no median difference,
 * so the verdict is independent of the clock offset between sender and receiver (S3).
 *
 * <p>One stream of pure noise is often not called NOT_INCREASING (PCT of 9 comparisons is about
 * binomial around 0.5, and PDT of a short random walk is often large): on 1000 seeded streams of
 * K = 100 uniform-noise OWDs the verdicts were 51 % NOT_INCREASING, 36 % GREY and 14 %
 * INCREASING. That is the statistic on a single stream, not a bug; pathload decides on a fleet of
 * streams per rate for this reason. {@link SlopsSearch} repeats a GREY stream once. Not thread-safe: one scratch array is reused (grown on demand).
 */
public final class PctPdtTrendTest implements TrendTest {

    /**
     * Thresholds. PCT/PDT defaults are pathload's (ToN 2003); minSamples 16 because below that Γ
     * is 3 or less and PCT has two comparisons, which says nothing.
     *
     * <p>{@code minSpreadMicros} (OURS, default 200): when the group medians span less than this
     * (max - min), the series is NOT_INCREASING whatever PCT and PDT say. PCT and PDT are
     * scale-free, so without a floor the +-1 us rounding of microsecond timestamps on a perfectly
     * flat path is judged like real noise and called INCREASING about one time in seven. 200 us
     * is far below what a stream just above A builds: at A = 7 Mbit/s and R = A + 50 kbit/s
     * (half of a 0.1 Mbit/s width) 100 packets of 8000 bits add K*L*(1/A - 1/R) = 0.8 ms.
     */
    public record Config(int minSamples, double pctIncreasing, double pctNotIncreasing,
                         double pdtIncreasing, double pdtNotIncreasing, long minSpreadMicros) {
        public static final Config DEFAULT = new Config(16, 0.66, 0.54, 0.55, 0.45, 200);

        public Config {
            if (minSamples < 4) {
                throw new IllegalArgumentException("minSamples must be >= 4: " + minSamples);
            }
            if (minSpreadMicros < 0) {
                throw new IllegalArgumentException("minSpreadMicros must be >= 0: " + minSpreadMicros);
            }
            checkPair("pct", pctNotIncreasing, pctIncreasing);
            checkPair("pdt", pdtNotIncreasing, pdtIncreasing);
        }

        private static void checkPair(String name, double low, double high) {
            if (!(low >= 0 && low <= high && high <= 1)) {
                throw new IllegalArgumentException(name + " thresholds need 0 <= notIncreasing <= increasing <= 1: "
                        + low + ", " + high);
            }
        }
    }

    /** PCT and PDT of one series, for logs and tests. */
    public record Statistics(double pct, double pdt) { }

    private final Config config;
    private long[] scratch = new long[0];
    private double[] medians = new double[0];
    private Statistics last = new Statistics(Double.NaN, Double.NaN);

    public PctPdtTrendTest() {
        this(Config.DEFAULT);
    }

    public PctPdtTrendTest(Config config) {
        this.config = config;
    }

    public Config config() {
        return config;
    }

    /** PCT and PDT of the last {@link #test} that had enough samples (NaN before). */
    public Statistics lastStatistics() {
        return last;
    }

    @Override
    public Verdict test(long[] owdMicros, int count) {
        if (count < 0 || count > owdMicros.length) {
            throw new IllegalArgumentException("count " + count + " outside 0.." + owdMicros.length);
        }
        if (count < config.minSamples()) {
            return Verdict.TOO_FEW_SAMPLES;
        }
        int groups = (int) Math.sqrt(count);
        if (scratch.length < count) {
            scratch = new long[count];
        }
        if (medians.length < groups) {
            medians = new double[groups];
        }
        System.arraycopy(owdMicros, 0, scratch, 0, count);
        for (int g = 0; g < groups; g++) {
            // Group g covers [g*K/Γ, (g+1)*K/Γ): every sample is used, sizes differ by at most 1.
            int from = (int) ((long) g * count / groups);
            int to = (int) ((long) (g + 1) * count / groups);
            medians[g] = median(scratch, from, to);
        }
        int rises = 0;
        double movement = 0;
        double lowest = medians[0];
        double highest = medians[0];
        for (int g = 1; g < groups; g++) {
            lowest = Math.min(lowest, medians[g]);
            highest = Math.max(highest, medians[g]);
            if (medians[g] > medians[g - 1]) {
                rises++;
            }
            movement += Math.abs(medians[g] - medians[g - 1]);
        }
        double pct = (double) rises / (groups - 1);
        double pdt = movement == 0 ? 0 : (medians[groups - 1] - medians[0]) / movement;
        last = new Statistics(pct, pdt);
        if (highest - lowest < config.minSpreadMicros()) {
            return Verdict.NOT_INCREASING;
        }
        if (pct > config.pctIncreasing() || pdt > config.pdtIncreasing()) {
            return Verdict.INCREASING;
        }
        if (pct < config.pctNotIncreasing() && pdt < config.pdtNotIncreasing()) {
            return Verdict.NOT_INCREASING;
        }
        return Verdict.GREY;
    }

    /** Median of a[from..to), sorting that range in place. */
    private static double median(long[] a, int from, int to) {
        Arrays.sort(a, from, to);
        int n = to - from;
        int mid = from + n / 2;
        return (n % 2 == 1) ? a[mid] : (a[mid - 1] + (double) a[mid]) / 2.0;
    }
}
