package net.coopwan.daemon.uplink.failure;

/**
 * One decision of {@link UplinkFailureDetector}: immutable, so a listener may keep it or hand it
 * to another thread. {@link #line()} is the one log line for it.
 *
 * @param state               the uplink's state after this decision
 * @param reason              why, short: {@code carrier down}, {@code black-hole}, {@code
 *     probes unanswered}, {@code recovered}, {@code healthy}
 * @param evidence            what was seen, e.g. {@code no packet received for 612 ms while 34
 *     sent; probes: 198.18.1.1 lost 6 of last 6, 198.18.1.2 lost 6 of last 6}
 * @param sinceEvidenceNanos  how long the evidence behind the decision had been building (from
 *     the first lost packet or silent moment to the decision; for a recovery, how long it has
 *     been healthy-looking)
 * @param atNanos             the {@code nowNanos} of the decision
 * @param recoverFactor       the flap-damping multiple of the recover time in force (1 .. {@code
 *     maxFlapFactor})
 */
public record UplinkVerdict(State state, String reason, String evidence, long sinceEvidenceNanos, long atNanos,
                            int recoverFactor) {

    /** Whether the uplink may carry traffic. */
    public enum State { HEALTHY, FAILED }

    /** e.g. {@code FAILED (black-hole) after 640 ms of evidence: no packet received for ...}. */
    public String line() {
        return state + " (" + reason + ") after " + sinceEvidenceNanos / 1_000_000 + " ms of evidence: " + evidence
                + (recoverFactor > 1 ? "; recover time x" + recoverFactor : "");
    }
}
