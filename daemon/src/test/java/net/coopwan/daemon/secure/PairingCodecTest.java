package net.coopwan.daemon.secure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import net.coopwan.daemon.secure.PairingMessages.Message;
import net.coopwan.daemon.secure.PairingMessages.Round1;
import net.coopwan.daemon.secure.PairingMessages.Round3;
import net.coopwan.daemon.secure.PairingMessages.Zkp;
import org.junit.jupiter.api.Test;

class PairingCodecTest {
    static final PairingCodec CODEC = PairingCodec.standard();

    static PairingFailure failure(byte[] b) {
        try {
            CODEC.decode(b);
            return null;
        } catch (PairingException e) {
            return e.failure();
        }
    }

    @Test
    void round3LayoutLiterally() throws Exception {
        byte[] b = CODEC.encode(new Round3("ab", BigInteger.valueOf(0x0180)));
        assertEquals("01030261620000000000000000000000000000000000000000000000000000000000000180",
                HexFormat.of().formatHex(b));
        assertEquals(new Round3("ab", BigInteger.valueOf(0x0180)), CODEC.decode(b));
        // Bouncy Castle's tags are signed: -1 is 32 bytes of ff
        byte[] neg = CODEC.encode(new Round3("a", BigInteger.ONE.negate()));
        assertEquals("01030161" + "ff".repeat(32), HexFormat.of().formatHex(neg));
        assertEquals(BigInteger.ONE.negate(), ((Round3) CODEC.decode(neg)).macTag());
        assertEquals(PairingFailure.TRUNCATED, failure(Arrays.copyOf(neg, neg.length - 1)));
        assertEquals(PairingFailure.MALFORMED, failure(Arrays.copyOf(neg, neg.length + 1)));
    }

    @Test
    void roundTripOfRealMessages() throws Exception {
        SecureRandom rng = new SecureRandom();
        PairingCode code = PairingCode.generate(rng);
        Pairing a = Pairing.start("router-a", "router-b", code, rng);
        Pairing b = Pairing.start("router-b", "router-a", code, rng);
        Round1 a1 = a.round1();
        assertEquals(a1, CODEC.decode(CODEC.encode(a1)));
        var b2 = b.onRound1(a1);
        assertEquals(b2, CODEC.decode(CODEC.encode(b2)));
        // every message fits one unfragmented UDP datagram on any IPv6 path (1280 - 40 - 8)
        int len = CODEC.encode(a1).length;
        assertEquals(1159, CODEC.maxMessageBytes());
        assertEquals(true, len <= CODEC.maxMessageBytes(), "round 1 is " + len + " bytes");
    }

    @Test
    void boundsAndShapes() {
        assertEquals(PairingFailure.TRUNCATED, failure(new byte[0]));
        assertEquals(PairingFailure.TRUNCATED, failure(new byte[] {1, 3}));
        assertEquals(PairingFailure.MALFORMED, failure(new byte[] {2, 3, 1, 'a', 0, 1, 1}));   // version
        assertEquals(PairingFailure.MALFORMED, failure(new byte[] {1, 4, 1, 'a', 0, 1, 1}));   // type
        assertEquals(PairingFailure.MALFORMED, failure(new byte[] {1, 2, 0, 0, 1, 1}));        // empty id
        assertEquals(PairingFailure.OVERSIZE_FIELD, failure(new byte[] {1, 3, 65}));           // id > 64
        assertEquals(PairingFailure.MALFORMED, failure(new byte[] {1, 2, 1, (byte) 0xff, 0, 1, 1})); // not UTF-8
        assertEquals(PairingFailure.MALFORMED, failure(new byte[] {1, 2, 1, 'a', 0, 0}));      // zero-length int
        assertEquals(PairingFailure.MALFORMED, failure(new byte[] {1, 2, 1, 'a', 0, 2, 0, 1})); // leading zero
        assertEquals(PairingFailure.TRUNCATED, failure(new byte[] {1, 2, 1, 'a', 0, 5, 1}));
        assertEquals(PairingFailure.TRUNCATED, failure(new byte[] {1, 3, 5, 'a'}));
        // scalar r longer than q (224 bits = 28 bytes)
        byte[] r2 = ByteBuffer.allocate(4 + 2 * 3 + 29).put(new byte[] {1, 2, 1, 'a', 0, 1, 5, 0, 1, 5, 0, 29})
                .put((byte) 1).array();
        assertEquals(PairingFailure.OVERSIZE_FIELD, failure(r2));
        // a group element one byte longer than p (2048 bits = 256 bytes)
        byte[] r1 = ByteBuffer.allocate(8 + 257).put(new byte[] {1, 1, 1, 'a'}).putShort((short) 257).put((byte) 1).array();
        assertEquals(PairingFailure.OVERSIZE_FIELD, failure(r1));
        byte[] huge = {1, 1, 1, 'a', (byte) 0xff, (byte) 0xff};
        assertEquals(PairingFailure.OVERSIZE_FIELD, failure(huge));
        assertThrows(IllegalArgumentException.class, () -> CODEC.encode(new Round3("", BigInteger.ONE)));
    }

    /** Random bytes and mutated real messages: only PairingException, never anything else. */
    @Test
    void fuzzDecoderAndParticipant() throws Exception {
        Random r = new Random(8236);
        SecureRandom rng = new SecureRandom();
        PairingCode code = PairingCode.generate(rng);
        Pairing a = Pairing.start("router-a", "router-b", code, rng);
        byte[] real1 = CODEC.encode(Pairing.start("router-b", "router-a", code, rng).round1());
        int typed = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] b;
            if (i % 2 == 0) {
                b = new byte[r.nextInt(64)];
                r.nextBytes(b);
                if (b.length > 1) {
                    b[0] = 1;
                    b[1] = (byte) (1 + r.nextInt(3));
                }
            } else {
                b = real1.clone();
                int flips = 1 + r.nextInt(3);
                for (int f = 0; f < flips; f++) {
                    b[r.nextInt(b.length)] ^= (byte) (1 + r.nextInt(255));
                }
                if (r.nextInt(10) == 0) {
                    b = Arrays.copyOf(b, r.nextInt(b.length + 10));
                }
            }
            try {
                Message m = CODEC.decode(b);
                // some mutants decode; hand a few of those to a fresh participant (bounded: modPow is slow)
                if (m instanceof Round1 r1 && typed < 20) {
                    typed++;
                    try {
                        Pairing.start("router-a", "router-b", code, rng).onRound1(r1);
                        fail("a mutated round 1 verified");
                    } catch (PairingException e) {
                        assertEquals(true, e.failure() == PairingFailure.INVALID_MESSAGE, e.getMessage());
                    }
                }
            } catch (PairingException e) {
                // typed: fine
            }
        }
        assertEquals(true, typed > 0, "no mutant reached the participant");
        assertEquals(false, a.failed());
    }

    @Test
    void zkpRecordRequiresValues() {
        assertThrows(NullPointerException.class, () -> new Zkp(null, BigInteger.ONE));
    }
}
