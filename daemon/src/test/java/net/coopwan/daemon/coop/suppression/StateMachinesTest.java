package net.coopwan.daemon.coop.suppression;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The requester's and the neighbour's state machines on their own. */
class StateMachinesTest {
    static final long MS = 1_000_000L;

    static List<SuppressionMessage> sent(List<?> actions) {
        List<SuppressionMessage> out = new ArrayList<>();
        for (Object a : actions) {
            if (a instanceof SuppressionRequester.Send s) {
                out.add(s.message());
            } else if (a instanceof NeighbourSuppression.Send s) {
                out.add(s.message());
            }
        }
        return out;
    }

    @Test
    void requesterRenewsEveryThirdOfTheLeaseAndGivesUpAfterThreeStops() {
        SuppressionRequester q = new SuppressionRequester("nb", 0xffff_ffffL);
        SuppressionMessage.Request r = new SuppressionMessage.Request(0xffff_ffffL, AppType.GAME, 10, 3000);
        assertEquals(List.of(r), sent(q.start(AppType.GAME, 10, 3000, 0, "rtt")));
        assertEquals(List.of(), sent(q.start(AppType.GAME, 10, 3000, 5 * MS, "rtt")), "same values: nothing new");
        assertEquals(List.of(), sent(q.tick(999 * MS)));
        assertEquals(List.of(r), sent(q.tick(1000 * MS)));
        assertEquals(List.of(new SuppressionMessage.Request(0xffff_ffffL, AppType.GAME, 20, 3000)),
                sent(q.start(AppType.GAME, 20, 3000, 1100 * MS, "rtt")), "a new ceiling goes at once, same id");
        assertEquals(List.of(new SuppressionMessage.Stop(0xffff_ffffL)), sent(q.stop(1200 * MS, "cleared")));
        assertEquals(SuppressionRequester.State.STOPPING, q.state());
        assertEquals(1, sent(q.tick(1700 * MS)).size());
        assertEquals(1, sent(q.tick(2200 * MS)).size());
        List<SuppressionRequester.Action> last = q.tick(2700 * MS);
        assertEquals(List.of(), sent(last));
        assertEquals(SuppressionRequester.State.IDLE, q.state());
        assertEquals(List.of(new SuppressionMessage.Request(0, AppType.GAME, 20, 3000)),
                sent(q.start(AppType.GAME, 20, 3000, 3000 * MS, "again")), "the next request has the next id (wrapped)");
    }

    @Test
    void requesterStopsResendingOnTheAnswerOfItsStopOnly() {
        SuppressionRequester q = new SuppressionRequester("nb", 7);
        q.start(AppType.VOIP, 20, 3000, 0, "loss");
        List<SuppressionRequester.Action> out = new ArrayList<>();
        assertTrue(q.onAnswer(new SuppressionMessage.Answer(7, 10, null), out));
        assertEquals(10, q.applied());
        q.stop(10 * MS, "cleared");
        assertFalse(q.onAnswer(new SuppressionMessage.Answer(6, -1, null), out), "another id");
        assertTrue(q.onAnswer(new SuppressionMessage.Answer(7, 10, null), out), "a late answer of the request");
        assertEquals(SuppressionRequester.State.STOPPING, q.state());
        assertTrue(q.onAnswer(new SuppressionMessage.Answer(7, -1, null), out));
        assertEquals(SuppressionRequester.State.IDLE, q.state());
        assertEquals(List.of(), sent(q.tick(10_000 * MS)));
    }

    @Test
    void neighbourRenewalKeepsTheCeilingAndALateStopOfAnOldIdChangesNothing() {
        NeighbourSuppression n = new NeighbourSuppression("req");
        List<NeighbourSuppression.Action> a = n.onRequest(new SuppressionMessage.Request(1, AppType.VOIP, 5, 1000), 20, 0);
        assertTrue(a.contains(new NeighbourSuppression.Enforce(5)), a.toString());
        a = n.onRequest(new SuppressionMessage.Request(1, AppType.VOIP, 5, 1000), 20, 500 * MS);
        assertFalse(a.stream().anyMatch(x -> x instanceof NeighbourSuppression.Enforce), "a renewal re-applies nothing");
        a = n.onRequest(new SuppressionMessage.Request(2, AppType.VOIP, 30, 1000), 20, 600 * MS);
        assertTrue(a.contains(new NeighbourSuppression.Enforce(20)), "a newer request, capped by the agreement: " + a);
        a = n.onStop(new SuppressionMessage.Stop(1));
        assertEquals(List.of(new NeighbourSuppression.Send(new SuppressionMessage.Answer(1, -1, null))), a);
        assertEquals(NeighbourSuppression.State.ENFORCING, n.state());
        assertEquals(List.of(), n.tick(1599 * MS));
        assertTrue(n.tick(1600 * MS).contains(new NeighbourSuppression.Release()), "the lease of request 2 ended");
        assertEquals(-1, n.applied());
    }

    @Test
    void aWithdrawnAgreementEndsAnEnforcingNeighbour() {
        NeighbourSuppression n = new NeighbourSuppression("req");
        n.onRequest(new SuppressionMessage.Request(1, AppType.VOIP, 5, 1000), 20, 0);
        List<NeighbourSuppression.Action> a = n.onRequest(new SuppressionMessage.Request(1, AppType.VOIP, 5, 1000), -1, 10 * MS);
        assertTrue(a.contains(new NeighbourSuppression.Release()), a.toString());
        assertEquals(NeighbourSuppression.State.IDLE, n.state());
    }
}
