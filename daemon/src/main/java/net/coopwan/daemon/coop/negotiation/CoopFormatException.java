package net.coopwan.daemon.coop.negotiation;

/** A COOP_MESSAGE plaintext that is not a well-formed message; the receiver counts it and drops it. */
public final class CoopFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    public CoopFormatException(String message) {
        super(message, null, false, false);
    }
}
