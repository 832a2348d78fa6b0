package net.coopwan.daemon.steer;

/**
 * A kernel command could not be run or did not do what it was asked. The message always holds
 * the command line and, when there is one, the command's stderr, because that is what an operator
 * needs to see in the log to fix it (a missing kernel module, a device that went away).
 */
public final class SteerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SteerException(String message) {
        super(message);
    }

    public SteerException(String message, Throwable cause) {
        super(message, cause);
    }
}
