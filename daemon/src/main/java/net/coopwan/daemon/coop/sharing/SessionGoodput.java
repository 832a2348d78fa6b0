package net.coopwan.daemon.coop.sharing;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one active session got between two readings of conntrack, for the borrower's split of new
 * sessions ({@link NewSessionShare}): the mean over the sessions that carried at least
 * {@value #ACTIVE_BYTES_PER_SECOND} bytes a second in the busier-of-the-two sense (either way), so
 * that idle connections a browser keeps open do not pull the mean down. A session that was not in
 * the first reading (it started in between) is charged all its bytes, as in {@link SessionTrim}.
 * Pure.
 */
public final class SessionGoodput {

    /** Under this (about two full packets a second) a connection is idle, not a transfer. */
    static final long ACTIVE_BYTES_PER_SECOND = 3000;

    /**
     * The mean of the active sessions, kbit/s each way, and how many were active.
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
        long down = 0;
        long up = 0;
        for (SharingPaths.MovedSession s : now) {
            SharingPaths.MovedSession e = earlier.get(s.flow());
            long d = Math.max(0, s.bytesDown() - (e == null ? 0 : e.bytesDown()));
            long u = Math.max(0, s.bytesUp() - (e == null ? 0 : e.bytesUp()));
            if (Math.max(d, u) >= threshold) {
                active++;
                down += d;
                up += u;
            }
        }
        if (active == 0) {
            return PerSession.UNKNOWN;
        }
        return new PerSession(active, down * 8_000_000 / intervalNanos / active, up * 8_000_000 / intervalNanos / active);
    }
}
