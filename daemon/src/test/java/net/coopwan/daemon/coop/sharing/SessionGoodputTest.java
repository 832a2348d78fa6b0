package net.coopwan.daemon.coop.sharing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

/** What one active session got between two readings of conntrack. */
class SessionGoodputTest {
    static final long SECOND = 1_000_000_000L;

    private static SharingPaths.MovedSession s(String flow, long up, long down) {
        return new SharingPaths.MovedSession(flow, 5, up, down);
    }

    @Test
    void theMeanOfTheActiveSessionsIdleOnesLeftOut() {
        List<SharingPaths.MovedSession> before = List.of(s("a", 1_000, 100_000), s("b", 500, 50_000), s("idle", 100, 900));
        // over 2 s: a got 250 000 B down (1 000 kbit/s), b 125 000 (500 kbit/s), idle 2 000 B (under 3 000 B/s);
        // c started in between: all its 125 000 B count
        List<SharingPaths.MovedSession> now = List.of(s("a", 3_000, 350_000), s("b", 1_500, 175_000),
                s("idle", 200, 2_900), s("c", 1_000, 125_000));
        SessionGoodput.PerSession p = SessionGoodput.between(before, now, 2 * SECOND);
        assertEquals(3, p.active());
        assertEquals((1_000 + 500 + 500) / 3, p.downKbps());
        assertEquals((2_000 + 1_000 + 1_000) * 8 / 2 / 1000 / 3, p.upKbps());
    }

    @Test
    void nothingActiveOrNoReadingIsUnknown() {
        List<SharingPaths.MovedSession> one = List.of(s("idle", 100, 900));
        assertEquals(SessionGoodput.PerSession.UNKNOWN, SessionGoodput.between(one, one, SECOND));
        assertEquals(SessionGoodput.PerSession.UNKNOWN, SessionGoodput.between(null, one, SECOND));
        assertEquals(SessionGoodput.PerSession.UNKNOWN, SessionGoodput.between(one, List.of(), SECOND));
        assertEquals(SessionGoodput.PerSession.UNKNOWN, SessionGoodput.between(one, one, 0));
    }

    @Test
    void aCounterThatWentBackwardsCountsNothingNotANegativeRate() {
        // conntrack reused the tuple for a new connection: its bytes start again
        SessionGoodput.PerSession p = SessionGoodput.between(List.of(s("a", 9_000, 900_000)),
                List.of(s("a", 10, 1_000), s("b", 0, 10_000)), SECOND);
        assertEquals(1, p.active());
        assertEquals(80, p.downKbps());
    }
}
