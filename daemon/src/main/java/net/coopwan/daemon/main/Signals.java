package net.coopwan.daemon.main;

import sun.misc.Signal;

/**
 * SIGHUP is procd's and an admin's "reload". The JDK has no public API for it; sun.misc.Signal is
 * in jdk.unsupported, which is there on every JDK we run on. SIGTERM and SIGINT go through the
 * normal shutdown hooks.
 */
final class Signals {

    private Signals() {
    }

    static void onHangup(Runnable action) {
        Signal.handle(new Signal("HUP"), s -> action.run());
    }
}
