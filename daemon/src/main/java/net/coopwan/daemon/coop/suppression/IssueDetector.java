package net.coopwan.daemon.coop.suppression;

/**
 * One of the seed's "potential issue" detectors ([0297]-[0313], [0344]-[0345]): pure, fed by
 * samples from its owner, asked at a monotonic time in nanoseconds. {@link SuppressionPolicy}
 * consults detectors only while latency-critical traffic is current ([0299]).
 */
public interface IssueDetector {

    /** The reason for the log and the API when {@link #issue} is true, e.g. "rtt 85 ms over baseline 30 ms". */
    String why(long nowNanos);

    /** Whether the detector sees a potential issue now. */
    boolean issue(long nowNanos);
}
