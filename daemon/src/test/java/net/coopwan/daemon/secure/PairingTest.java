package net.coopwan.daemon.secure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Arrays;
import net.coopwan.daemon.secure.PairingMessages.Round1;
import net.coopwan.daemon.secure.PairingMessages.Round2;
import net.coopwan.daemon.secure.PairingMessages.Round3;
import net.coopwan.daemon.secure.PairingMessages.Zkp;
import org.junit.jupiter.api.Test;

/** J-PAKE pairing over the NIST 2048-bit group, through the codec (bytes on the wire). */
class PairingTest {
    static final SecureRandom RNG = new SecureRandom();
    static final PairingCodec CODEC = PairingCodec.standard();

    @SuppressWarnings("unchecked")
    static <T extends PairingMessages.Message> T wire(T m) throws PairingException {
        return (T) CODEC.decode(CODEC.encode(m));
    }

    @Test
    void sameCodeSameKeyOnBothSides() throws Exception {
        PairingCode shown = PairingCode.generate(RNG);
        PairingCode typed = PairingCode.parse(" " + shown.display().replace("-", " - ") + " ");
        Pairing a = Pairing.start("router-a", "router-b", shown, RNG);
        Pairing b = Pairing.start("router-b", "router-a", typed, RNG);
        Round1 a1 = wire(a.round1());
        Round1 b1 = wire(b.round1());
        Round2 a2 = wire(a.onRound1(b1));
        Round2 b2 = wire(b.onRound1(a1));
        Round3 a3 = wire(a.onRound2(b2));
        Round3 b3 = wire(b.onRound2(a2));
        PairingKey ka = a.onRound3(b3);
        PairingKey kb = b.onRound3(a3);
        assertArrayEquals(ka.channelSecret(), kb.channelSecret());
        assertArrayEquals(ka.advertKey(), kb.advertKey());
        assertEquals(32, ka.channelSecret().length);
        assertFalse(Arrays.equals(ka.channelSecret(), ka.advertKey()));
        assertTrue(a.done() && b.done());
        // and the pairing key feeds a working session
        SessionKeys.Ephemeral ea = SessionKeys.Ephemeral.generate(RNG);
        SessionKeys.Ephemeral eb = SessionKeys.Ephemeral.generate(RNG);
        SessionKeys sa = SessionKeys.derive(SessionKeys.Role.INITIATOR, ea, eb.publicKey(), "router-a", "router-b", ka.channelSecret());
        SessionKeys sb = SessionKeys.derive(SessionKeys.Role.RESPONDER, eb, ea.publicKey(), "router-a", "router-b", kb.channelSecret());
        assertArrayEquals(sa.sendKey(), sb.receiveKey());
    }

    @Test
    void differentCodeFailsKeyConfirmationOnBothSides() throws Exception {
        Pairing a = Pairing.start("router-a", "router-b", PairingCode.parse("1234-5678"), RNG);
        Pairing b = Pairing.start("router-b", "router-a", PairingCode.parse("1234-5679"), RNG);
        Round2 a2 = a.onRound1(b.round1());
        Round2 b2 = b.onRound1(a.round1());
        Round3 a3 = a.onRound2(b2); // rounds 1 and 2 cannot tell: that is the point of a PAKE
        Round3 b3 = b.onRound2(a2);
        PairingException ea = assertThrows(PairingException.class, () -> a.onRound3(b3));
        PairingException eb = assertThrows(PairingException.class, () -> b.onRound3(a3));
        assertEquals(PairingFailure.KEY_CONFIRMATION_FAILED, ea.failure());
        assertEquals(PairingFailure.KEY_CONFIRMATION_FAILED, eb.failure());
        assertTrue(a.failed() && b.failed());
        assertEquals(PairingFailure.OUT_OF_ORDER, assertThrows(PairingException.class, () -> a.onRound3(b3)).failure());
    }

    private static BigInteger bump(BigInteger v) {
        return v.flipBit(3);
    }

    @Test
    void tamperedRound1Rejected() throws Exception {
        PairingCode code = PairingCode.generate(RNG);
        Round1 good = Pairing.start("router-b", "router-a", code, RNG).round1();
        Round1[] bad = {
            new Round1(good.participantId(), bump(good.gx1()), good.gx2(), good.zkpX1(), good.zkpX2()),
            new Round1(good.participantId(), good.gx1(), bump(good.gx2()), good.zkpX1(), good.zkpX2()),
            new Round1(good.participantId(), good.gx1(), good.gx2(), new Zkp(good.zkpX1().gv(), bump(good.zkpX1().r())), good.zkpX2()),
            new Round1(good.participantId(), good.gx1(), good.gx2(), good.zkpX1(), new Zkp(bump(good.zkpX2().gv()), good.zkpX2().r())),
            new Round1(good.participantId(), good.gx1(), BigInteger.ONE, good.zkpX1(), good.zkpX2()),
            new Round1("router-c", good.gx1(), good.gx2(), good.zkpX1(), good.zkpX2()),
        };
        for (Round1 r : bad) {
            Pairing a = Pairing.start("router-a", "router-b", code, RNG);
            PairingException e = assertThrows(PairingException.class, () -> a.onRound1(wire(r)));
            assertEquals(PairingFailure.INVALID_MESSAGE, e.failure(), e.getMessage());
        }
    }

    @Test
    void tamperedRound2AndRound3Rejected() throws Exception {
        PairingCode code = PairingCode.generate(RNG);
        Pairing a = Pairing.start("router-a", "router-b", code, RNG);
        Pairing b = Pairing.start("router-b", "router-a", code, RNG);
        Round2 a2 = a.onRound1(b.round1());
        Round2 b2 = b.onRound1(a.round1());
        PairingException e2 = assertThrows(PairingException.class,
                () -> a.onRound2(wire(new Round2(b2.participantId(), bump(b2.a()), b2.zkpX2s()))));
        assertEquals(PairingFailure.INVALID_MESSAGE, e2.failure());

        Round3 b3 = b.onRound2(a2);
        // a is dead after the tampered round 2; run a fresh pair for round 3
        Pairing c = Pairing.start("router-a", "router-b", code, RNG);
        Pairing d = Pairing.start("router-b", "router-a", code, RNG);
        Round2 c2 = c.onRound1(d.round1());
        Round2 d2 = d.onRound1(c.round1());
        c.onRound2(d2);
        Round3 d3 = d.onRound2(c2);
        PairingException e3 = assertThrows(PairingException.class,
                () -> c.onRound3(wire(new Round3(d3.participantId(), bump(d3.macTag())))));
        assertEquals(PairingFailure.KEY_CONFIRMATION_FAILED, e3.failure());
        // a confirmation from another run (same code) is no good either
        Pairing f = Pairing.start("router-a", "router-b", code, RNG);
        Pairing g = Pairing.start("router-b", "router-a", code, RNG);
        f.onRound1(g.round1());
        f.onRound2(g.onRound1(f.round1()));
        assertEquals(PairingFailure.KEY_CONFIRMATION_FAILED,
                assertThrows(PairingException.class, () -> f.onRound3(b3)).failure());
    }

    @Test
    void outOfOrderAndWrongPeer() throws Exception {
        PairingCode code = PairingCode.generate(RNG);
        Pairing a = Pairing.start("router-a", "router-b", code, RNG);
        Pairing b = Pairing.start("router-b", "router-a", code, RNG);
        Round2 b2 = b.onRound1(a.round1());
        assertEquals(PairingFailure.OUT_OF_ORDER, assertThrows(PairingException.class, () -> a.onRound2(b2)).failure());
        assertEquals(PairingFailure.MALFORMED,
                assertThrows(PairingException.class, () -> Pairing.start("x", "x", code, RNG)).failure());
        Pairing self = Pairing.start("router-a", "router-b", code, RNG);
        // a reflected round 1 (our own message sent back) carries our id, not the peer's
        assertEquals(PairingFailure.INVALID_MESSAGE,
                assertThrows(PairingException.class, () -> self.onRound1(self.round1())).failure());
    }
}
