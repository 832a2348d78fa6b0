package net.coopwan.daemon.coop.sharing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import net.coopwan.config.CooperationType;
import net.coopwan.daemon.coop.agreement.Agreement;
import net.coopwan.daemon.coop.agreement.Approver;
import net.coopwan.daemon.coop.agreement.Role;

/**
 * The path through the neighbour for duplication alone (docs/latency.md section 8): an agreement
 * enabling {@code duplication} and not {@code bandwidth_sharing}. The sharer offers the approved
 * rate whatever its own users do, its quota follows that rate; the borrower moves no session, its
 * member carries LC copies only, and it keeps the path only while its duplication wants it.
 */
class DuplicationPathTest {
    private static final long MS = 1_000_000L;
    private static final long DUP_KBPS = 512;

    /** The recording fake, also recording whether the member is for LC copies only. */
    static final class LcPaths extends SharingServiceTest.Paths {
        final List<Boolean> lcOnly = new ArrayList<>();

        @Override
        public void setOffer(String sharerId, long downKbps, long upKbps, boolean lc) {
            lcOnly.add(lc);
            setOffer(sharerId, downKbps, upKbps);
        }
    }

    final SharingServiceTest t = new SharingServiceTest();
    final LcPaths sharerPaths = new LcPaths();
    final LcPaths borrowerPaths = new LcPaths();
    boolean wants = true;

    static Agreement duplication(String peer, Role role) {
        return new Agreement(peer, role, Map.of(CooperationType.DUPLICATION, Map.of("bandwidth_kbps", DUP_KBPS)),
                Instant.parse("2026-12-01T00:00:00Z"), Approver.OWNER_CLI);
    }

    void start() {
        t.agreements.put("sh:bo:" + Role.HELPER, duplication("bo", Role.HELPER));
        t.agreements.put("bo:sh:" + Role.REQUESTER, duplication("sh", Role.REQUESTER));
        t.sharer = new SharingService(SharingServiceTest.settings(true, false, 10_000, 1_000), t.peers("sh"), sharerPaths,
                new SharingServiceTest.Direct(), l -> t.log.add("sh " + l), 0x5eed);
        t.borrower = new SharingService(SharingServiceTest.settings(false, true, 16_000, 1_000), t.peers("bo"),
                borrowerPaths, new SharingServiceTest.Direct(), l -> t.log.add("bo " + l), 0xb0);
        t.borrower.duplicationWants(id -> wants && id.equals("sh"));
    }

    /** {@code seconds} in 50 ms ticks, the sharer's own users at {@code sharerOwnKbps} down. */
    void run(int seconds, long sharerOwnKbps) {
        for (int i = 0; i < seconds * 20; i++) {
            t.now += 50 * MS;
            sharerPaths.downBytes += sharerOwnKbps * 1000 / 8 / 20;
            sharerPaths.upBytes += sharerOwnKbps * 100 / 8 / 20;
            borrowerPaths.downBytes += 15_000 * 1000 / 8 / 20;
            t.sharer.tick(t.now, t.to(t.borrower, "sh"));
            t.borrower.tick(t.now, t.to(t.sharer, "bo"));
        }
    }

    @Test
    void aDuplicationOnlyAgreementBringsThePathUpAtTheApprovedRateForLcCopiesOnly() {
        start();
        // the sharer's own users take its whole line: sharing would offer nothing, duplication its rate
        run(10, 9_900);
        SharingMessage.Offer o = t.sharer.offerTo("bo");
        assertEquals(DUP_KBPS, o.downKbps(), t.log.toString());
        assertEquals(DUP_KBPS, o.upKbps(), t.log.toString());
        assertEquals("BORROWING", t.borrower.borrowingStates().get("sh"), t.log.toString());
        assertEquals("LENDING", t.sharer.lendingStates().get("bo"), t.log.toString());
        long quota = LendingSession.quotaBytes(DUP_KBPS, 1000);
        assertTrue(sharerPaths.calls.contains("openLend bo " + quota), "the sharer's kernel quota is the approved rate's: "
                + sharerPaths.calls);
        assertEquals("setOffer sh " + DUP_KBPS + "/" + DUP_KBPS, borrowerPaths.lastOffer(), borrowerPaths.calls.toString());
        assertEquals(Boolean.TRUE, borrowerPaths.lcOnly.get(borrowerPaths.lcOnly.size() - 1), "LC copies only");
        assertTrue(borrowerPaths.share.values().stream().allMatch(v -> v == 0), "no session moves: " + borrowerPaths.calls);
        assertEquals(Map.of(), t.borrower.counters(), "nothing unexpected on the borrower");
    }

    @Test
    void thePathLeavesWhenDuplicationNoLongerWantsItAndComesBackWhenItDoes() {
        start();
        run(5, 2_000);
        assertEquals("BORROWING", t.borrower.borrowingStates().get("sh"), t.log.toString());
        wants = false; // latency disabled, common ISP SAME, the bond stopped: DuplicationSwitch OFF
        long off = t.now;
        run(3, 2_000);
        assertEquals("setOffer sh 0/0", borrowerPaths.lastOffer(), borrowerPaths.calls.toString());
        assertEquals("IDLE", t.borrower.borrowingStates().getOrDefault("sh", "IDLE"), t.log.toString());
        assertTrue(sharerPaths.calls.contains("closeLend bo"), "released: " + sharerPaths.calls);
        assertTrue(t.log.stream().anyMatch(l -> l.startsWith("bo ") && l.contains("borrowing -> draining")), t.log.toString());
        int opens = (int) borrowerPaths.calls.stream().filter(c -> c.equals("openBorrow sh")).count();
        run(3, 2_000);
        assertEquals(opens, borrowerPaths.calls.stream().filter(c -> c.equals("openBorrow sh")).count(),
                "not asked again while unwanted");
        wants = true;
        run(3, 2_000);
        assertEquals("BORROWING", t.borrower.borrowingStates().get("sh"), t.log.toString());
        assertEquals(opens + 1, borrowerPaths.calls.stream().filter(c -> c.equals("openBorrow sh")).count());
        assertTrue(t.now - off > 0);
    }

    @Test
    void withoutDuplicationWantingItNoPathIsAskedFor() {
        wants = false;
        start();
        run(5, 2_000);
        assertFalse(borrowerPaths.calls.contains("openBorrow sh"), borrowerPaths.calls.toString());
        assertTrue(t.sharer.lendingStates().isEmpty(), t.sharer.lendingStates().toString());
    }

    @Test
    void theAgreementsWithdrawalEndsThePath() {
        start();
        run(5, 2_000);
        t.agreements.remove("sh:bo:" + Role.HELPER);
        t.agreements.remove("bo:sh:" + Role.REQUESTER);
        run(3, 2_000);
        assertEquals("setOffer sh 0/0", borrowerPaths.lastOffer(), borrowerPaths.calls.toString());
        assertTrue(sharerPaths.calls.contains("closeLend bo"), sharerPaths.calls.toString());
        assertTrue(t.log.stream().anyMatch(l -> l.contains("lending: the agreement was withdrawn")), t.log.toString());
    }

    @Test
    void aFixedOfferKeepsItsSeqUntilTheRateChanges() {
        SharerOffers offers = new SharerOffers(7, 1000);
        SharingMessage.Offer a = offers.fixed("bo", 512);
        assertEquals(a.seq(), offers.fixed("bo", 512).seq());
        SharingMessage.Offer b = offers.fixed("bo", 256);
        assertEquals(a.seq() + 1, b.seq());
        assertEquals(256, b.downKbps());
        assertTrue(offers.fixed("bo", 0).none());
    }
}
