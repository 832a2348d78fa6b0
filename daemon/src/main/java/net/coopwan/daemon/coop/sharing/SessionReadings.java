package net.coopwan.daemon.coop.sharing;

import java.util.HashMap;
import java.util.Map;

/**
 * The borrower's readings of the sessions on each sharer's path and at home, one per sample, and
 * what one active session got between the last two ({@link SessionGoodput}), with the eligible new
 * sessions the kernel saw in between: {@link NewSessionShare}'s per-session signals. Not
 * thread-safe: the service's lock.
 */
final class SessionReadings {

    /** The last sample and when it was read, and what one session got between the last two. */
    record Reading(SharingPaths.SessionSample sample, long atNanos, SessionGoodput.PerSession moved,
                   SessionGoodput.PerSession home, long newSessions) {
    }

    private final Map<String, Reading> readings = new HashMap<>();

    /**
     * A new sample per sharer (null: unreadable, forgotten); sharers not in {@code samples} are
     * forgotten. Sessions under {@code movedTransferKbps} (per sharer) through the sharer, under
     * {@code homeTransferKbps} at home, are not counted as the paths' sessions
     * ({@link SessionGoodput#between(java.util.List, java.util.List, long, long)}).
     */
    void update(Map<String, SharingPaths.SessionSample> samples, long at, Map<String, Long> movedTransferKbps,
            long homeTransferKbps) {
        readings.keySet().retainAll(samples.keySet());
        samples.forEach((id, now) -> {
            Reading was = readings.get(id);
            if (now == null) {
                readings.remove(id);
                return;
            }
            SessionGoodput.PerSession moved = SessionGoodput.PerSession.UNKNOWN;
            SessionGoodput.PerSession home = SessionGoodput.PerSession.UNKNOWN;
            long fresh = -1;
            if (was != null) {
                long interval = at - was.atNanos();
                moved = SessionGoodput.between(was.sample().moved(), now.moved(), interval,
                        movedTransferKbps.getOrDefault(id, 0L));
                home = SessionGoodput.between(was.sample().home(), now.home(), interval, homeTransferKbps);
                if (was.sample().eligibleNew() >= 0 && now.eligibleNew() >= was.sample().eligibleNew()) {
                    fresh = now.eligibleNew() - was.sample().eligibleNew();
                }
            }
            readings.put(id, new Reading(now, at, moved, home, fresh));
        });
    }

    /** The last reading of {@code sharerId}, null without one. */
    Reading get(String sharerId) {
        return readings.get(sharerId);
    }
}
