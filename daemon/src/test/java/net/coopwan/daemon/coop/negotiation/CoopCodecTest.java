package net.coopwan.daemon.coop.negotiation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import net.coopwan.config.CooperationType;
import net.coopwan.config.ParameterRange;
import net.coopwan.daemon.coop.agreement.Offer;
import net.coopwan.daemon.coop.agreement.Response;

class CoopCodecTest {

    static final Offer OFFER = new Offer(Map.of(
            CooperationType.EMERGENCY, Map.of("bandwidth_kbps", new ParameterRange(1000, 10_000),
                    "window_ms", new ParameterRange(100, 1000)),
            CooperationType.SUPPRESSION, Map.of("max_drop_percent", new ParameterRange(5, 20))));

    private static CoopMessage roundTrip(CoopMessage m) throws CoopFormatException {
        return CoopCodec.parse(ByteBuffer.wrap(CoopCodec.encode(m)));
    }

    @Test
    void everyMessageRoundTrips() throws Exception {
        List<CoopMessage> all = List.of(
                new CoopMessage.OfferMessage(7, OFFER),
                new CoopMessage.OfferMessage(0xffff_ffffL, new Offer(Map.of())),
                CoopMessage.ResponseMessage.approved(8, new Response(Map.of(CooperationType.EMERGENCY,
                        Map.of("bandwidth_kbps", 5000L, "window_ms", 500L)))),
                CoopMessage.ResponseMessage.refused(9, CoopMessage.Outcome.REJECTED, "not now, ünïcode"),
                CoopMessage.ResponseMessage.refused(10, CoopMessage.Outcome.INVALID_OFFER, ""),
                new CoopMessage.Ack(11),
                new CoopMessage.RequestMessage(12, CooperationType.BANDWIDTH_SHARING, Map.of("bandwidth_kbps", -3L)),
                new CoopMessage.VerdictMessage(13, 0xfffffff0L, false, "TYPE_NOT_ENABLED: bandwidth_sharing"),
                new CoopMessage.VerdictMessage(14, 1, true, ""));
        for (CoopMessage m : all) {
            assertEquals(m, roundTrip(m));
        }
    }

    @Test
    void layoutIsAsDocumented() {
        assertArrayEquals(new byte[] {3, 0x12, 0x34, 0x56, 0x78}, CoopCodec.encode(new CoopMessage.Ack(0x12345678L)));
        byte[] req = CoopCodec.encode(new CoopMessage.RequestMessage(1, CooperationType.EMERGENCY, Map.of("bandwidth_kbps", 258L)));
        // type 4, id 1, type code 1 (emergency), 1 parameter, name of 14, value 258
        assertEquals(5 + 1 + 1 + 1 + 14 + 8, req.length);
        assertEquals(4, req[0]);
        assertEquals(1, req[5]);
        assertEquals(1, req[6]);
        assertEquals(14, req[7]);
        assertEquals("bandwidth_kbps", new String(req, 8, 14, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(258, ByteBuffer.wrap(req, 22, 8).getLong());
        byte[] offer = CoopCodec.encode(new CoopMessage.OfferMessage(2, OFFER));
        // 5 + count + emergency (1+1 + 2 x (1+name+16)) + suppression (1+1 + 1+16+16)
        assertEquals(5 + 1 + 2 + (1 + 14 + 16) + (1 + 9 + 16) + 2 + (1 + 16 + 16), offer.length);
    }

    @Test
    void strictParsingRefusesWhatEncodingNeverProduces() {
        byte[] ack = CoopCodec.encode(new CoopMessage.Ack(1));
        byte[] trailing = java.util.Arrays.copyOf(ack, ack.length + 1);
        assertThrows(CoopFormatException.class, () -> CoopCodec.parse(ByteBuffer.wrap(trailing)));
        byte[] unknown = ack.clone();
        unknown[0] = 9;
        assertThrows(CoopFormatException.class, () -> CoopCodec.parse(ByteBuffer.wrap(unknown)));
        // a repeated parameter: REQUEST with two bandwidth_kbps
        ByteBuffer b = ByteBuffer.allocate(100);
        b.put((byte) 4).putInt(1).put((byte) 1).put((byte) 2);
        for (int i = 0; i < 2; i++) {
            b.put((byte) 3).put("abc".getBytes()).putLong(1);
        }
        b.flip();
        CoopFormatException e = assertThrows(CoopFormatException.class, () -> CoopCodec.parse(b));
        assertTrue(e.getMessage().contains("twice"), e.getMessage());
        // min > max in an offer
        ByteBuffer o = ByteBuffer.allocate(100);
        o.put((byte) 1).putInt(1).put((byte) 1).put((byte) 1).put((byte) 1).put((byte) 1).put((byte) 'x').putLong(5).putLong(4);
        o.flip();
        assertThrows(CoopFormatException.class, () -> CoopCodec.parse(o));
        // an upper-case name
        ByteBuffer n = ByteBuffer.allocate(100);
        n.put((byte) 4).putInt(1).put((byte) 1).put((byte) 1).put((byte) 1).put((byte) 'X').putLong(1);
        n.flip();
        assertThrows(CoopFormatException.class, () -> CoopCodec.parse(n));
        assertThrows(IllegalArgumentException.class, () -> CoopCodec.encode(new CoopMessage.Ack(-1)));
    }

    @Test
    void aTooLongReasonIsCutAtACharacterNotRefused() throws Exception {
        String longReason = "ä".repeat(400);
        CoopMessage.VerdictMessage v = (CoopMessage.VerdictMessage) roundTrip(new CoopMessage.VerdictMessage(1, 2, false, longReason));
        assertEquals(256, v.reason().length(), "512 bytes of two-byte characters");
    }

    /** Random valid messages round-trip; their encodings, mutated, parse or are a format error, nothing else. */
    @Test
    void fuzzRandomBytesAndMutationsNeverThrowAnythingButAFormatError() {
        Random r = new Random(20261124);
        long parsed = 0;
        long refused = 0;
        for (int i = 0; i < 100_000; i++) {
            byte[] bytes;
            if (i % 2 == 0) {
                bytes = new byte[r.nextInt(120)];
                r.nextBytes(bytes);
                if (bytes.length > 0) {
                    bytes[0] = (byte) (1 + r.nextInt(6)); // mostly known types, so the bodies get exercised
                }
            } else {
                bytes = CoopCodec.encode(randomMessage(r));
                int flips = 1 + r.nextInt(3);
                for (int f = 0; f < flips && bytes.length > 0; f++) {
                    bytes[r.nextInt(bytes.length)] ^= (byte) (1 << r.nextInt(8));
                }
                if (r.nextInt(4) == 0) {
                    bytes = java.util.Arrays.copyOf(bytes, r.nextInt(bytes.length + 2));
                }
            }
            try {
                CoopMessage m = CoopCodec.parse(ByteBuffer.wrap(bytes));
                // whatever parses encodes back to the same bytes: parsing is exact, not lenient
                assertArrayEquals(bytes, CoopCodec.encode(m), m::toString);
                parsed++;
            } catch (CoopFormatException e) {
                refused++;
            }
        }
        assertEquals(100_000, parsed + refused);
        assertTrue(parsed > 1000 && refused > 1000, "both paths exercised: " + parsed + " parsed, " + refused + " refused");
    }

    @Test
    void randomValidMessagesRoundTrip() throws Exception {
        Random r = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            CoopMessage m = randomMessage(r);
            assertEquals(m, roundTrip(m));
        }
    }

    static CoopMessage randomMessage(Random r) {
        long id = r.nextLong() & 0xffff_ffffL;
        CooperationType[] types = CooperationType.values();
        switch (r.nextInt(5)) {
            case 0: {
                Map<CooperationType, Map<String, ParameterRange>> m = new EnumMap<>(CooperationType.class);
                for (CooperationType t : types) {
                    if (r.nextBoolean()) {
                        Map<String, ParameterRange> ps = new TreeMap<>();
                        for (String p : t.bounds().keySet()) {
                            long a = r.nextInt(100_000) - 10;
                            ps.put(p, new ParameterRange(a, a + r.nextInt(100_000)));
                        }
                        m.put(t, ps);
                    }
                }
                return new CoopMessage.OfferMessage(id, new Offer(m));
            }
            case 1: {
                if (r.nextBoolean()) {
                    return CoopMessage.ResponseMessage.refused(id, r.nextBoolean() ? CoopMessage.Outcome.REJECTED
                            : CoopMessage.Outcome.INVALID_OFFER, "reason " + r.nextInt());
                }
                Map<CooperationType, Map<String, Long>> m = new EnumMap<>(CooperationType.class);
                m.put(types[r.nextInt(types.length)], values(r));
                return CoopMessage.ResponseMessage.approved(id, new Response(m));
            }
            case 2:
                return new CoopMessage.Ack(id);
            case 3:
                return new CoopMessage.RequestMessage(id, types[r.nextInt(types.length)], values(r));
            default:
                return new CoopMessage.VerdictMessage(id, r.nextLong() & 0xffff_ffffL, r.nextBoolean(),
                        r.nextBoolean() ? "" : "OVER_AGREED_VALUE: x " + r.nextInt());
        }
    }

    private static Map<String, Long> values(Random r) {
        Map<String, Long> v = new TreeMap<>();
        List<String> names = new ArrayList<>(List.of("bandwidth_kbps", "quota_bytes", "window_ms", "a", "z_9"));
        int n = r.nextInt(names.size() + 1);
        for (int i = 0; i < n; i++) {
            v.put(names.remove(r.nextInt(names.size())), r.nextLong());
        }
        return v;
    }
}
