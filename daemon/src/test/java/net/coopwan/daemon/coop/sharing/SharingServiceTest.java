package net.coopwan.daemon.coop.sharing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import net.coopwan.config.CooperationType;
import net.coopwan.daemon.coop.agreement.Agreement;
import net.coopwan.daemon.coop.agreement.Approver;
import net.coopwan.daemon.coop.agreement.Role;
import net.coopwan.daemon.coop.channel.SealedMessages;
import net.coopwan.daemon.coop.emergency.EmergencyMessage;

/**
 * A sharer "sh" and a borrower "bo" back to back on an in-memory channel, simulated seconds, paths
 * recorded: FIG. 3C from the offer to the release, the owner's users taking their line back, and
 * refusals. The lines' traffic is counters the test advances.
 */
class SharingServiceTest {
    private static final long MS = 1_000_000L;

    /** Runs work in line. */
    static final class Direct extends AbstractExecutorService {
        @Override
        public void execute(Runnable r) {
            r.run();
        }

        @Override
        public void shutdown() {
        }

        @Override
        public List<Runnable> shutdownNow() {
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return false;
        }

        @Override
        public boolean isTerminated() {
            return false;
        }

        @Override
        public boolean awaitTermination(long t, TimeUnit u) {
            return true;
        }
    }

    /** One router's data plane: its uplink counters and what the protocol asked. */
    static class Paths implements SharingPaths {
        final List<String> calls = new ArrayList<>();
        long downBytes;
        long upBytes;
        long lentDown;
        int sessions;
        long borrowedDown;
        final Map<String, Integer> share = new HashMap<>();
        /** What conntrack lists now. */
        java.util.function.Supplier<List<MovedSession>> moved = List::of;

        @Override
        public EmergencyMessage.Grant grant(String borrowerId, long quotaBytes, long windowMs) {
            return new EmergencyMessage.Grant(quotaBytes, windowMs, 4792, 0x647fff03, 0x647fff01, 24, new byte[32]);
        }

        @Override
        public void openLend(String borrowerId, InetAddress address, EmergencyMessage.Grant grant) {
            calls.add("openLend " + borrowerId + " " + grant.quotaBytes());
        }

        @Override
        public void setLendQuota(String borrowerId, long downQuotaBytes, long upQuotaBytes, long windowMs) {
            calls.add("setLendQuota " + borrowerId + " " + downQuotaBytes + " " + upQuotaBytes);
        }


        @Override
        public void closeLend(String borrowerId) {
            calls.add("closeLend " + borrowerId);
        }

        @Override
        public Bytes lent() {
            return new Bytes(lentDown, 0);
        }

        @Override
        public Bytes uplink() {
            return new Bytes(downBytes, upBytes);
        }

        @Override
        public void openBorrow(String sharerId, InetAddress address, EmergencyMessage.Grant grant) {
            calls.add("openBorrow " + sharerId);
        }

        @Override
        public void setShare(String sharerId, int perMille) {
            calls.add("setShare " + sharerId + " " + perMille);
            share.put(sharerId, perMille);
        }

        @Override
        public void setOffer(String sharerId, long downKbps, long upKbps) {
            calls.add("setOffer " + sharerId + " " + downKbps + "/" + upKbps);
        }

        String lastOffer() {
            for (int i = calls.size() - 1; i >= 0; i--) {
                if (calls.get(i).startsWith("setOffer ")) {
                    return calls.get(i);
                }
            }
            return null;
        }

        @Override
        public void resetSessions(String sharerId) {
            calls.add("resetSessions " + sharerId);
        }

        @Override
        public void resetSessions(String sharerId, List<MovedSession> chosen) {
            calls.add("resetSessions " + sharerId + " " + chosen.stream().map(MovedSession::flow).toList());
        }

        @Override
        public List<MovedSession> movedSessions(String sharerId) {
            calls.add("movedSessions " + sharerId);
            return moved.get();
        }

        @Override
        public int sessions(String sharerId) {
            return sessions;
        }

        @Override
        public Bytes borrowed(String sharerId) {
            return new Bytes(borrowedDown, 0);
        }

        @Override
        public void closeBorrow(String sharerId) {
            calls.add("closeBorrow " + sharerId);
        }

        @Override
        public void clear() {
            calls.add("clear");
        }
    }

    final Map<String, Agreement> agreements = new HashMap<>();
    final Paths sharerPaths = new Paths();
    final Paths borrowerPaths = new Paths();
    final List<String> log = new ArrayList<>();
    SharingService sharer;
    SharingService borrower;
    long now = 10_000 * MS;
    int malformedToSharer;

    static Agreement sharing(String peer, Role role) {
        return new Agreement(peer, role, Map.of(CooperationType.BANDWIDTH_SHARING,
                Map.of("bandwidth_kbps", 5000L, "max_share_percent", 50L)),
                Instant.parse("2026-12-01T00:00:00Z"), Approver.OWNER_CLI);
    }

    SharingService.Peers peers(String self) {
        return new SharingService.Peers() {
            @Override
            public List<Agreement> agreements(Role role) {
                List<Agreement> out = new ArrayList<>();
                agreements.forEach((k, a) -> {
                    if (k.startsWith(self + ":") && a.localRole() == role) {
                        out.add(a);
                    }
                });
                return out;
            }

            @Override
            public Optional<Agreement> agreement(String peerId, Role role) {
                Agreement a = agreements.get(self + ":" + peerId + ":" + role);
                return Optional.ofNullable(a);
            }

            @Override
            public boolean established(String peerId) {
                return true;
            }

            @Override
            public InetAddress address(String peerId) {
                return InetAddress.getLoopbackAddress();
            }
        };
    }

    /** T = 10 s, margin and step 10 %, offers from 100 kbit/s, 1 s quota window, busy from 50 %. */
    static SharingService.Settings settings(boolean lend, boolean borrow, long capDown, long capUp) {
        return settings(lend, borrow, capDown, capUp, false);
    }

    static SharingService.Settings settings(boolean lend, boolean borrow, long capDown, long capUp, boolean force) {
        return new SharingService.Settings(lend, borrow,
                new ShareableBandwidth.Settings(10_000, 0, 3_600_000, 10, 10, 100, SharingCodec.MAX_KBPS, 100),
                capDown, capUp, 1000, force, 50);
    }

    void start() {
        start(false);
    }

    void start(boolean force) {
        agreements.put("sh:bo:" + Role.HELPER, sharing("bo", Role.HELPER));
        agreements.put("bo:sh:" + Role.REQUESTER, sharing("sh", Role.REQUESTER));
        sharer = new SharingService(settings(true, false, 10_000, 1_000), peers("sh"), sharerPaths, new Direct(),
                l -> log.add("sh " + l), 0x5eed);
        borrower = new SharingService(settings(false, true, 16_000, 1_000, force), peers("bo"), borrowerPaths, new Direct(),
                l -> log.add("bo " + l), 0xb0);
    }

    SealedMessages.Sender to(SharingService receiver, String from) {
        return (peerId, plaintext) -> {
            byte[] copy = new byte[plaintext.remaining()];
            plaintext.get(copy);
            receiver.onMessage(from, ByteBuffer.wrap(copy), now, senderFor(receiver));
            return true;
        };
    }

    SealedMessages.Sender senderFor(SharingService s) {
        return s == sharer ? to(borrower, "sh") : to(sharer, "bo");
    }

    /**
     * {@code seconds} of traffic in 50 ms ticks: the sharer's own users at {@code sharerOwnKbps}
     * down, the borrower's at {@code borrowerOwnKbps} down.
     */
    void run(int seconds, long sharerOwnKbps, long borrowerOwnKbps) {
        run(seconds, sharerOwnKbps, 0, borrowerOwnKbps);
    }

    /** As above, with the sharer's own users also sending {@code sharerOwnUpKbps}. */
    void run(int seconds, long sharerOwnKbps, long sharerOwnUpKbps, long borrowerOwnKbps) {
        for (int i = 0; i < seconds * 20; i++) {
            now += 50 * MS;
            sharerPaths.downBytes += sharerOwnKbps * 1000 / 8 / 20;
            sharerPaths.upBytes += sharerOwnUpKbps * 1000 / 8 / 20;
            borrowerPaths.downBytes += borrowerOwnKbps * 1000 / 8 / 20;
            sharer.tick(now, to(borrower, "sh"));
            borrower.tick(now, to(sharer, "bo"));
        }
    }

    @Test
    void fig3cOfferUseGrantNewSessionsThenTheOwnersUsersTakeTheLineBack() {
        start();
        run(40, 2_000, 15_000);
        // the sharer: 10 000 - 2 000 - 1 000 = 7 000, capped at 5 000 (agreement and 50 %)
        assertEquals(5_000, sharer.offerTo("bo").downKbps(), log.toString());
        assertEquals("BORROWING", borrower.borrowingStates().get("sh"), log.toString());
        assertEquals("LENDING", sharer.lendingStates().get("bo"));
        assertTrue(sharerPaths.calls.contains("openLend bo 625000"), sharerPaths.calls.toString());
        assertTrue(borrowerPaths.calls.contains("openBorrow sh"));
        // the borrower is 94 % busy: it starts at 4 500 / (4 500 + 16 000) of its eligible new sessions,
        // 4 500 kbit/s being what the sharer's sliding window for 5 000 per 1 s sustains
        List<String> shares = borrowerPaths.calls.stream().filter(c -> c.startsWith("setShare")).toList();
        assertEquals("setShare sh 219", shares.get(0), borrowerPaths.calls.toString());
        // then it holds: this fake reads no sessions, and the split follows the sessions on each path
        assertEquals(List.of("setShare sh 219"), shares, borrowerPaths.calls.toString());
        assertEquals(Map.of(), borrower.counters(), "the answers to the lease's USEs are not unexpected");

        borrowerPaths.sessions = 3;
        long before = now;
        run(4, 9_500, 950, 15_000);
        assertTrue(sharer.offerTo("bo").none(), "the own users took the line back within one window: " + log);
        assertEquals(0, borrowerPaths.share.get("sh"), "no new session moves");
        assertEquals("DRAINING", borrower.borrowingStates().get("sh"));
        // the sharer's line is 10 000 down, 1 000 up: 5 % of it (500 kbit/s) and the floor (100) stay for what drains
        assertTrue(sharerPaths.calls.contains("setLendQuota bo 62500 12500"), "the quota follows: the drain " + sharerPaths.calls);
        assertTrue(now - before <= 4_000 * MS, "within seconds, far within the 10 s window");

        borrowerPaths.sessions = 0;
        run(3, 9_500, 950, 15_000);
        assertEquals("IDLE", borrower.borrowingStates().get("sh"), log.toString());
        assertTrue(borrowerPaths.calls.contains("closeBorrow sh"));
        assertTrue(sharerPaths.calls.contains("closeLend bo"));
        assertTrue(sharer.lendingStates().isEmpty(), sharer.lendingStates().toString());
        assertTrue(log.stream().anyMatch(l -> l.startsWith("bo sharing: sh: borrowing: borrowing -> draining: no bandwidth available")),
                log.toString());
    }

    /**
     * The per-packet variant's member: the path is given the offer in force once BORROWING, and
     * 0 both ways in the same tick in which the offer of 0 arrives (not at the next sample).
     */
    @Test
    void thePathIsGivenEachOfferWhileBorrowingAndOffer0AtOnce() {
        start();
        run(40, 2_000, 15_000);
        SharingMessage.Offer o = sharer.offerTo("bo");
        assertEquals("setOffer sh " + o.downKbps() + "/" + o.upKbps(), borrowerPaths.lastOffer(), borrowerPaths.calls.toString());
        assertTrue(o.downKbps() > 0);
        borrowerPaths.sessions = 3;
        for (int i = 0; i < 100 && !"DRAINING".equals(borrower.borrowingStates().get("sh")); i++) {
            now += 50 * MS;
            sharerPaths.downBytes += 9_500 * 1000 / 8 / 20;
            sharerPaths.upBytes += 950 * 1000 / 8 / 20;
            sharer.tick(now, to(borrower, "sh"));
            borrower.tick(now, to(sharer, "bo"));
        }
        assertEquals("DRAINING", borrower.borrowingStates().get("sh"), log.toString());
        assertEquals("setOffer sh 0/0", borrowerPaths.lastOffer(), "the member left with the drain: " + borrowerPaths.calls);
    }

    @Test
    void aLowerOfferResetsTheNewestMovedSessionsUntilTheRestFit() {
        start(true);
        run(40, 2_000, 15_000);
        assertEquals(5_000, sharer.offerTo("bo").downKbps(), log.toString());
        assertEquals("BORROWING", borrower.borrowingStates().get("sh"), log.toString());
        borrowerPaths.sessions = 3;
        // three moved sessions at 2000 kbit/s down (100 up) each since they started
        long t0 = now;
        borrowerPaths.moved = () -> {
            long bytes = (now - t0) / MS * 2000 / 8;
            return List.of(new SharingPaths.MovedSession("old", 50, bytes / 20, bytes),
                    new SharingPaths.MovedSession("newer", 2, bytes / 20, bytes),
                    new SharingPaths.MovedSession("newest", 1, bytes / 20, bytes));
        };
        // the sharer's own users take 6000: 10 000 - 6 000 - 1 000 = 3 000 left to lend
        run(4, 6_000, 15_000);
        // the offer falls in steps of a tenth of the capacity as the short average rises (a sample
        // every 0.25 s): within a step of the spare
        long offered = sharer.offerTo("bo").downKbps();
        assertTrue(offered >= 3_000 && offered < 4_000, offered + ": " + log);
        assertEquals("BORROWING", borrower.borrowingStates().get("sh"), "a lower offer is still an offer");
        assertTrue(borrowerPaths.calls.contains("resetSessions sh [newest, newer]"), borrowerPaths.calls.toString());
        assertTrue(borrowerPaths.calls.stream().filter(c -> c.startsWith("resetSessions")).noneMatch(c -> c.contains("old")),
                "the oldest fits: " + borrowerPaths.calls);
        assertTrue(log.stream().anyMatch(l -> l.contains("borrowing: the offer fell from ")
                && l.endsWith("reset the 2 newest of 3 moved sessions")), log.toString());
        assertFalse(borrowerPaths.calls.contains("resetSessions sh"), "not all of them");
    }

    /**
     * The sharer's owner withdraws the agreement (gone on both routers): within one sample (1 s at
     * T = 10 s), not at the offer's expiry 3 s later, the borrower gets "no bandwidth available":
     * the per-packet member leaves (offer 0 to the path), the borrower drains and releases, and the
     * sharer's quota falls to the floor before its path closes.
     */
    @Test
    void aWithdrawnAgreementEndsTheShareWithinOneSample() {
        start();
        run(40, 2_000, 15_000);
        assertEquals("BORROWING", borrower.borrowingStates().get("sh"), log.toString());
        assertTrue(borrowerPaths.lastOffer().matches("setOffer sh [1-9][0-9]*/[1-9][0-9]*"), borrowerPaths.calls.toString());
        agreements.remove("sh:bo:" + Role.HELPER);
        agreements.remove("bo:sh:" + Role.REQUESTER);
        long withdrawn = now;
        while (!"setOffer sh 0/0".equals(borrowerPaths.lastOffer()) && now - withdrawn < 5_000 * MS) {
            now += 50 * MS;
            sharer.tick(now, to(borrower, "sh"));
            borrower.tick(now, to(sharer, "bo"));
        }
        long tookMs = (now - withdrawn) / MS;
        assertEquals("setOffer sh 0/0", borrowerPaths.lastOffer(), borrowerPaths.calls.toString());
        assertTrue(tookMs <= 1000, "the member left " + tookMs + " ms after the withdrawal (offer expiry: 3000)");
        assertTrue(log.stream().anyMatch(l -> l.contains("lending: the agreement was withdrawn")), log.toString());
        assertTrue(sharerPaths.calls.contains("setLendQuota bo 62500 12500"), "both directions at the drain: "
                + sharerPaths.calls);
        run(2, 0, 0);
        assertEquals("IDLE", borrower.borrowingStates().getOrDefault("sh", "IDLE"), log.toString());
        assertTrue(sharerPaths.calls.contains("closeLend bo"), "the path closed at the release: " + sharerPaths.calls);
        assertEquals(null, sharer.offerTo("bo"), "nothing offered any more");
    }

    @Test
    void theChannelsLastTicksAfterCloseAreIgnoredNotRejected() {
        agreements.put("sh:bo:" + Role.HELPER, sharing("bo", Role.HELPER));
        java.util.concurrent.ExecutorService worker = java.util.concurrent.Executors.newSingleThreadExecutor();
        SharingService s = new SharingService(settings(true, false, 10_000, 1_000), peers("sh"), sharerPaths, worker,
                log::add, 0x5eed);
        s.tick(now, (p, b) -> true);
        s.close();
        assertTrue(worker.isShutdown());
        // the channel's timer outlives the service by a tick at stop: no RejectedExecutionException
        for (int i = 0; i < 30; i++) {
            now += 50 * MS;
            s.tick(now, (p, b) -> true);
        }
        s.onMessage("bo", SharingCodec.encode(new SharingMessage.Use(0x5eed, 1)), now, (p, b) -> true);
        s.close();
    }

    @Test
    void withoutAnAgreementNothingIsOfferedOrGrantedAndForgedMessagesAreCounted() {
        start();
        agreements.remove("sh:bo:" + Role.HELPER);
        run(40, 2_000, 15_000);
        assertEquals(null, sharer.offerTo("bo"), "no offer to a peer without an agreement");
        // a USE anyway: refused, nothing opened
        List<ByteBuffer> answers = new ArrayList<>();
        sharer.onMessage("bo", SharingCodec.encode(new SharingMessage.Use(0x5eed, 1)), now,
                (p, b) -> answers.add(b));
        SharingMessage.Answer a = (SharingMessage.Answer) parse(answers.get(0));
        assertEquals(SharingMessage.Refusal.NO_AGREEMENT, a.refusal());
        assertTrue(sharerPaths.calls.stream().noneMatch(c -> c.startsWith("openLend")));
        // an answer nobody asked for, an offer from a non-sharer, a malformed plaintext
        borrower.onMessage("stranger", SharingCodec.encode(new SharingMessage.Offer(1, 1, 9_000, 900, 1000)), now, (p, b) -> true);
        borrower.onMessage("sh", SharingCodec.encode(SharingMessage.Answer.refused(3, SharingMessage.Refusal.BUSY, "")), now,
                (p, b) -> true);
        borrower.onMessage("sh", ByteBuffer.wrap(new byte[] {9, 9}), now, (p, b) -> true);
        assertEquals(Map.of("SHARING_NOT_BORROWER", 1L, "SHARING_UNEXPECTED", 1L, "SHARING_MALFORMED", 1L),
                borrower.counters());
        assertEquals(Map.of("SHARING_REFUSED_NO_AGREEMENT", 1L), sharer.counters());
    }

    @Test
    void aUseForAnOfferOfAnEarlierRunIsRefused() {
        start();
        run(40, 2_000, 15_000);
        List<ByteBuffer> answers = new ArrayList<>();
        sharer.onMessage("bo2", SharingCodec.encode(new SharingMessage.Use(0x0bad, 1)), now, (p, b) -> answers.add(b));
        assertEquals(SharingMessage.Refusal.NO_AGREEMENT, ((SharingMessage.Answer) parse(answers.get(0))).refusal());
        agreements.put("sh:bo2:" + Role.HELPER, sharing("bo2", Role.HELPER));
        answers.clear();
        sharer.onMessage("bo2", SharingCodec.encode(new SharingMessage.Use(0x0bad, 1)), now, (p, b) -> answers.add(b));
        assertEquals(SharingMessage.Refusal.NO_OFFER, ((SharingMessage.Answer) parse(answers.get(0))).refusal());
    }

    static SharingMessage parse(ByteBuffer b) {
        try {
            return SharingCodec.parse(b);
        } catch (SharingFormatException e) {
            throw new AssertionError(e);
        }
    }
}
