package net.coopwan.daemon.coop.sharing;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one active session got between two readings of conntrack, for the borrower's split of new
 * sessions ({@link NewSessionShare}): over the sessions that carried at least
 * {@value #ACTIVE_BYTES_PER_SECOND} bytes a second either way (idle connections a browser keeps
 * open are no sign of anything), the mean weighted by each one's bytes, {@code sum(r^2) / sum(r)}:
 * the rate a byte's session got. A plain mean would be pulled down by sessions that ask for
 * little (a call, a stream, a game at their own rates), which say nothing of what a path gives a
 * transfer: the sharing benchmark's eight home sessions at 80 kbit/s made the home mean 145 beside
 * transfers at 600. A session that was not in the first reading (it started in between) is
 * charged all its bytes, as in {@link SessionTrim}. Pure.
 */
public final class SessionGoodput {

    /** Under this (about two full packets a second) a connection is idle, not a transfer. */
    static final long ACTIVE_BYTES_PER_SECOND = 3000;

    /**
     * The byte-weighted mean rate of the active sessions, kbit/s each way, and how many were active.
     *
     * @param active    sessions that carried at least the threshold
     * @param downKbps  towards the LAN host, per active session; -1 when none was active
     * @param upKbps    from it, per active session; -1 when none was active
     */
    public record PerSession(int active, long downKbps, long upKbps) {
        public static final PerSession UNKNOWN = new PerSession(0, -1, -1);
    }

    private SessionGoodput() {
    }

    public static PerSession between(List<SharingPaths.MovedSession> before, List<SharingPaths.MovedSession> now,
            long intervalNanos) {
        if (before == null || now == null || intervalNanos <= 0) {
            return PerSession.UNKNOWN;
        }
        Map<String, SharingPaths.MovedSession> earlier = new HashMap<>();
        for (SharingPaths.MovedSession s : before) {
            earlier.put(s.flow(), s);
        }
        long threshold = ACTIVE_BYTES_PER_SECOND * intervalNanos / 1_000_000_000L;
        int active = 0;
        double[] down = new double[2];
        double[] up = new double[2];
        for (SharingPaths.MovedSession s : now) {
            SharingPaths.MovedSession e = earlier.get(s.flow());
            long d = Math.max(0, s.bytesDown() - (e == null ? 0 : e.bytesDown()));
            long u = Math.max(0, s.bytesUp() - (e == null ? 0 : e.bytesUp()));
            if (Math.max(d, u) >= threshold) {
                active++;
                add(down, d * 8e6 / intervalNanos);
                add(up, u * 8e6 / intervalNanos);
            }
        }
        if (active == 0) {
            return PerSession.UNKNOWN;
        }
        return new PerSession(active, weighted(down), weighted(up));
    }

    /** {sum(r), sum(r^2)} += r */
    private static void add(double[] sums, double kbps) {
        sums[0] += kbps;
        sums[1] += kbps * kbps;
    }

    private static long weighted(double[] sums) {
        return sums[0] <= 0 ? 0 : Math.round(sums[1] / sums[0]);
    }
}
