package net.coopwan.daemon.secure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;
import net.coopwan.daemon.secure.SessionKeys.Ephemeral;
import net.coopwan.daemon.secure.SessionKeys.Role;
import org.junit.jupiter.api.Test;

class SessionKeysTest {
    static final SecureRandom RNG = new SecureRandom();
    static final byte[] PAIRING = new byte[32];

    static {
        Arrays.fill(PAIRING, (byte) 7);
    }

    static SessionKeys[] session(byte[] pairingI, byte[] pairingR) throws KeyExchangeException {
        Ephemeral ei = Ephemeral.generate(RNG);
        Ephemeral er = Ephemeral.generate(RNG);
        SessionKeys i = SessionKeys.derive(Role.INITIATOR, ei, er.publicKey(), "router-a", "router-b", pairingI);
        SessionKeys r = SessionKeys.derive(Role.RESPONDER, er, ei.publicKey(), "router-a", "router-b", pairingR);
        return new SessionKeys[] {i, r};
    }

    @Test
    void bothSidesDeriveMatchingDirectionalKeys() throws Exception {
        SessionKeys[] s = session(PAIRING, PAIRING);
        assertArrayEquals(s[0].sendKey(), s[1].receiveKey());
        assertArrayEquals(s[0].receiveKey(), s[1].sendKey());
        assertFalse(Arrays.equals(s[0].sendKey(), s[0].receiveKey()));
        assertEquals(s[0].keyId(), s[1].keyId());
        assertArrayEquals(s[0].transcriptHash(), s[1].transcriptHash());

        // i -> r and r -> i through sealer/opener
        byte[] msg = "keep-alive".getBytes();
        ByteBuffer wire = ByteBuffer.allocate(64);
        AeadSealer si = s[0].newSealer();
        assertEquals(SealStatus.OK, si.seal(ByteBuffer.allocate(0), ByteBuffer.wrap(msg), wire));
        wire.flip();
        ByteBuffer out = ByteBuffer.allocate(64);
        assertEquals(OpenStatus.OK, s[1].newOpener().open(0, ByteBuffer.allocate(0), wire.duplicate(), out));
        // the initiator's own opener (other direction) refuses its own packet: reflection fails
        assertEquals(OpenStatus.TAG_MISMATCH, s[0].newOpener().open(0, ByteBuffer.allocate(0), wire.duplicate(),
                ByteBuffer.allocate(64)));
        ByteBuffer back = ByteBuffer.allocate(64);
        assertEquals(SealStatus.OK, s[1].newSealer().seal(ByteBuffer.allocate(0), ByteBuffer.wrap(msg), back));
        back.flip();
        assertEquals(OpenStatus.OK, s[0].newOpener().open(0, ByteBuffer.allocate(0), back, ByteBuffer.allocate(64)));
    }

    @Test
    void everySessionHasItsOwnKeys() throws Exception {
        SessionKeys[] a = session(PAIRING, PAIRING);
        SessionKeys[] b = session(PAIRING, PAIRING);
        assertFalse(Arrays.equals(a[0].sendKey(), b[0].sendKey()));
        assertNotEquals(a[0].keyId(), b[0].keyId()); // 2^-32 chance of a false failure
        // a packet of session a is garbage in session b
        ByteBuffer wire = ByteBuffer.allocate(64);
        a[0].newSealer().seal(ByteBuffer.allocate(0), ByteBuffer.wrap(new byte[10]), wire);
        wire.flip();
        assertEquals(OpenStatus.TAG_MISMATCH, b[1].newOpener().open(0, ByteBuffer.allocate(0), wire, ByteBuffer.allocate(64)));
    }

    @Test
    void differentPairingSecretsGiveDifferentKeys() throws Exception {
        byte[] other = PAIRING.clone();
        other[31] ^= 1;
        SessionKeys[] s = session(PAIRING, other);
        assertFalse(Arrays.equals(s[0].sendKey(), s[1].receiveKey()));
    }

    @Test
    void transcriptBindsIdsAndRoles() throws Exception {
        Ephemeral ei = Ephemeral.generate(RNG);
        Ephemeral er = Ephemeral.generate(RNG);
        SessionKeys i = SessionKeys.derive(Role.INITIATOR, ei, er.publicKey(), "router-a", "router-b", PAIRING);
        SessionKeys r = SessionKeys.derive(Role.RESPONDER, er, ei.publicKey(), "router-a", "router-c", PAIRING);
        assertFalse(Arrays.equals(i.sendKey(), r.receiveKey()));
    }

    @Test
    void badInputIsRefused() {
        Ephemeral e = Ephemeral.generate(RNG);
        byte[] peer = Ephemeral.generate(RNG).publicKey();
        assertThrows(KeyExchangeException.class, () -> SessionKeys.derive(Role.INITIATOR, e, new byte[31], "a", "b", PAIRING));
        assertThrows(KeyExchangeException.class, () -> SessionKeys.derive(Role.INITIATOR, e, peer, "a", "a", PAIRING));
        assertThrows(KeyExchangeException.class, () -> SessionKeys.derive(Role.INITIATOR, e, peer, "", "b", PAIRING));
        assertThrows(KeyExchangeException.class, () -> SessionKeys.derive(Role.INITIATOR, e, peer, "a", "b", new byte[16]));
        // small-order point (u = 0 and u = 1): the all-zero shared secret is refused
        assertThrows(KeyExchangeException.class, () -> SessionKeys.derive(Role.INITIATOR, Ephemeral.generate(RNG), new byte[32], "a", "b", PAIRING));
        byte[] one = new byte[32];
        one[0] = 1;
        assertThrows(KeyExchangeException.class, () -> SessionKeys.derive(Role.INITIATOR, Ephemeral.generate(RNG), one, "a", "b", PAIRING));
    }

    @Test
    void anEphemeralIsSingleUse() throws Exception {
        Ephemeral e = Ephemeral.generate(RNG);
        byte[] peer = Ephemeral.generate(RNG).publicKey();
        SessionKeys.derive(Role.INITIATOR, e, peer, "a", "b", PAIRING);
        KeyExchangeException x = assertThrows(KeyExchangeException.class,
                () -> SessionKeys.derive(Role.INITIATOR, e, peer, "a", "b", PAIRING));
        assertEquals("ephemeral key already used", x.getMessage());
    }

    @Test
    void publicKeyIsRaw32Bytes() {
        assertEquals(32, Ephemeral.generate(RNG).publicKey().length);
    }
}
