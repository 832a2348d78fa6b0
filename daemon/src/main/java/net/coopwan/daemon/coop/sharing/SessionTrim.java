package net.coopwan.daemon.coop.sharing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Which moved sessions a borrower resets when the sharer lowers its offer and forced termination
 * is configured (seed 001 [0154]: "forcefully terminate some or all"; which ones is not specified:
 * newest first until the rest fit, our choice, docs/PROTOCOL.md 3.13). Pure.
 *
 * <p>Each session's rate is what its conntrack byte counts grew by between two readings; a session
 * that was not in the first reading (it started in between) is charged all its bytes over the
 * interval. Newest means the shortest conntrack age; a session of unknown age (conntrack timestamps
 * came on after it started) counts as the oldest. A direction whose limit is 0 while the other's is
 * not is not a limit: an offer down only still carries the moved downloads' acknowledgements up.
 */
public final class SessionTrim {

    private SessionTrim() {
    }

    /** The sessions to reset, newest first; empty when the rest already fit. */
    public static List<SharingPaths.MovedSession> victims(List<SharingPaths.MovedSession> before,
            List<SharingPaths.MovedSession> now, long intervalNanos, long limitDownKbps, long limitUpKbps) {
        if (intervalNanos <= 0 || now.isEmpty()) {
            return List.of();
        }
        Map<String, SharingPaths.MovedSession> earlier = new java.util.HashMap<>();
        for (SharingPaths.MovedSession s : before) {
            earlier.put(s.flow(), s);
        }
        long[] downKbps = new long[now.size()];
        long[] upKbps = new long[now.size()];
        long totalDown = 0;
        long totalUp = 0;
        for (int i = 0; i < now.size(); i++) {
            SharingPaths.MovedSession s = now.get(i);
            SharingPaths.MovedSession e = earlier.get(s.flow());
            long down = s.bytesDown() - (e == null ? 0 : e.bytesDown());
            long up = s.bytesUp() - (e == null ? 0 : e.bytesUp());
            downKbps[i] = Math.max(0, down) * 8_000_000 / intervalNanos;
            upKbps[i] = Math.max(0, up) * 8_000_000 / intervalNanos;
            totalDown += downKbps[i];
            totalUp += upKbps[i];
        }
        boolean limitDown = limitDownKbps > 0 || limitUpKbps == 0;
        boolean limitUp = limitUpKbps > 0 || limitDownKbps == 0;
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < now.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingLong(i -> age(now.get(i))));
        List<SharingPaths.MovedSession> out = new ArrayList<>();
        for (int i : order) {
            boolean over = limitDown && totalDown > limitDownKbps || limitUp && totalUp > limitUpKbps;
            if (!over) {
                break;
            }
            out.add(now.get(i));
            totalDown -= downKbps[i];
            totalUp -= upKbps[i];
        }
        return out;
    }

    private static long age(SharingPaths.MovedSession s) {
        return s.ageSeconds() < 0 ? Long.MAX_VALUE : s.ageSeconds();
    }
}
