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
    void theByteWeightedMeanOfTheActiveSessionsIdleOnesLeftOut() {
        List<SharingPaths.MovedSession> before = List.of(s("a", 1_000, 100_000), s("b", 500, 50_000), s("idle", 100, 900));
        // over 2 s: a got 250 000 B down (1 000 kbit/s), b 125 000 (500 kbit/s), idle 2 000 B (under 3 000 B/s);
        // c started in between: all its 125 000 B count
        List<SharingPaths.MovedSession> now = List.of(s("a", 3_000, 350_000), s("b", 1_500, 175_000),
                s("idle", 200, 2_900), s("c", 1_000, 125_000));
        SessionGoodput.PerSession p = SessionGoodput.between(before, now, 2 * SECOND);
        assertEquals(3, p.active());
        // (1 000^2 + 500^2 + 500^2) / (1 000 + 500 + 500)
        assertEquals(750, p.downKbps());
        // up: 8, 4 and 4 kbit/s: (64 + 16 + 16) / 16
        assertEquals(6, p.upKbps());
    }

    @Test
    void sessionsThatAskForLittleDoNotHideWhatATransferGets() {
        // eight calls at 80 kbit/s beside two transfers at 600: a transfer's rate, about
        List<SharingPaths.MovedSession> before = new java.util.ArrayList<>();
        List<SharingPaths.MovedSession> now = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            before.add(s("call" + i, 0, 0));
            now.add(s("call" + i, 0, 10_000));
        }
        before.add(s("t1", 0, 0));
        before.add(s("t2", 0, 0));
        now.add(s("t1", 0, 75_000));
        now.add(s("t2", 0, 75_000));
        SessionGoodput.PerSession p = SessionGoodput.between(before, now, SECOND);
        assertEquals(10, p.active());
        // (8 x 80^2 + 2 x 600^2) / (8 x 80 + 2 x 600) = 771 200 / 1 840
        assertEquals(419, p.downKbps());
    }

    @Test
    void nothingActiveOrNoReadingIsUnknown() {
        List<SharingPaths.MovedSession> one = List.of(s("idle", 100, 900));
        SessionGoodput.PerSession none = new SessionGoodput.PerSession(0, -1, -1, 0, 0, 0);
        assertEquals(none, SessionGoodput.between(one, one, SECOND), "nothing active: no rate, and no session");
        assertEquals(none, SessionGoodput.between(one, List.of(), SECOND));
        assertEquals(SessionGoodput.PerSession.UNKNOWN, SessionGoodput.between(null, one, SECOND));
        assertEquals(SessionGoodput.PerSession.UNKNOWN, SessionGoodput.between(one, one, 0));
    }

    /**
     * The sessions a path holds: its transfers (here at least 100 kbit/s) and each new one not yet
     * a transfer (it was placed there and will ask for its share); a trickle is neither.
     */
    @Test
    void theSessionsAPathHoldsAreItsTransfersAndItsNewOnes() {
        List<SharingPaths.MovedSession> before = List.of(s("t1", 0, 0), s("t2", 0, 0), s("slow", 0, 0));
        List<SharingPaths.MovedSession> now = List.of(s("t1", 0, 75_000), s("t2", 0, 75_000), s("slow", 0, 4_000),
                s("new", 60, 0));
        SessionGoodput.PerSession p = SessionGoodput.between(before, now, SECOND, 100);
        assertEquals(3, p.active(), "the trickle is active (32 kbit/s)");
        assertEquals(3.0, p.sessions(), "two transfers and the new one");
        assertEquals(1_200, p.downTotalKbps(), "the transfers' bytes");
        assertEquals(4.0, SessionGoodput.between(before, now, SECOND).sessions(), "without a threshold every active one");
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
