package net.coopwan.daemon.measure;

/** What one SLoPS stream said about its rate R, as the receiver reports it to the sender. */
public enum StreamVerdict {
    /** OWDs grew: R &gt; A. */
    INCREASING,
    /** OWDs flat: R &lt; A. */
    NOT_INCREASING,
    /** The trend test could not decide. */
    GREY,
    /**
     * Too many probes missing (or the stream timed out, which the caller reports as LOST): the
     * rate was above what the link carries, so it counts as INCREASING.
     */
    LOST
}
