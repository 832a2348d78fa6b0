package net.coopwan.daemon.coop.sharing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import net.coopwan.daemon.api.SharingStatus;
import net.coopwan.daemon.coop.agreement.Role;
import net.coopwan.daemon.coop.channel.SealedMessages;
import net.coopwan.daemon.coop.emergency.EmergencyLedger;
import net.coopwan.daemon.coop.emergency.EmergencyPaths.PathCounters;

/**
 * The front-ends' counters and the sharer's owner, on {@link SharingServiceTest}'s two routers:
 * the status shows what the paths' (fake) kernel counters say, per peer and in total, the totals
 * survive a path's close and a restart after a kill -9 (the ledger, the counters the kernel kept),
 * and a stop offers nothing at once, refuses the borrower's USE and is kept until resumed.
 */
class SharingOwnerAndTotalsTest {
    private static final long MS = 1_000_000L;

    /** The fake data plane with kernel counters per open path, kept (like the kernel) until cleared. */
    static final class CountingPaths extends SharingServiceTest.Paths {
        final Map<String, PathCounters> kernel = new HashMap<>();
        final Map<String, String> open = new HashMap<>();
        int lent;

        @Override
        public void openLend(String borrowerId, java.net.InetAddress address,
                net.coopwan.daemon.coop.emergency.EmergencyMessage.Grant grant) {
            super.openLend(borrowerId, address, grant);
            open.put("lend:" + borrowerId, "r4796");
            kernel.put("r4796", PathCounters.ZERO);
        }

        @Override
        public void closeLend(String borrowerId) {
            super.closeLend(borrowerId);
            kernel.remove(open.remove("lend:" + borrowerId));
        }

        @Override
        public void openBorrow(String sharerId, java.net.InetAddress address,
                net.coopwan.daemon.coop.emergency.EmergencyMessage.Grant grant) {
            super.openBorrow(sharerId, address, grant);
            open.put("borrow:" + sharerId, "cwb0");
            kernel.put("cwb0", PathCounters.ZERO);
        }

        @Override
        public void closeBorrow(String sharerId) {
            super.closeBorrow(sharerId);
            kernel.remove(open.remove("borrow:" + sharerId));
        }

        @Override
        public PathCounters carried(String peerId, boolean lending) {
            String name = open.get((lending ? "lend:" : "borrow:") + peerId);
            return name == null ? PathCounters.ZERO : kernel.get(name);
        }

        @Override
        public String pathName(String peerId, boolean lending) {
            return open.get((lending ? "lend:" : "borrow:") + peerId);
        }

        @Override
        public int lentSessions(String borrowerId) {
            return open.containsKey("lend:" + borrowerId) ? lent : 0;
        }

        @Override
        public Map<String, PathCounters> leftovers() {
            return Map.copyOf(kernel);
        }

        @Override
        public void clear() {
            super.clear();
            open.clear();
            kernel.clear();
        }

        /** Traffic through the open path {@code name}: {@code down} and {@code up} bytes, {@code moved} sessions. */
        void carry(String name, long down, long up, long moved) {
            PathCounters c = kernel.get(name);
            kernel.put(name, new PathCounters(c.bytesOut() + up, c.bytesIn() + down, 0, 0, 0, c.sessions() + moved));
        }
    }

    final SharingServiceTest net = new SharingServiceTest();
    final CountingPaths sharerPaths = new CountingPaths();
    final CountingPaths borrowerPaths = new CountingPaths();
    final EmergencyLedger sharerLedger = EmergencyLedger.inMemory();
    final EmergencyLedger borrowerLedger = EmergencyLedger.inMemory();
    final LendingStops sharerStops = LendingStops.inMemory();
    final List<String> log = new ArrayList<>();
    SharingService sharer;
    SharingService borrower;
    long now = 10_000 * MS;
    int runs;

    void start() {
        net.agreements.put("sh:bo:" + Role.HELPER, SharingServiceTest.sharing("bo", Role.HELPER));
        net.agreements.put("bo:sh:" + Role.REQUESTER, SharingServiceTest.sharing("sh", Role.REQUESTER));
        startSharer();
        borrower = new SharingService(SharingServiceTest.settings(false, true, 16_000, 1_000), net.peers("bo"),
                borrowerPaths, new SharingServiceTest.Direct(), l -> log.add("bo " + l), 0xb0, borrowerLedger,
                LendingStops.inMemory());
    }

    /** The sharer (again: a restart finds its ledger, its stops and what the kernel kept). */
    void startSharer() {
        sharer = new SharingService(SharingServiceTest.settings(true, false, 10_000, 1_000), net.peers("sh"), sharerPaths,
                new SharingServiceTest.Direct(), l -> log.add("sh " + l), 0x5eed + runs++, sharerLedger, sharerStops);
    }

    SealedMessages.Sender to(SharingService receiver, String from) {
        return (peerId, plaintext) -> {
            byte[] copy = new byte[plaintext.remaining()];
            plaintext.get(copy);
            receiver.onMessage(from, ByteBuffer.wrap(copy), now, receiver == sharer ? to(borrower, "sh") : to(sharer, "bo"));
            return true;
        };
    }

    /** {@code ticks} of 50 ms; each moves {@code downPerTick} bytes down and a tenth of it up on every open path. */
    void run(int ticks, long downPerTick) {
        for (int i = 0; i < ticks; i++) {
            now += 50 * MS;
            sharerPaths.downBytes += 2_000 * 1000 / 8 / 20;
            borrowerPaths.downBytes += 15_000 * 1000 / 8 / 20;
            if (downPerTick > 0) {
                sharerPaths.kernel.keySet().forEach(n -> sharerPaths.carry(n, downPerTick, downPerTick / 10, 0));
                borrowerPaths.kernel.keySet().forEach(n -> borrowerPaths.carry(n, downPerTick, downPerTick / 10, 0));
            }
            sharer.tick(now, to(borrower, "sh"));
            borrower.tick(now, to(sharer, "bo"));
        }
    }

    @Test
    void theStatusShowsTheKernelsCountersPerPeerAndInTotalAndKeepsThemOverACloseAndAKill() {
        start();
        run(800, 0);
        assertEquals("BORROWING", borrower.borrowingStates().get("sh"), log.toString());
        assertEquals("LENDING", sharer.lendingStates().get("bo"));
        borrowerPaths.carry("cwb0", 0, 0, 4); // four sessions moved ...
        borrowerPaths.sessions = 3; // ... three of them still live
        sharerPaths.lent = 3;
        run(60, 12_500); // 3 s at 2 Mbit/s down, 200 kbit/s up
        run(25, 0); // a sample after it: the status is the kernel's counters at the last sample (each second)

        SharingStatus s = sharer.status();
        SharingStatus.Lending l = s.lending().get(0);
        long down = sharerPaths.kernel.get("r4796").bytesIn();
        assertEquals(60 * 12_500L, down);
        assertEquals(down, l.bytesDown(), l.toString());
        assertEquals(down / 10, l.bytesUp(), l.toString());
        assertEquals(3, l.sessions());
        // 750 kB in the last window of 10 s (to 11 s: a sample a second): 545 to 600 kbit/s
        assertTrue(l.rateDownKbps() >= 545 && l.rateDownKbps() <= 600, "the window's average: " + l);
        assertTrue(l.rateUpKbps() >= 54 && l.rateUpKbps() <= 60, l.toString());
        assertEquals(new SharingStatus.Totals(3, 0, 0, down, down / 10, 0, 0), s.totals());

        SharingStatus.Borrowing b = borrower.status().borrowing().get(0);
        assertEquals(down, b.bytesDown(), b.toString());
        assertEquals(3, b.sessions());
        assertEquals(4, b.sessionsMoved());
        assertEquals(b.sessionsMoved(), borrower.status().totals().sessionsMoved());

        // the sharer is killed (-9) and restarts: the kernel kept the path's counters, the ledger its name
        startSharer();
        assertTrue(sharerPaths.kernel.isEmpty(), "the killed run's path is removed at start");
        SharingStatus after = sharer.status();
        assertEquals(down, after.totals().bytesLentDown(), "the killed run's bytes are kept: " + after);
        assertEquals(down / 10, after.totals().bytesLentUp());
        assertEquals(down, after.lending().get(0).bytesDown());
        assertTrue(log.stream().anyMatch(x -> x.contains("path r4796 left by an earlier run removed; its counters kept")),
                log.toString());

        // the borrower stops: its open path's counters go to the ledger once, not twice
        borrower.close();
        assertEquals(4, borrower.status().totals().sessionsMoved(), borrower.status().toString());
        assertEquals(down, borrower.status().totals().bytesBorrowedDown());
        assertEquals(4, borrowerLedger.totals().get(0).sessions());
    }

    @Test
    void aStopOffersNothingAtOnceRefusesTheUseAndIsKeptUntilResumed() {
        start();
        borrowerPaths.sessions = 2;
        run(800, 0);
        assertEquals("BORROWING", borrower.borrowingStates().get("sh"), log.toString());
        assertFalse(sharer.stopLending("nobody", "web"), "no agreement with it: unknown");

        assertTrue(sharer.stopLending("bo", "web"));
        run(1, 0);
        assertTrue(sharer.offerTo("bo").none(), "an offer of nothing at the next tick");
        assertEquals("DRAINING", borrower.borrowingStates().get("sh"), log.toString());
        assertTrue(sharer.status().lending().get(0).stopped());
        assertTrue(log.stream().anyMatch(x -> x.equals("sh sharing: bo: lending: stopped by the owner (web): offering "
                + "nothing, the path's sessions drain; its USE is refused until resumed")), log.toString());
        borrowerPaths.sessions = 0;
        run(100, 0);
        assertEquals(Map.of(), sharer.lendingStates(), "drained and released");

        List<ByteBuffer> answers = new ArrayList<>();
        sharer.onMessage("bo", SharingCodec.encode(new SharingMessage.Use(0x5eed, 1)), now,
                (p, m) -> answers.add(m));
        SharingMessage.Answer a = (SharingMessage.Answer) SharingServiceTest.parse(answers.get(0));
        assertEquals(SharingMessage.Refusal.NO_OFFER, a.refusal());
        assertEquals(Map.of("SHARING_REFUSED_STOPPED", 1L), sharer.counters());

        // a restart keeps the stop: nothing is offered from the first sample on
        startSharer();
        run(800, 0);
        assertTrue(sharer.status().spareDownKbps() > 0, "spare to lend: " + sharer.status());
        assertTrue(sharer.offerTo("bo").none(), log.toString());
        assertEquals("IDLE", borrower.borrowingStates().get("sh"));

        assertTrue(sharer.resumeLending("bo", "cli"));
        run(1, 0);
        assertFalse(sharer.offerTo("bo").none(), "offered again at once: " + log.subList(log.size() - 5, log.size()));
        assertFalse(sharer.status().lending().get(0).stopped());
        run(40, 0);
        assertEquals("BORROWING", borrower.borrowingStates().get("sh"), log.toString());
        assertEquals(java.util.Set.of(), sharerStops.stopped());
    }
}
