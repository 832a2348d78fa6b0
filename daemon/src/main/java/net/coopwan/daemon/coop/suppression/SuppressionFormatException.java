package net.coopwan.daemon.coop.suppression;

/** A SUPPRESSION plaintext that breaks {@link SuppressionCodec}'s layout; counted, never trusted. */
public final class SuppressionFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    public SuppressionFormatException(String message) {
        super(message, null, false, false);
    }
}
