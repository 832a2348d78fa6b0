package net.coopwan.daemon.coop.suppression;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import net.coopwan.daemon.coop.commonisp.IspVerdict;

/**
 * Two services, a requester "req" and a neighbour "nb", joined by a lossless in-memory channel;
 * each with a kernel that records what it was told (the real one is KernelSuppression, tested
 * with real nft in SuppressionNetnsTest).
 */
class SuppressionServiceTest {
    static final long MS = 1_000_000L;

    static final class RecordingKernel implements SuppressionKernel {
        final List<String> calls = new ArrayList<>();

        @Override
        public void enforce(int maxDropPercent) {
            calls.add("enforce " + maxDropPercent);
        }

        @Override
        public void release() {
            calls.add("release");
        }
    }

    static final class Agreed implements SuppressionService.Agreements {
        int granted;
        Set<String> requestable;

        Agreed(int granted, Set<String> requestable) {
            this.granted = granted;
            this.requestable = requestable;
        }

        @Override
        public int grantedTo(String peerId) {
            return granted;
        }

        @Override
        public Set<String> requestable() {
            return requestable;
        }
    }

    final SuppressionPolicyTest.Switch issue = new SuppressionPolicyTest.Switch();
    final RecordingKernel reqKernel = new RecordingKernel();
    final RecordingKernel nbKernel = new RecordingKernel();
    final List<String> log = new ArrayList<>();
    final Agreed reqAgreements = new Agreed(-1, Set.of("nb"));
    final Agreed nbAgreements = new Agreed(10, Set.of());
    final SuppressionService req = new SuppressionService(new SuppressionPolicy(500 * MS, 0, List.of(issue)),
            new SuppressionDemands(reqKernel), reqAgreements, new SuppressionService.Ask(true, true, AppType.VOIP, 20, 3000), 100, log::add);
    final SuppressionService nb = new SuppressionService(new SuppressionPolicy(500 * MS, List.of()),
            new SuppressionDemands(nbKernel), nbAgreements, new SuppressionService.Ask(true, true, AppType.GAME, 20, 3000), 1, log::add);
    final List<SuppressionMessage> wire = new ArrayList<>();
    long now;
    boolean dropToNb;

    /** Delivers to the other service at once, recording each message. */
    void tickBoth() {
        req.tick(now, toNb());
        nb.tick(now, toReq());
    }

    SuppressionService.Sender toNb() {
        return (peer, b) -> {
            record(b);
            if (!dropToNb) {
                nb.onMessage("req", b, now, toReq());
            }
            return true;
        };
    }

    SuppressionService.Sender toReq() {
        return (peer, b) -> {
            record(b);
            req.onMessage("nb", b, now, toNb());
            return true;
        };
    }

    void record(ByteBuffer b) {
        try {
            wire.add(SuppressionCodec.parse(b.duplicate()));
        } catch (SuppressionFormatException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void requestAppliesTheSmallerCeilingAndStopReleases() {
        req.lcPacket(now);
        tickBoth();
        assertTrue(wire.isEmpty(), "LC current but no issue: no request");
        issue.on = true;
        now += 10 * MS;
        req.lcPacket(now);
        tickBoth();
        assertEquals(List.of("enforce 20"), reqKernel.calls, "the requester's own traffic: its config's 20 %");
        assertEquals(List.of("enforce 10"), nbKernel.calls, "the neighbour: min(20 asked, 10 agreed)");
        assertEquals(new SuppressionMessage.Request(100, AppType.VOIP, 20, 3000), wire.get(0));
        assertEquals(new SuppressionMessage.Answer(100, 10, null), wire.get(1));
        issue.on = false;
        now += 10 * MS;
        req.lcPacket(now);
        tickBoth();
        assertEquals(List.of("enforce 20", "release"), reqKernel.calls);
        assertEquals(List.of("enforce 10", "release"), nbKernel.calls);
        assertEquals(new SuppressionMessage.Stop(100), wire.get(2));
        assertEquals(new SuppressionMessage.Answer(100, -1, null), wire.get(3));
        assertEquals(0L, nb.counters().values().stream().mapToLong(Long::longValue).sum());
        assertTrue(log.stream().anyMatch(l -> l.equals("suppression: req: neighbour's request enforcing -> idle: STOP_SUPPRESSION 100 from req")), log.toString());
    }

    @Test
    void leaseEndsTheNeighboursSuppressionWhenRenewalsStop() {
        issue.on = true;
        req.lcPacket(now);
        tickBoth();
        assertEquals(List.of("enforce 10"), nbKernel.calls);
        // renewals every second (a third of 3 s) keep it
        for (int i = 0; i < 40; i++) {
            now += 100 * MS;
            req.lcPacket(now);
            tickBoth();
        }
        assertEquals(List.of("enforce 10"), nbKernel.calls);
        long requests = wire.stream().filter(m -> m instanceof SuppressionMessage.Request).count();
        assertTrue(requests >= 4 && requests <= 6, "renewals in 4 s: " + requests);
        dropToNb = true; // the channel to the neighbour goes silent
        long lastRenewal = now;
        while (nbKernel.calls.size() == 1 && now - lastRenewal < 10_000 * MS) {
            now += 100 * MS;
            req.lcPacket(now);
            tickBoth();
        }
        assertEquals(List.of("enforce 10", "release"), nbKernel.calls);
        assertTrue(now - lastRenewal <= 3100 * MS, "released within the lease: " + (now - lastRenewal) / MS + " ms");
        assertTrue(log.stream().anyMatch(l -> l.contains("lease of request 100 from req ended")), log.toString());
    }

    @Test
    void noRequestToANeighbourOnADifferentIspAndOneOnTheSameIspIsStillAsked() {
        // notes 8: DIFFERENT -> suppression requests are not sent; SAME -> they still go
        Map<String, IspVerdict> verdicts = new java.util.HashMap<>(Map.of("nb", IspVerdict.DIFFERENT));
        req.ispGate(p -> verdicts.getOrDefault(p, IspVerdict.UNKNOWN));
        issue.on = true;
        req.lcPacket(now);
        tickBoth();
        assertEquals(List.of("enforce 20"), reqKernel.calls, "the own traffic is still held back");
        assertTrue(wire.isEmpty(), "no SUPPRESSION_REQUEST to a different ISP: " + wire);
        assertEquals(List.of(), nbKernel.calls);
        verdicts.put("nb", IspVerdict.SAME);
        now += 10 * MS;
        req.lcPacket(now);
        tickBoth();
        assertEquals(new SuppressionMessage.Request(100, AppType.VOIP, 20, 3000), wire.get(0));
        assertEquals(List.of("enforce 10"), nbKernel.calls);
        // the verdict turns while the request is in force: STOP, with the reason logged
        verdicts.put("nb", IspVerdict.DIFFERENT);
        now += 10 * MS;
        req.lcPacket(now);
        tickBoth();
        assertEquals(new SuppressionMessage.Stop(100), wire.get(2));
        assertEquals(List.of("enforce 10", "release"), nbKernel.calls);
        assertTrue(log.stream().anyMatch(l -> l.equals("suppression: nb: request requesting -> stopping: to nb: different ISP (common-ISP gate)")),
                log.toString());
    }

    @Test
    void noAgreementIsRefusedAndNothingIsEnforced() {
        nbAgreements.granted = -1;
        issue.on = true;
        req.lcPacket(now);
        tickBoth();
        assertEquals(List.of(), nbKernel.calls);
        assertEquals(new SuppressionMessage.Answer(100, -1, SuppressionMessage.Refusal.NO_AGREEMENT), wire.get(1));
        assertEquals(1L, nb.counters().get("SUPPRESSION_NO_AGREEMENT"));
    }

    @Test
    void malformedAndUnexpectedAreCountedNeverThrown() {
        nb.onMessage("req", ByteBuffer.wrap(new byte[] {1, 2, 3}), 0, toReq());
        nb.onMessage("req", SuppressionCodec.encode(new SuppressionMessage.Stop(5)), 0, toReq());
        req.onMessage("nb", SuppressionCodec.encode(new SuppressionMessage.Answer(9, 5, null)), 0, toNb());
        assertEquals(Map.of("SUPPRESSION_MALFORMED", 1L, "SUPPRESSION_NO_AGREEMENT", 0L, "SUPPRESSION_UNEXPECTED", 1L), nb.counters());
        // the neighbour answered the unknown STOP 5, which the requester never sent, and the stray ANSWER 9
        assertEquals(2L, req.counters().get("SUPPRESSION_UNEXPECTED"));
        assertEquals(List.of(), nbKernel.calls);
    }

    @Test
    void localAndNeighbourDemandsShareOneTable() {
        RecordingKernel k = new RecordingKernel();
        SuppressionDemands d = new SuppressionDemands(k);
        d.demand("peer", 10);
        d.demand(SuppressionDemands.LOCAL, 20);
        d.demand("peer", 10);
        d.withdraw(SuppressionDemands.LOCAL);
        d.withdraw("peer");
        d.withdraw("peer");
        assertEquals(List.of("enforce 10", "enforce 20", "enforce 10", "release"), k.calls);
    }

    @Test
    void withoutOwnSuppressionOnlyTheNeighbourIsAskedAndCloseReleasesEverything() {
        req.ask(new SuppressionService.Ask(false, true, AppType.VOIP, 20, 3000));
        issue.on = true;
        req.lcPacket(now);
        tickBoth();
        assertEquals(List.of(), reqKernel.calls, "own traffic untouched");
        assertEquals(List.of("enforce 10"), nbKernel.calls);
        nb.close();
        assertEquals(List.of("enforce 10", "release"), nbKernel.calls);
        nb.close();
        assertEquals(2, nbKernel.calls.size(), "close is idempotent");
    }

    @Test
    void askNeighboursOffSendsNothing() {
        req.ask(new SuppressionService.Ask(true, false, AppType.VOIP, 20, 3000));
        issue.on = true;
        req.lcPacket(now);
        tickBoth();
        assertEquals(List.of("enforce 20"), reqKernel.calls);
        assertTrue(wire.isEmpty(), wire.toString());
    }
}
