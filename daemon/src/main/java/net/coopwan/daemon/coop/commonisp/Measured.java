package net.coopwan.daemon.coop.commonisp;

/**
 * One finished trace of ours: the route, when it ended (clock millis) and the report number it
 * goes out with (a new one per trace, so a neighbour acknowledges each).
 */
record Measured(int target, Route route, long atMs, long sequence) {
}
