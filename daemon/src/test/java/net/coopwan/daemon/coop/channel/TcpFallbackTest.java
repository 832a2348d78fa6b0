package net.coopwan.daemon.coop.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The fallback's decisions with injected time: no sockets, no sleeping. */
class TcpFallbackTest {
    static final long S = 1_000_000_000L;
    static final long T0 = 1_000 * S;

    @Test
    void theInitiatorSwitchesAfterTheConfiguredSilenceAndNotBefore() {
        TcpFallback f = new TcpFallback(true, 3 * S, T0);
        assertFalse(f.tick(T0 + 3 * S - 1));
        assertEquals(TcpFallback.Mode.UDP, f.mode());
        assertFalse(f.wantsConnection());
        assertTrue(f.tick(T0 + 3 * S));
        assertEquals(TcpFallback.Mode.TCP, f.mode());
        assertEquals("no authenticated reply over UDP for 3 s", f.reason());
        assertTrue(f.wantsConnection());
        assertFalse(f.tick(T0 + 4 * S), "one change");
    }

    /** One second is every gap between two keep-alives: the shortest silence that switches is 1.5 s. */
    @Test
    void oneSecondActsAsOneAndAHalf() {
        TcpFallback f = new TcpFallback(true, 1 * S, T0);
        assertEquals(TcpFallback.MIN_SILENCE_NANOS, f.fallbackNanos());
        assertEquals(3 * S / 2, f.fallbackNanos());
        for (int i = 1; i <= 20; i++) {
            // keep-alives 1.05 s apart (a 50 ms tick late) and a little more: never a switch
            long at = T0 + i * (S + S / 5);
            assertFalse(f.tick(at - 1), "gap " + i);
            f.heard(ChannelTransport.UDP, at);
        }
        long last = T0 + 20 * (S + S / 5);
        assertFalse(f.tick(last + 3 * S / 2 - 1));
        assertTrue(f.tick(last + 3 * S / 2));
        assertEquals("no authenticated reply over UDP for 1500 ms", f.reason());
        assertEquals(2 * S, new TcpFallback(true, 2 * S, T0).fallbackNanos(), "from 2 s on as configured");
    }

    @Test
    void everyAuthenticatedPacketRestartsTheSilence() {
        TcpFallback f = new TcpFallback(true, 2 * S, T0);
        for (int i = 1; i <= 10; i++) {
            f.heard(ChannelTransport.UDP, T0 + i * S);
            assertFalse(f.tick(T0 + i * S + 2 * S - 1), "heard " + i);
        }
        assertTrue(f.tick(T0 + 12 * S));
    }

    @Test
    void untilConnectedEverythingStillGoesOverUdp() {
        TcpFallback f = new TcpFallback(true, 2 * S, T0);
        assertTrue(f.tick(T0 + 2 * S));
        assertEquals(ChannelTransport.UDP, f.sendOver(false), "no connection: an outage that blocks TCP too behaves as before");
        assertEquals(ChannelTransport.TCP, f.sendOver(true));
    }

    @Test
    void aPacketOverUdpBringsTheInitiatorBackAndOverTcpDoesNot() {
        TcpFallback f = new TcpFallback(true, 2 * S, T0);
        assertTrue(f.tick(T0 + 2 * S));
        assertFalse(f.heard(ChannelTransport.TCP, T0 + 2 * S));
        assertEquals(TcpFallback.Mode.TCP, f.mode());
        assertTrue(f.heard(ChannelTransport.UDP, T0 + 3 * S));
        assertEquals(TcpFallback.Mode.UDP, f.mode());
        assertEquals("UDP answers again", f.reason());
        assertEquals(ChannelTransport.UDP, f.sendOver(true));
        // and the silence counts afresh from there
        assertFalse(f.tick(T0 + 5 * S - 1));
        assertTrue(f.tick(T0 + 5 * S));
    }

    @Test
    void probesOfUdpBackOffFromFourToThirtySeconds() {
        TcpFallback f = new TcpFallback(true, 2 * S, T0);
        long switched = T0 + 2 * S;
        assertTrue(f.tick(switched));
        List<Long> probes = new ArrayList<>();
        for (long t = switched; t <= switched + 200 * S; t += S / 20) {
            if (f.probeDue(t)) {
                probes.add((t - switched) / (S / 20));
            }
        }
        // in 50 ms steps: 4, 12, 28, 58, 88, 118, 148, 178 s after the switch
        List<Long> want = new ArrayList<>();
        long at = 0;
        long gap = TcpFallback.PROBE_FIRST_NANOS;
        while (at + gap <= 200 * S) {
            at += gap;
            want.add(at / (S / 20));
            gap = Math.min(gap * 2, TcpFallback.PROBE_MAX_NANOS);
        }
        assertEquals(want, probes);
        assertEquals(List.of(80L, 240L, 560L, 1160L, 1760L, 2360L, 2960L, 3560L), probes);
    }

    @Test
    void noProbesOnUdp() {
        TcpFallback f = new TcpFallback(true, 1 * S, T0);
        for (long t = T0; t < T0 + 60 * S; t += S) {
            f.heard(ChannelTransport.UDP, t);
            assertFalse(f.probeDue(t));
        }
    }

    @Test
    void theResponderNeverDecidesItFollowsTheConnection() {
        TcpFallback r = new TcpFallback(false, 1 * S, T0);
        assertFalse(r.tick(T0 + 100 * S));
        assertFalse(r.wantsConnection());
        assertFalse(r.probeDue(T0 + 100 * S));
        assertEquals(ChannelTransport.TCP, r.sendOver(true), "while it holds the connection the peer proved itself on");
        assertEquals(ChannelTransport.UDP, r.sendOver(false));
        assertFalse(r.heard(ChannelTransport.UDP, T0 + 101 * S));
    }

    @Test
    void theResponderAnswersAtMostOneProbeASecond() {
        TcpFallback r = new TcpFallback(false, 1 * S, T0);
        assertTrue(r.answerProbe(true, T0));
        assertFalse(r.answerProbe(true, T0 + S - 1));
        assertTrue(r.answerProbe(true, T0 + S));
        assertFalse(r.answerProbe(false, T0 + 10 * S), "not on UDP: nothing to answer");
        assertFalse(new TcpFallback(true, S, T0).answerProbe(true, T0), "the initiator does not answer");
    }

    /** System.nanoTime() has an arbitrary origin: negative times work as any other. */
    @Test
    void negativeMonotonicTimesWork() {
        TcpFallback f = new TcpFallback(true, 2 * S, -5 * S);
        assertFalse(f.tick(-3 * S - 1));
        assertTrue(f.tick(-3 * S));
        assertFalse(f.probeDue(-3 * S + TcpFallback.PROBE_FIRST_NANOS - 1));
        assertTrue(f.probeDue(-3 * S + TcpFallback.PROBE_FIRST_NANOS));
    }

    @Test
    void aZeroFallbackIsABug() {
        assertThrows(IllegalArgumentException.class, () -> new TcpFallback(true, 0, T0));
    }
}
