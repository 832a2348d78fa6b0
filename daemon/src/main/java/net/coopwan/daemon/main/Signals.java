package net.coopwan.daemon.main;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGHUP is procd's and an admin's "reload". The JDK has no public API for it; sun.misc.Signal is
 * in jdk.unsupported, which is there on every JDK we run on. SIGTERM and SIGINT are caught too, so
 * a requested stop exits 0 after an orderly close instead of the JVM's default 143.
 */
final class Signals {

    private Signals() {
    }

    /**
     * @return false when SIGHUP was ignored when the JVM started (e.g. under {@code nohup}): the JVM
     *     then leaves it ignored and the action never runs, so the caller should say so.
     */
    static boolean onHangup(Runnable action) {
        return Signal.handle(new Signal("HUP"), s -> action.run()) != SignalHandler.SIG_IGN;
    }

    static void onTerminate(Runnable action) {
        Signal.handle(new Signal("TERM"), s -> action.run());
        Signal.handle(new Signal("INT"), s -> action.run());
    }
}
