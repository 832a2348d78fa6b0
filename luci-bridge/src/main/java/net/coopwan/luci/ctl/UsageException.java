package net.coopwan.luci.ctl;

/** The command line cannot be used; the message says why. */
final class UsageException extends Exception {

    UsageException(String message) {
        super(message, null, false, false);
    }
}
