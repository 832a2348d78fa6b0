package net.coopwan.daemon.main;

import sun.misc.Signal;

/**
 * SIGHUP is procd's and an admin's "reload". The JDK has no public API for it; sun.misc.Signal is
 * in jdk.unsupported, which is there on every JDK we run on. SIGTERM and SIGINT are caught too, so
 * a requested stop exits 0 after an orderly close instead of the JVM's default 143.
 */
final class Signals {

    private Signals() {
    }

    static void onHangup(Runnable action) {
        Signal.handle(new Signal("HUP"), s -> action.run());
    }

    static void onTerminate(Runnable action) {
        Signal.handle(new Signal("TERM"), s -> action.run());
        Signal.handle(new Signal("INT"), s -> action.run());
    }
}
