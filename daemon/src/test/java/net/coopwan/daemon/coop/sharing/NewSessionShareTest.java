package net.coopwan.daemon.coop.sharing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The borrower's share of new sessions ([0145], [0094]). */
class NewSessionShareTest {
    final NewSessionShare share = new NewSessionShare(50);

    private NewSessionShare.Decision decide(long offerDown, long offerUp, long ownDown, long ownUp, long viaDown,
            long viaUp) {
        // the borrower's own line: 16 Mbit/s down, 1 Mbit/s up; the sharer's quota window 1 s (it sustains 0.495 of the offer)
        return share.decide(new NewSessionShare.Inputs(offerDown, offerUp, 16_000, 1_000, ownDown, ownUp, viaDown, viaUp,
                1000));
    }

    @Test
    void aBusyLineSplitsNewSessionsInProportionToTheCapacities() {
        NewSessionShare.Decision d = decide(8_000, 500, 15_000, 200, 0, 0);
        // the path sustains 3 960 of the 8 000 offered: 3 960 / (3 960 + 16 000)
        assertEquals(198, d.perMille(), d.why());
        assertTrue(d.why().contains("busy (94 % down)"), d.why());
    }

    @Test
    void theBusierDirectionDecides() {
        NewSessionShare.Decision d = decide(8_000, 500, 2_000, 900, 0, 0);
        // up is 90 % busy: 247 / (247 + 1 000)
        assertEquals(198, d.perMille(), d.why());
        assertTrue(d.why().contains("% up"), d.why());
    }

    @Test
    void nothingMovesWithoutAnOfferWithRoomAtHomeOrAtTheLimit() {
        assertEquals(0, decide(0, 0, 15_000, 900, 0, 0).perMille(), "no offer (the seed's no bandwidth)");
        assertEquals(0, decide(8_000, 500, 4_000, 100, 0, 0).perMille(), "25 % and 10 % busy: room at home");
        NewSessionShare.Decision limit = decide(8_000, 500, 15_000, 200, 8_000, 100);
        assertEquals(0, limit.perMille());
        assertTrue(limit.why().startsWith("at the offer's limit"), limit.why());
        assertEquals(0, decide(8_000, 0, 15_000, 200, 1_000, 10).perMille(), "nothing offered up, something sent up");
    }

    @Test
    void nothingMovesWhileEitherDirectionIsOfferedNothing() {
        // the sharer's users took its download line; its upload is idle: the borrower's busy upload
        // must not send new sessions there (their replies would come down the sharer's line)
        NewSessionShare.Decision d = decide(0, 5_000, 0, 950, 0, 0);
        assertEquals(0, d.perMille(), d.why());
        assertEquals("nothing offered down: a session needs both directions", d.why());
        assertEquals(0, decide(8_000, 0, 15_000, 200, 0, 0).perMille(), "nothing offered up");
    }

    @Test
    void anUnknownOwnCapacityCountsAsBusyWhenAnythingFlowsAndSplitsHalf() {
        NewSessionShare.Decision d = share.decide(new NewSessionShare.Inputs(4_000, 500, 0, 0, 100, 10, 0, 0, 1000));
        assertEquals(500, d.perMille(), d.why());
        assertEquals(0, share.decide(new NewSessionShare.Inputs(4_000, 500, 0, 0, 0, 0, 0, 0, 1000)).perMille());
    }

    /**
     * What the sharing benchmark found: split by the offer (333 of 1000 for 5 of 10 Mbit/s), a third
     * of the new sessions went to a path that sustains half the offer, and a LAN with a fixed number
     * of connections got less with sharing on than off. The split is by what the path sustains.
     */
    @Test
    void theSplitIsByWhatTheSharersQuotaSustainsNotByTheOffer() {
        NewSessionShare busy = new NewSessionShare(0);
        // the benchmark's: 5 Mbit/s offered, a's own 10 Mbit/s line full
        assertEquals(198, busy.decide(new NewSessionShare.Inputs(5_000, 5_000, 10_000, 10_000, 9_500, 300, 0, 0, 1000))
                .perMille(), "2 475 / (2 475 + 10 000): a quota per 1 s sustains 0.495 of its rate");
        assertEquals(310, busy.decide(new NewSessionShare.Inputs(5_000, 5_000, 10_000, 10_000, 9_500, 300, 0, 0, 10_000))
                .perMille(), "4 500 / (4 500 + 10 000) for a quota per 10 s");
        assertEquals(0, busy.decide(new NewSessionShare.Inputs(5_000, 5_000, 10_000, 10_000, 9_500, 300, 2_500, 60, 1000))
                .perMille(), "the path full at what it sustains: no new session");
    }
}
