package net.coopwan.daemon.coop.emergency;

/** An EMERGENCY plaintext that breaks {@link EmergencyCodec}'s layout; counted, never trusted. */
public final class EmergencyFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    public EmergencyFormatException(String message) {
        super(message, null, false, false);
    }
}
