package net.coopwan.daemon.coop.commonisp;

/** A COMMON_ISP plaintext that breaks {@link CommonIspCodec}'s layout; counted, never trusted. */
public final class CommonIspFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    public CommonIspFormatException(String message) {
        super(message, null, false, false);
    }
}
