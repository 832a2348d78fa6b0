package net.coopwan.daemon.secure;

/** Session key derivation refused its input (bad peer public key, bad ids, reused ephemeral). */
public final class KeyExchangeException extends Exception {
    private static final long serialVersionUID = 1L;

    public KeyExchangeException(String message) {
        super(message, null, false, false);
    }
}
