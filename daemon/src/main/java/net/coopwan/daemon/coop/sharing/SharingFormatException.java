package net.coopwan.daemon.coop.sharing;

/** A SHARING plaintext that breaks {@link SharingCodec}'s layout; counted, never trusted. */
public final class SharingFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    public SharingFormatException(String message) {
        super(message, null, false, false);
    }
}
