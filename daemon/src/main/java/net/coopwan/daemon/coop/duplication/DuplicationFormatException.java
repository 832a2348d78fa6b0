package net.coopwan.daemon.coop.duplication;

/** An LC_COPY payload that breaks {@link LcCopyCodec}'s layout; the reason is counted. */
public final class DuplicationFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    private final DuplicationDrop reason;

    public DuplicationFormatException(DuplicationDrop reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public DuplicationDrop reason() {
        return reason;
    }
}
