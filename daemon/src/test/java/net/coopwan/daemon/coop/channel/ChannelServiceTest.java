package net.coopwan.daemon.coop.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.api.Test;

import net.coopwan.daemon.secure.PairingCode;
import net.coopwan.daemon.secure.PairingException;
import net.coopwan.daemon.secure.PairingFailure;
import net.coopwan.daemon.tunnel.TunnelDrop;

class ChannelServiceTest {

    private final Lan lan = new Lan();
    private final Lan.Node a = lan.node("coop-aaaa", "100.64.77.1");
    private final Lan.Node b = lan.node("coop-bbbb", "100.64.77.2");

    private PairingException failure(CompletableFuture<?> f) {
        assertTrue(f.isDone(), "the run finished");
        try {
            f.get();
            throw new AssertionError("expected a failure");
        } catch (ExecutionException e) {
            return (PairingException) e.getCause();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private void pair() throws Exception {
        PairingCode code = a.service.show(b.address.getAddress(), lan.now);
        CompletableFuture<PairingExchange.Paired> f = b.service.enter(a.address, code, lan.now, b.outbox);
        lan.pump();
        assertEquals("coop-aaaa", f.get().peerId());
    }

    @Test
    void pairingByCodeStoresTheSameKeyOnBothSidesAndEstablishesTheChannel() throws Exception {
        pair();
        assertTrue(java.util.Arrays.equals(a.stored.get("coop-bbbb").channelSecret(), b.stored.get("coop-aaaa").channelSecret()));
        assertFalse(a.service.show(b.address.getAddress(), lan.now).equals(null));
        lan.advance(Duration.ofMillis(100));
        PeerChannel ab = a.peer(b);
        PeerChannel ba = b.peer(a);
        assertEquals(ChannelState.ESTABLISHED, ab.state());
        assertEquals(ChannelState.ESTABLISHED, ba.state());
        assertTrue(ab.initiator(), "the lower id initiates");
        assertFalse(ba.initiator());
        assertEquals(ab.sessionId(), ba.sessionId());
        assertTrue(ab.handshakeNanos() >= 0);
        assertEquals(0, a.service.drops().total() + b.service.drops().total());
        assertTrue(a.log.stream().anyMatch(l -> l.contains("ESTABLISHED")), a.log.toString());
    }

    @Test
    void keepAlivesEverySecondKeepTheChannelUpAndCostLittle() throws Exception {
        pair();
        lan.advance(Duration.ofSeconds(1));
        long before = a.peer(b).sentBytes();
        long pkts = a.peer(b).sentPackets();
        lan.advance(Duration.ofSeconds(60));
        assertEquals(ChannelState.ESTABLISHED, a.peer(b).state());
        assertEquals(ChannelState.ESTABLISHED, b.peer(a).state());
        assertEquals(60, a.peer(b).sentPackets() - pkts, "one keep-alive per second");
        assertEquals(60 * 32, a.peer(b).sentBytes() - before, "32 bytes each (16 header + 16 tag)");
        assertEquals(1, a.peer(b).establishments());
    }

    @Test
    void silenceForFiveSecondsIsConnectingAndTheInitiatorBacksOffThenReconnects() throws Exception {
        pair();
        lan.advance(Duration.ofSeconds(2));
        int before = lan.sent.size();
        lan.lose = d -> true; // the cable is cut
        // the last keep-alive was heard up to 1 s before the cut: dead 4-5 s after it
        lan.advance(Duration.ofMillis(3900));
        assertEquals(ChannelState.ESTABLISHED, a.peer(b).state(), "not dead before 5 s of silence");
        lan.advance(Duration.ofMillis(1200));
        assertEquals(ChannelState.CONNECTING, a.peer(b).state());
        assertEquals(ChannelState.CONNECTING, b.peer(a).state());
        assertNull(a.peer(b).sessionId());
        // initiator's inits after the death: 0, 250, 750, 1750, 3750, 7750, 15750, 31750 ms, then
        // every 30 s (each gap + up to 25 % jitter)
        lan.advance(Duration.ofSeconds(56));
        long count = lan.sent.subList(before, lan.sent.size()).stream()
                .filter(d -> d.bytes()[1] == ChannelHeader.Kind.HELLO_INIT.code()).count();
        assertTrue(count >= 7 && count <= 9, "exponential backoff, got " + count + " inits in 60 s");
        assertEquals(0, lan.sent.subList(before, lan.sent.size()).stream()
                .filter(d -> d.from().equals(b.address) && d.bytes()[1] != ChannelHeader.Kind.KEEPALIVE.code()).count(),
                "the responder never initiates");
        lan.lose = d -> false;
        lan.advance(Duration.ofSeconds(31));
        assertEquals(ChannelState.ESTABLISHED, a.peer(b).state());
        assertEquals(ChannelState.ESTABLISHED, b.peer(a).state());
        assertEquals(a.peer(b).sessionId(), b.peer(a).sessionId());
        assertEquals(2, a.peer(b).establishments());
        assertTrue(b.log.stream().anyMatch(l -> l.contains("CONNECTING: nothing authenticated for 5 s")), b.log.toString());
    }

    @Test
    void backoffDoublesFrom250MsTo30s() {
        PeerChannel c = new PeerChannel("coop-a", "coop-b", new byte[32], a.address, new java.util.Random(1),
                new java.security.SecureRandom(), l -> { }, new net.coopwan.daemon.tunnel.DropCounters(), 0);
        List<Long> gaps = new ArrayList<>();
        long last = -1;
        long t = 0;
        for (int i = 0; i < 20_000 && gaps.size() < 12; i++, t += 10_000_000L) {
            long next = c.nextAttemptNanos();
            c.tick(t, (bb, to) -> { });
            if (c.nextAttemptNanos() != next) {
                if (last >= 0) {
                    gaps.add((t - last) / 1_000_000L);
                }
                last = t;
            }
        }
        long[] base = {250, 500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000};
        for (int i = 0; i < base.length; i++) {
            assertTrue(gaps.get(i) >= base[i] && gaps.get(i) <= base[i] * 1.25 + 10, "gap " + i + " = " + gaps.get(i));
        }
    }

    @Test
    void wrongCodeFailsOnBothSidesIsCountedAndTheLimitRefuses() throws Exception {
        PairingCode code = a.service.show(b.address.getAddress(), lan.now);
        PairingCode wrong = PairingCode.parse(code.digits().equals("00000000") ? "00000001" : "00000000");
        for (int i = 1; i <= 5; i++) {
            CompletableFuture<?> f = b.service.enter(a.address, wrong, lan.now, b.outbox);
            lan.pump();
            PairingException e = failure(f);
            assertEquals(PairingFailure.KEY_CONFIRMATION_FAILED, e.failure());
            assertTrue(e.getMessage().startsWith("wrong pairing code"), e.getMessage());
            assertTrue(e.getMessage().contains(i + " of 5"), e.getMessage());
            assertEquals(i, a.attempts.failures("coop-bbbb"));
        }
        CompletableFuture<?> f = b.service.enter(a.address, code, lan.now, b.outbox);
        lan.pump();
        PairingException e = failure(f);
        assertEquals(PairingFailure.LOCKED_OUT, e.failure(), e.getMessage());
        assertTrue(e.getMessage().contains("locked out"), e.getMessage());
        assertTrue(e.getMessage().contains("withdrawn"), e.getMessage());
        assertTrue(a.stored.isEmpty() && b.stored.isEmpty());
        assertNull(a.peer(b));
        assertTrue(a.log.stream().anyMatch(l -> l.contains("wrong code (1 of 5")), a.log.toString());
    }

    @Test
    void aWrongCodeThenTheRightOnePairs() throws Exception {
        PairingCode code = a.service.show(b.address.getAddress(), lan.now);
        PairingCode wrong = PairingCode.parse(code.digits().equals("12345678") ? "12345679" : "12345678");
        CompletableFuture<?> f = b.service.enter(a.address, wrong, lan.now, b.outbox);
        lan.pump();
        failure(f);
        CompletableFuture<PairingExchange.Paired> ok = b.service.enter(a.address, code, lan.now, b.outbox);
        lan.pump();
        assertEquals("coop-aaaa", ok.get().peerId());
        assertEquals(0, a.attempts.failures("coop-bbbb"), "a success forgets the peer's failures");
    }

    @Test
    void enteringWithoutAShownCodeIsRefusedAndAnExpiredCodeToo() throws Exception {
        CompletableFuture<?> f = b.service.enter(a.address, PairingCode.parse("12345678"), lan.now, b.outbox);
        lan.pump();
        assertTrue(failure(f).getMessage().contains("no pairing started"));
        PairingCode code = a.service.show(b.address.getAddress(), lan.now);
        lan.advance(Duration.ofMinutes(5));
        f = b.service.enter(a.address, code, lan.now, b.outbox);
        lan.pump();
        assertTrue(failure(f).getMessage().contains("no pairing started"));
        assertTrue(a.log.stream().anyMatch(l -> l.contains("code expired")));
    }

    @Test
    void noAnswerTimesOutAfterTenSeconds() throws Exception {
        lan.lose = d -> true;
        CompletableFuture<?> f = b.service.enter(a.address, PairingCode.parse("12345678"), lan.now, b.outbox);
        lan.advance(Duration.ofMillis(9900));
        assertFalse(f.isDone());
        lan.advance(Duration.ofMillis(200));
        assertTrue(failure(f).getMessage().startsWith("no answer"));
    }

    @Test
    void replayedTamperedAndForgedChannelPacketsAreCountedDropsAndTheSessionStays() throws Exception {
        pair();
        lan.advance(Duration.ofSeconds(3));
        Lan.Datagram keepalive = null;
        Lan.Datagram init = null;
        for (Lan.Datagram d : lan.sent) {
            if (d.from().equals(a.address) && d.bytes()[1] == ChannelHeader.Kind.KEEPALIVE.code()) {
                keepalive = d;
            }
            if (d.bytes()[1] == ChannelHeader.Kind.HELLO_INIT.code()) {
                init = d;
            }
        }
        assertNotNull(keepalive);
        assertNotNull(init);
        String session = b.peer(a).sessionId();
        lan.deliver(keepalive);
        assertEquals(1, b.service.drops().get(TunnelDrop.REPLAYED));
        byte[] t = keepalive.bytes().clone();
        t[t.length - 1] ^= 1;
        t[15] += 100; // a fresh packet number, so the tag is what fails
        lan.deliver(new Lan.Datagram(keepalive.from(), keepalive.to(), t));
        assertEquals(1, b.service.drops().get(TunnelDrop.TAG_MISMATCH));
        byte[] h = keepalive.bytes().clone();
        h[8] ^= 0x40; // header bit: authenticated as AAD
        lan.deliver(new Lan.Datagram(keepalive.from(), keepalive.to(), h));
        assertEquals(2, b.service.drops().get(TunnelDrop.TAG_MISMATCH));
        byte[] f = init.bytes().clone();
        f[f.length - 20] ^= 1; // the ephemeral key: the MAC fails
        lan.deliver(new Lan.Datagram(init.from(), init.to(), f));
        assertEquals(1, b.service.drops().get(TunnelDrop.HANDSHAKE_BAD_MAC));
        // a replayed init: the responder derives keys nobody has, answers, keeps its session
        lan.advance(Duration.ofMillis(200));
        lan.deliver(init);
        lan.pump();
        lan.advance(Duration.ofSeconds(10));
        assertEquals(ChannelState.ESTABLISHED, b.peer(a).state());
        assertEquals(session, b.peer(a).sessionId());
        assertEquals(ChannelState.ESTABLISHED, a.peer(b).state());
        assertTrue(a.service.drops().get(TunnelDrop.HANDSHAKE_UNEXPECTED) >= 1, "the initiator drops the stray reply");
        // junk of every length never throws
        java.util.Random r = new java.util.Random(5);
        for (int i = 0; i < 2000; i++) {
            byte[] junk = new byte[r.nextInt(80)];
            r.nextBytes(junk);
            if (junk.length > 1 && r.nextBoolean()) {
                junk[0] = 1;
                junk[1] = (byte) (1 + r.nextInt(6));
            }
            lan.deliver(new Lan.Datagram(a.address, b.address, junk));
        }
        assertTrue(b.service.drops().total() > 1000);
        assertEquals(session, b.peer(a).sessionId());
    }

    @Test
    void aRestartedRouterReconnectsWithTheStoredKeyWithoutTheOwner() throws Exception {
        pair();
        lan.advance(Duration.ofSeconds(2));
        // b restarts: a new service loads the stored pairing; its sessions are gone
        b.service = b.newService("coop-bbbb");
        b.service.addPeer("coop-aaaa", a.address, b.stored.get("coop-aaaa"), lan.clock.instant());
        lan.advance(Duration.ofSeconds(12));
        assertEquals(ChannelState.ESTABLISHED, a.peer(b).state());
        assertEquals(ChannelState.ESTABLISHED, b.peer(a).state());
        assertEquals(a.peer(b).sessionId(), b.peer(a).sessionId());
        // and a restarted initiator: its first init replaces the responder's session
        String old = b.peer(a).sessionId();
        a.service = a.newService("coop-aaaa");
        a.service.addPeer("coop-bbbb", b.address, a.stored.get("coop-bbbb"), lan.clock.instant());
        lan.advance(Duration.ofMillis(500));
        assertEquals(ChannelState.ESTABLISHED, b.peer(a).state());
        assertNotEquals(old, b.peer(a).sessionId());
        assertEquals(a.peer(b).sessionId(), b.peer(a).sessionId());
        assertTrue(b.log.stream().anyMatch(l -> l.contains("peer started a new session")), b.log.toString());
    }

    @Test
    void aThirdRouterWithoutThePairingCannotGetASession() throws Exception {
        pair();
        Lan.Node c = lan.node("coop-0000", "100.64.77.3");
        c.service.addPeer("coop-bbbb", b.address, net.coopwan.daemon.secure.PairingKey.of(new byte[32], new byte[32]),
                lan.clock.instant());
        lan.advance(Duration.ofSeconds(3));
        assertEquals(ChannelState.CONNECTING, c.peer(b).state());
        assertTrue(b.service.drops().get(TunnelDrop.HANDSHAKE_UNKNOWN_CLIENT) > 0);
    }

    @Test
    void statusListsPairedPeers() throws Exception {
        pair();
        lan.advance(Duration.ofSeconds(3));
        var s = a.service.status();
        assertEquals("coop-aaaa", s.routerId());
        assertEquals(1, s.peers().size());
        var p = s.peers().get(0);
        assertEquals("coop-bbbb", p.peerId());
        assertEquals("100.64.77.2", p.address());
        assertEquals("ESTABLISHED", p.state());
        assertEquals("initiator", p.role());
        assertEquals(8, p.sessionId().length());
        assertNotNull(p.lastHeard());
        assertNotNull(p.handshakeMs());
        ByteBuffer unused = ByteBuffer.allocate(1);
        assertNotNull(unused);
    }
}
