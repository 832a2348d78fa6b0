package net.coopwan.daemon.store;

/** The state store cannot be used; the message says why in terms an admin can act on. */
public class StoreException extends Exception {

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreException(String message) {
        super(message);
    }
}
