package net.coopwan.daemon.coop.sharing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import net.coopwan.daemon.coop.sharing.BorrowingSession.Action;
import net.coopwan.daemon.coop.sharing.BorrowingSession.State;

/** The borrower's state machine on simulated time: FIG. 3C's steps 346-352 and what can go wrong. */
class BorrowingSessionTest {
    private static final long MS = 1_000_000L;

    final BorrowingSession s = new BorrowingSession("coop-sharer", false);
    final List<Action> log = new ArrayList<>();
    long now = 1_000 * MS;

    static SharingMessage.Offer offer(long id, long seq, long down) {
        return new SharingMessage.Offer(id, seq, down, down / 10, 1000);
    }

    List<Action> run(List<Action> actions) {
        log.addAll(actions);
        return actions;
    }

    /** Ticks every 50 ms for {@code ms}, the sharer repeating {@code repeat} every second (null: silent). */
    List<Action> advance(long ms, SharingMessage.Offer repeat) {
        List<Action> out = new ArrayList<>();
        long end = now + ms * MS;
        long nextOffer = now + 1000 * MS;
        while (now < end) {
            now += 50 * MS;
            if (repeat != null && now >= nextOffer) {
                out.addAll(s.onOffer(repeat, now));
                nextOffer += 1000 * MS;
            }
            out.addAll(s.tick(now));
        }
        log.addAll(out);
        return out;
    }

    static long count(List<Action> actions, Class<?> type) {
        return actions.stream().filter(type::isInstance).count();
    }

    static List<SharingMessage> sent(List<Action> actions) {
        return actions.stream().filter(a -> a instanceof BorrowingSession.Send).map(a -> ((BorrowingSession.Send) a).message())
                .toList();
    }

    /** Offer, USE, grant, path open: BORROWING. */
    void borrow(SharingMessage.Offer o) {
        List<Action> a = run(s.onOffer(o, now));
        assertEquals(State.ASKING, s.state());
        a = run(s.tick(now));
        assertEquals(List.of(new SharingMessage.Use(o.offerId(), o.seq())), sent(a), "the first USE leaves at once");
        a = run(s.onAnswer(SharingMessage.Answer.granted(o.offerId(), SharingCodecTest.GRANT), now));
        assertEquals(State.OPENING, s.state());
        assertEquals(1, count(a, BorrowingSession.OpenPath.class));
        run(s.onPathOpened(null, now));
        assertEquals(State.BORROWING, s.state());
    }

    @Test
    void fig3cOfferUseGrantThenTheLeaseEverySecond() {
        SharingMessage.Offer o = offer(9, 1, 5_000);
        run(s.onOffer(o, now));
        run(s.tick(now));
        // no answer: resent after 100, 200 (300 in all), 400 ms ...
        List<Action> a = advance(750, null);
        assertEquals(3, sent(a).size(), "USE resent at 100, 300 and 700 ms: " + a);
        a = run(s.onAnswer(SharingMessage.Answer.granted(9, SharingCodecTest.GRANT), now));
        assertEquals(new BorrowingSession.OpenPath(SharingCodecTest.GRANT), a.get(1));
        run(s.onPathOpened(null, now));
        a = advance(5000, o);
        assertEquals(State.BORROWING, s.state());
        assertEquals(5, sent(a).size(), "one USE per second keeps the sharer's path: " + sent(a));
        assertFalse(s.expects(SharingMessage.Answer.granted(9, SharingCodecTest.GRANT)), "a repeated answer is not acted on");
        assertTrue(s.onAnswer(SharingMessage.Answer.granted(9, SharingCodecTest.GRANT), now).isEmpty());
    }

    @Test
    void noBandwidthStopsNewSessionsAndThePathGoesWhenTheLastSessionEnds() {
        borrow(offer(9, 1, 5_000));
        run(s.onSessions(2, now));
        List<Action> a = run(s.onOffer(offer(9, 2, 0), now));
        assertEquals(State.DRAINING, s.state());
        assertTrue(a.contains(new BorrowingSession.SetShare(0)), a.toString());
        assertEquals(0, count(a, BorrowingSession.ResetSessions.class), "no forced termination unless configured");
        a = advance(3000, offer(9, 2, 0));
        assertEquals(State.DRAINING, s.state(), "sessions still on the path: it stays, with its lease");
        assertEquals(3, sent(a).stream().filter(m -> m instanceof SharingMessage.Use).count());
        a = run(s.onSessions(0, now));
        assertEquals(State.RELEASING, s.state());
        assertEquals(1, count(a, BorrowingSession.ClosePath.class));
        a = run(s.tick(now));
        assertEquals(List.of(new SharingMessage.Release(9)), sent(a));
        run(s.onReleaseAck(new SharingMessage.ReleaseAck(9), now));
        assertEquals(State.IDLE, s.state());
        assertTrue(advance(2000, offer(9, 2, 0)).stream().noneMatch(x -> x instanceof BorrowingSession.Send),
                "nothing asked while nothing is offered");
    }

    @Test
    void forcedTerminationResetsTheMovedSessions() {
        BorrowingSession forced = new BorrowingSession("coop-sharer", true);
        forced.onOffer(offer(9, 1, 5_000), now);
        forced.tick(now);
        forced.onAnswer(SharingMessage.Answer.granted(9, SharingCodecTest.GRANT), now);
        forced.onPathOpened(null, now);
        List<Action> a = forced.onOffer(offer(9, 2, 0), now);
        assertEquals(1, count(a, BorrowingSession.ResetSessions.class), a.toString());
    }

    @Test
    void aLowerOfferTrimsTheMovedSessionsOnlyWithForcedTermination() {
        BorrowingSession forced = new BorrowingSession("coop-sharer", true);
        forced.onOffer(offer(9, 1, 5_000), now);
        forced.tick(now);
        forced.onAnswer(SharingMessage.Answer.granted(9, SharingCodecTest.GRANT), now);
        forced.onPathOpened(null, now);
        assertEquals(List.of(), forced.onOffer(offer(9, 1, 5_000), now), "the same offer again: nothing");
        assertEquals(List.of(), forced.onOffer(offer(9, 2, 6_000), now), "a higher offer: nothing");
        List<Action> a = forced.onOffer(offer(9, 3, 2_000), now);
        assertEquals(List.of(new BorrowingSession.TrimSessions(2_000, 200,
                "the offer fell from 6000/600 to 2000/200 kbit/s down/up")), a);
        assertEquals(State.BORROWING, forced.state(), "a lower offer is still an offer: new sessions may move within it");
        a = forced.onOffer(offer(9, 4, 0), now);
        assertEquals(0, count(a, BorrowingSession.TrimSessions.class), "no offer: all go, not the newest");
        assertEquals(1, count(a, BorrowingSession.ResetSessions.class));

        borrow(offer(9, 1, 5_000));
        assertEquals(0, count(s.onOffer(offer(9, 2, 1_000), now), BorrowingSession.TrimSessions.class),
                "without forced termination the moved sessions drain");
    }

    @Test
    void anOfferNotRepeatedFor3SecondsExpiresAndAnOlderCopyIsIgnored() {
        borrow(offer(9, 5, 5_000));
        run(s.onSessions(1, now));
        assertTrue(s.onOffer(offer(9, 4, 0), now).isEmpty(), "seq 4 after 5: an older copy");
        assertEquals(State.BORROWING, s.state());
        advance(2900, null);
        assertEquals(State.BORROWING, s.state());
        List<Action> a = advance(200, null);
        assertEquals(State.DRAINING, s.state(), a.toString());
        assertTrue(a.stream().anyMatch(x -> x instanceof BorrowingSession.Changed c && c.why().startsWith("the offer expired")));
    }

    @Test
    void aRefusalWaits30SecondsBeforeAskingAgain() {
        run(s.onOffer(offer(9, 1, 5_000), now));
        run(s.tick(now));
        run(s.onAnswer(SharingMessage.Answer.refused(9, SharingMessage.Refusal.NO_AGREEMENT, "type not enabled"), now));
        assertEquals(State.IDLE, s.state());
        List<Action> a = advance(29_000, offer(9, 1, 5_000));
        assertTrue(sent(a).isEmpty(), "no USE for 30 s: " + sent(a));
        a = advance(2_000, offer(9, 1, 5_000));
        assertEquals(State.ASKING, s.state());
        assertFalse(sent(a).isEmpty());
    }

    @Test
    void aRestartedSharerIsDrainedThenAskedAnew() {
        borrow(offer(9, 1, 5_000));
        run(s.onSessions(1, now));
        List<Action> a = run(s.onOffer(offer(77, 1, 4_000), now));
        assertEquals(State.DRAINING, s.state(), a.toString());
        run(s.onSessions(0, now));
        assertEquals(State.RELEASING, s.state());
        run(s.tick(now));
        run(s.onReleaseAck(new SharingMessage.ReleaseAck(9), now));
        assertEquals(State.ASKING, s.state(), "the new offer is asked for at once");
        a = run(s.tick(now));
        assertEquals(List.of(new SharingMessage.Use(77, 1)), sent(a));
    }

    @Test
    void aDeadChannelClosesThePathAndAnUnansweredReleaseIsGivenUp() {
        borrow(offer(9, 1, 5_000));
        run(s.onSessions(1, now));
        run(s.onChannel(false, now));
        advance(4_900, null);
        assertEquals(State.DRAINING, s.state(), "the offer expired first: nothing new moves");
        List<Action> a = advance(200, null);
        assertEquals(State.IDLE, s.state());
        assertEquals(1, count(a, BorrowingSession.ClosePath.class), a.toString());

        BorrowingSession r = new BorrowingSession("coop-other", false);
        r.onOffer(offer(3, 1, 1_000), now);
        r.tick(now);
        r.onAnswer(SharingMessage.Answer.granted(3, SharingCodecTest.GRANT), now);
        List<Action> failed = r.onPathOpened("cannot create TUN", now);
        assertEquals(State.RELEASING, r.state());
        assertEquals(1, count(failed, BorrowingSession.ClosePath.class));
        long t = now;
        for (int i = 0; i < 220 && r.state() == State.RELEASING; i++) {
            t += 50 * MS;
            r.tick(t);
        }
        assertEquals(State.IDLE, r.state(), "RELEASE given up after 10 s");
    }
}
