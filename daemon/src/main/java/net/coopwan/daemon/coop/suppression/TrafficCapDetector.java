package net.coopwan.daemon.coop.suppression;

/**
 * The configured traffic caps of other traffic ([0297]): fed with the cumulative byte counters of
 * other traffic per direction, it measures the rate over at least {@link #MIN_SPAN_NANOS} (1 s)
 * and sees an issue while either direction's rate exceeds its cap (0: no cap that way).
 */
public final class TrafficCapDetector implements IssueDetector {
    static final long MIN_SPAN_NANOS = 1_000_000_000L;

    private final long upCapBytesPerSecond;
    private final long downCapBytesPerSecond;
    private long fromAt = Long.MIN_VALUE;
    private long fromUp;
    private long fromDown;
    private double upRate;
    private double downRate;

    public TrafficCapDetector(long upCapBytesPerSecond, long downCapBytesPerSecond) {
        if (upCapBytesPerSecond < 0 || downCapBytesPerSecond < 0) {
            throw new IllegalArgumentException("caps are >= 0 (0: none)");
        }
        this.upCapBytesPerSecond = upCapBytesPerSecond;
        this.downCapBytesPerSecond = downCapBytesPerSecond;
    }

    /** The byte counters of other traffic now (cumulative; a counter that went back restarts the span). */
    public void counters(long nowNanos, long upBytes, long downBytes) {
        if (fromAt == Long.MIN_VALUE || upBytes < fromUp || downBytes < fromDown) {
            fromAt = nowNanos;
            fromUp = upBytes;
            fromDown = downBytes;
            upRate = 0;
            downRate = 0;
            return;
        }
        long span = nowNanos - fromAt;
        if (span < MIN_SPAN_NANOS) {
            return;
        }
        upRate = (upBytes - fromUp) * 1e9 / span;
        downRate = (downBytes - fromDown) * 1e9 / span;
        fromAt = nowNanos;
        fromUp = upBytes;
        fromDown = downBytes;
    }

    @Override
    public boolean issue(long nowNanos) {
        return upCapBytesPerSecond > 0 && upRate > upCapBytesPerSecond
                || downCapBytesPerSecond > 0 && downRate > downCapBytesPerSecond;
    }

    @Override
    public String why(long nowNanos) {
        return "other traffic " + Math.round(upRate) + " B/s up (cap " + upCapBytesPerSecond + "), "
                + Math.round(downRate) + " B/s down (cap " + downCapBytesPerSecond + ")";
    }
}
