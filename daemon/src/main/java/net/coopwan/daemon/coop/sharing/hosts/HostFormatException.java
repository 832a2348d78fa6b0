package net.coopwan.daemon.coop.sharing.hosts;

/** A copied packet broke its protocol's layout: dropped and counted as {@link #reason()}. */
public final class HostFormatException extends Exception {
    private static final long serialVersionUID = 1L;
    private final HostDrop reason;

    public HostFormatException(HostDrop reason, String message) {
        super(message);
        this.reason = reason;
    }

    public HostDrop reason() {
        return reason;
    }
}
