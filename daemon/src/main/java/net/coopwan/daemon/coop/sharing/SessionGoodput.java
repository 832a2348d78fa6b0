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
     * The byte-weighted mean rate of the active sessions, kbit/s each way, how many were active, how
     * many sessions the path holds in effect, and what the active ones carried in all.
     *
     * @param active        sessions that carried at least the threshold
     * @param downKbps      towards the LAN host, per active session; -1 when none was active
     * @param upKbps        from it, per active session; -1 when none was active
     * @param sessions      the sessions the path holds: its transfers, plus each new one not yet a
     *                      transfer (it was placed there and will ask for its share: a split that
     *                      waits for its rate to show piles the LAN's sessions on one path); -1
     *                      when unknown. A plain count: weighted by their rates ({@code sum(r)^2 /
     *                      sum(r^2)}), sessions in slow start, which move in bursts, made a path
     *                      of four read 1.2 to 4.7 within a second in the benchmark
     * @param downTotalKbps what the transfers carried towards the LAN host
     * @param upTotalKbps   what they carried from it
     */
    public record PerSession(int active, long downKbps, long upKbps, double sessions, long downTotalKbps,
                             long upTotalKbps) {
        public static final PerSession UNKNOWN = new PerSession(0, -1, -1, -1, 0, 0);
    }

    private SessionGoodput() {
    }

    public static PerSession between(List<SharingPaths.MovedSession> before, List<SharingPaths.MovedSession> now,
            long intervalNanos) {
        return between(before, now, intervalNanos, 0);
    }

    /**
     * As above, counting as the path's sessions only the transfers: those that carried at least
     * {@code transferKbps} both ways together (the borrower gives 2 % of its own line). A lighter
     * session asks for its own rate, not for a share of the path (the benchmark's twelve trickles
     * at 80 kbit/s, alone at home, counted as twelve sessions on a 10 Mbit/s line at 10 %, and new
     * sessions were sent away from it); its bytes are in neither total.
     */
    public static PerSession between(List<SharingPaths.MovedSession> before, List<SharingPaths.MovedSession> now,
            long intervalNanos, long transferKbps) {
        if (before == null || now == null || intervalNanos <= 0) {
            return PerSession.UNKNOWN;
        }
        Map<String, SharingPaths.MovedSession> earlier = new HashMap<>();
        for (SharingPaths.MovedSession s : before) {
            earlier.put(s.flow(), s);
        }
        long threshold = ACTIVE_BYTES_PER_SECOND * intervalNanos / 1_000_000_000L;
        int active = 0;
        int fresh = 0;
        double[] down = new double[2];
        double[] up = new double[2];
        int transfers = 0;
        double[] totals = new double[2];
        for (SharingPaths.MovedSession s : now) {
            SharingPaths.MovedSession e = earlier.get(s.flow());
            long d = Math.max(0, s.bytesDown() - (e == null ? 0 : e.bytesDown()));
            long u = Math.max(0, s.bytesUp() - (e == null ? 0 : e.bytesUp()));
            double dKbps = d * 8e6 / intervalNanos;
            double uKbps = u * 8e6 / intervalNanos;
            boolean transfer = dKbps + uKbps >= transferKbps;
            if (Math.max(d, u) >= threshold) {
                active++;
                add(down, dKbps);
                add(up, uKbps);
                if (transfer) {
                    transfers++;
                    totals[0] += dKbps;
                    totals[1] += uKbps;
                } else if (e == null) {
                    fresh++; // new and still slow: it was placed there and will ask for its share
                }
            } else if (e == null) {
                fresh++;
            }
        }
        double sessions = fresh + transfers;
        if (active == 0) {
            return new PerSession(0, -1, -1, sessions, 0, 0);
        }
        return new PerSession(active, weighted(down), weighted(up), sessions, Math.round(totals[0]),
                Math.round(totals[1]));
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
