package net.coopwan.daemon.coop.duplication;

import java.util.List;

/**
 * How the packets of one LC session are sent: its id, its expected packet interval (tau of
 * {@link CopySchedule}), the paths with their copy counts, and whether to split with RAIC-5.
 */
public record LcRoute(int sessionId, long tauNanos, List<PathCopies> paths, boolean raic5) {
    public LcRoute {
        paths = List.copyOf(paths);
    }
}
