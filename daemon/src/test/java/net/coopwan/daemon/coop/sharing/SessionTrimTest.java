package net.coopwan.daemon.coop.sharing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import net.coopwan.daemon.coop.sharing.SharingPaths.MovedSession;

class SessionTrimTest {
    private static final long SECOND = 1_000_000_000L;

    /** A session that moved {@code kbps} down (and a twentieth of it up) over one second. */
    private static MovedSession[] grew(String flow, long age, long kbps) {
        return new MovedSession[] {new MovedSession(flow, age - 1, 1000, 5000),
            new MovedSession(flow, age, 1000 + kbps * 1000 / 8 / 20, 5000 + kbps * 1000 / 8)};
    }

    private static List<MovedSession> victims(long limitDown, long limitUp, MovedSession[]... sessions) {
        List<MovedSession> before = new ArrayList<>();
        List<MovedSession> now = new ArrayList<>();
        for (MovedSession[] s : sessions) {
            before.add(s[0]);
            now.add(s[1]);
        }
        return SessionTrim.victims(before, now, SECOND, limitDown, limitUp);
    }

    private static List<String> flows(List<MovedSession> l) {
        return l.stream().map(MovedSession::flow).toList();
    }

    @Test
    void theNewestGoUntilTheRestFit() {
        // 4 x 2000 kbit/s down; the offer falls to 4500: the two newest go, 4000 remain
        assertEquals(List.of("age5", "age10"), flows(victims(4500, 4500,
                grew("age50", 50, 2000), grew("age10", 10, 2000), grew("age5", 5, 2000), grew("age30", 30, 2000))));
    }

    @Test
    void nothingGoesWhenTheRestAlreadyFit() {
        assertEquals(List.of(), victims(9000, 9000, grew("a", 50, 2000), grew("b", 10, 2000)));
        assertEquals(List.of(), SessionTrim.victims(List.of(), List.of(), SECOND, 0, 0));
    }

    @Test
    void aSessionOfUnknownAgeCountsAsTheOldest() {
        MovedSession[] unknown = {new MovedSession("unknown", -1, 0, 0), new MovedSession("unknown", -1, 12_500, 250_000)};
        assertEquals(List.of("young", "old"), flows(victims(2500, 2500, unknown, grew("old", 100, 2000),
                grew("young", 1, 2000))));
    }

    @Test
    void aSessionThatStartedBetweenTheReadingsIsChargedAllItsBytes() {
        MovedSession fresh = new MovedSession("fresh", 0, 0, 500_000); // 4000 kbit/s over the second
        List<MovedSession> v = SessionTrim.victims(List.of(), List.of(fresh), SECOND, 3000, 3000);
        assertEquals(List.of(fresh), v);
    }

    @Test
    void anUnofferedDirectionIsNoLimitWhileTheOtherIsOffered() {
        // an offer down only still carries the downloads' acknowledgements up
        assertEquals(List.of(), victims(9000, 0, grew("a", 5, 2000), grew("b", 6, 2000)));
        assertEquals(List.of("a"), flows(victims(3000, 0, grew("a", 5, 2000), grew("b", 6, 2000))));
    }

    @Test
    void whatRemainsAlwaysFitsAndOnlyTheNewestGo() {
        Random r = new Random(16);
        for (int round = 0; round < 500; round++) {
            int n = 1 + r.nextInt(12);
            List<MovedSession> before = new ArrayList<>();
            List<MovedSession> now = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                long down = r.nextInt(2_000_000);
                long up = r.nextInt(100_000);
                before.add(new MovedSession("s" + i, i, 0, 0));
                now.add(new MovedSession("s" + i, r.nextInt(100), up, down));
            }
            long limitDown = r.nextInt(20_000) + 1;
            long limitUp = r.nextInt(1_000) + 1;
            List<MovedSession> v = SessionTrim.victims(before, now, SECOND, limitDown, limitUp);
            long restDown = 0;
            long restUp = 0;
            long youngestKept = Long.MAX_VALUE;
            for (MovedSession s : now) {
                if (!v.contains(s)) {
                    restDown += s.bytesDown() * 8 / 1000;
                    restUp += s.bytesUp() * 8 / 1000;
                    youngestKept = Math.min(youngestKept, s.ageSeconds());
                }
            }
            assertTrue(restDown <= limitDown && restUp <= limitUp, "the rest fit");
            for (MovedSession s : v) {
                assertTrue(s.ageSeconds() <= youngestKept, "no kept session is newer than a reset one");
            }
            if (!v.isEmpty()) {
                // the last one reset was needed: without it the rest would not have fit
                MovedSession last = v.get(v.size() - 1);
                assertTrue(restDown + last.bytesDown() * 8 / 1000 > limitDown || restUp + last.bytesUp() * 8 / 1000 > limitUp);
            }
        }
    }
}
