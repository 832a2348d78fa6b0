package net.coopwan.daemon.coop.latency;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The LC sessions and whether LC traffic is current ([0243]-[0249]). A session is created by its
 * first LC packet, keyed by its 5-tuple, and ends after its application type's idle timeout
 * without a packet. "Current LC traffic" is [0248]'s: the last LC packet at most D ago. [0249]'s
 * alternative ("at least one LC session exists") is not used: a session lives up to 60 s after
 * its last packet, and suppression must stop within D of the game's end (docs/latency.md).
 *
 * <p>Each session is in one of two states, ACTIVE and ENDED; each change is one log line with the
 * flow (the remote end is the "peer" of a session) and the reason. Not thread-safe: one owner.
 */
public final class LcSessions {

    /** One LC session; {@code lastPacket} moves, the rest is fixed at its start. */
    public record Session(Flow flow, Classification classification, Instant started, Instant lastPacket) {
        /** Never duplicated via the neighbour (see {@link Classification#upgradedAdHoc()}). */
        public boolean upgradedAdHoc() {
            return classification.upgradedAdHoc();
        }
    }

    private final Duration current;
    private final Clock clock;
    private final Consumer<String> log;
    private final Map<Flow, Session> sessions = new HashMap<>();
    private Instant lastLcPacket;

    /**
     * @param current D, 0.1-60 s
     */
    public LcSessions(Duration current, Clock clock, Consumer<String> log) {
        if (current.toMillis() < 100 || current.toMillis() > 60_000) {
            throw new IllegalArgumentException("D is 0.1-60 s, got " + current);
        }
        this.current = current;
        this.clock = clock;
        this.log = log;
    }

    /**
     * An LC packet of {@code flow}; the classification counts for a new session only (a session
     * keeps the reason it started with). Returns the session.
     */
    public Session packet(Flow flow, Classification c) {
        Instant now = clock.instant();
        lastLcPacket = now;
        Session s = sessions.get(flow);
        if (s != null && !expired(s, now)) {
            s = new Session(flow, s.classification(), s.started(), now);
            sessions.put(flow, s);
            return s;
        }
        if (s != null) {
            end(s, "idle " + s.classification().idleTimeout().toMillis() + " ms");
        }
        s = new Session(flow, c, now, now);
        sessions.put(flow, s);
        log.accept("lc session " + flow + " ACTIVE: " + reason(c));
        return s;
    }

    /**
     * An LC packet was seen without its flow (the kernel's counter of LC packets grew since the
     * last reading): LC traffic is current from now, no session is made.
     */
    public void trafficSeen() {
        lastLcPacket = clock.instant();
    }

    /** Ends the sessions idle for longer than their timeout; returns them. */
    public List<Session> expire() {
        Instant now = clock.instant();
        List<Session> gone = new ArrayList<>();
        for (Session s : List.copyOf(sessions.values())) {
            if (expired(s, now)) {
                end(s, "idle " + s.classification().idleTimeout().toMillis() + " ms");
                gone.add(s);
            }
        }
        return gone;
    }

    /** Ends every session (classification turned off, daemon stopping). */
    public void clear(String reason) {
        for (Session s : List.copyOf(sessions.values())) {
            end(s, reason);
        }
        lastLcPacket = null;
    }

    /** [0248]: true while the last LC packet is at most D old. */
    public boolean currentTraffic() {
        return lastLcPacket != null && Duration.between(lastLcPacket, clock.instant()).compareTo(current) <= 0;
    }

    /** The live sessions (expired ones excluded even before {@link #expire}). */
    public List<Session> sessions() {
        Instant now = clock.instant();
        return sessions.values().stream().filter(s -> !expired(s, now)).toList();
    }

    public Session session(Flow flow) {
        Session s = sessions.get(flow);
        return s == null || expired(s, clock.instant()) ? null : s;
    }

    private static boolean expired(Session s, Instant now) {
        return Duration.between(s.lastPacket(), now).compareTo(s.classification().idleTimeout()) > 0;
    }

    private void end(Session s, String reason) {
        sessions.remove(s.flow());
        log.accept("lc session " + s.flow() + " ENDED: " + reason);
    }

    private static String reason(Classification c) {
        return switch (c.origin()) {
            case APP -> "application type " + c.app();
            case DSCP -> "DSCP rule " + c.app();
            case LEARNED -> "learned destination";
            case AD_HOC -> "ad hoc rule (upgraded mid-session)";
        };
    }
}
