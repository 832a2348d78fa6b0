package net.coopwan.daemon.nflog;

/** What the kernel sent on the netlink socket broke netlink's layout; the datagram is dropped and counted. */
public final class NflogFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    public NflogFormatException(String message) {
        super(message);
    }
}
