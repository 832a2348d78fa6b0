package net.coopwan.daemon.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

import net.coopwan.daemon.coop.duplication.LcRoute;
import net.coopwan.daemon.coop.duplication.PathCopies;

/** The concentrator's reply routes, learned from LC copies; the tuple parser is fuzzed. */
class ReplyRoutesTest {
    static final int ROUTER = LoopbackBondTest.ROUTER;
    static final int SERVER = LoopbackBondTest.SERVER;
    static final long S = 1_000_000_000L;

    @Test
    void replyGoesBackOnTheLinksTheCopiesCameOnWithinASecond() {
        ReplyRoutes r = new ReplyRoutes();
        byte[] up = MemoryTun.udp(ROUTER, SERVER, 40000, 5000, 100, 1);
        byte[] reply = MemoryTun.udp(SERVER, ROUTER, 5000, 40000, 100, 2);
        assertNull(r.route(ByteBuffer.wrap(reply), 0, reply.length, 0), "nothing learned yet");
        r.heard(7, 0, up, 10 * S);
        r.heard(7, 3, null, 10 * S + 1); // a later copy of the session on link 3
        LcRoute route = r.route(ByteBuffer.wrap(reply), 0, reply.length, 10 * S + 5);
        assertNotNull(route);
        assertEquals(7, route.sessionId());
        assertEquals(List.of(new PathCopies(0, 1), new PathCopies(3, 1)), route.paths());
        assertNull(r.route(ByteBuffer.wrap(up), 0, up.length, 10 * S), "the request direction is not a reply");
        r.heard(7, 0, null, 11 * S);
        assertEquals(List.of(new PathCopies(0, 1)), r.route(ByteBuffer.wrap(reply), 0, reply.length, 11 * S + 2).paths(),
                "link 3 silent for over a second");
        assertNull(r.route(ByteBuffer.wrap(reply), 0, reply.length, 13 * S), "all stale");
        r.clear();
        assertNull(r.route(ByteBuffer.wrap(reply), 0, reply.length, 11 * S));
    }

    @Test
    void sessionsAreBounded() {
        ReplyRoutes r = new ReplyRoutes();
        for (int i = 0; i < ReplyRoutes.MAX_SESSIONS + 10; i++) {
            r.heard(i, 0, MemoryTun.udp(ROUTER, SERVER, 1000 + i, 5000, 40, i), S);
        }
        byte[] first = MemoryTun.udp(SERVER, ROUTER, 5000, 1000, 40, 0);
        byte[] last = MemoryTun.udp(SERVER, ROUTER, 5000, 1000 + ReplyRoutes.MAX_SESSIONS + 9, 40, 0);
        assertNull(r.route(ByteBuffer.wrap(first), 0, first.length, S), "the oldest was forgotten");
        assertNotNull(r.route(ByteBuffer.wrap(last), 0, last.length, S));
    }

    /** Fuzz: random and mutated inner packets parse to a tuple or to null, never throw. */
    @Test
    void tupleParserNeverThrows() {
        Random rnd = new Random(5000);
        int parsed = 0;
        for (int i = 0; i < 100_000; i++) {
            byte[] p;
            if (i % 2 == 0) {
                p = new byte[rnd.nextInt(80)];
                rnd.nextBytes(p);
            } else {
                p = MemoryTun.udp(ROUTER, SERVER, rnd.nextInt(65536), rnd.nextInt(65536), 32 + rnd.nextInt(40), i);
                p[rnd.nextInt(Math.min(p.length, 28))] ^= (byte) (1 << rnd.nextInt(8));
                p = java.util.Arrays.copyOf(p, rnd.nextInt(p.length + 1));
            }
            ReplyRoutes.Tuple t = ReplyRoutes.Tuple.of(ByteBuffer.wrap(p), 0, p.length);
            if (t != null) {
                parsed++;
                assertTrue(t.protocol() == 6 || t.protocol() == 17);
            }
        }
        assertTrue(parsed > 1000, "parsed " + parsed);
    }
}
