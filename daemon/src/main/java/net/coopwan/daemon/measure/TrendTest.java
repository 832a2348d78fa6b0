package net.coopwan.daemon.measure;

/**
 * Decides whether a series of one-way delays (OWDs) grows: the SLoPS question "is the stream
 * rate above the available bandwidth?" (seed 002 p.49, S1/S4). The seed names no statistic, so
 * this is pluggable; {@link PctPdtTrendTest} is pathload's.
 *
 * <p>Only differences between samples may matter to an implementation: the sender's and the
 * receiver's clocks are not synchronised, so every OWD carries the same unknown offset (S3).
 */
public interface TrendTest {

    /** Outcome of one test. */
    enum Verdict {
        /** The delays grow: a queue builds, the rate is above what the path has left. */
        INCREASING,
        /** The delays stay flat (noise only). */
        NOT_INCREASING,
        /** The statistics disagree or sit between the thresholds. */
        GREY,
        /** Fewer samples than the test needs to say anything. */
        TOO_FEW_SAMPLES
    }

    /**
     * Tests {@code owdMicros[0 .. count)} in send order. Does not modify the array. Not
     * necessarily thread-safe (an implementation may reuse scratch space).
     */
    Verdict test(long[] owdMicros, int count);
}
