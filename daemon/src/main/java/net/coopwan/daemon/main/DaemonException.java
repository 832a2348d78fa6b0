package net.coopwan.daemon.main;

/** The daemon cannot start; {@link #exitCode()} tells procd and scripts which kind of failure. */
public class DaemonException extends Exception {

    public static final int CONFIG = 3;
    public static final int STORE = 4;
    public static final int FRONT_END = 5;

    private final int exitCode;

    public DaemonException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
