package net.coopwan.daemon.coop.negotiation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
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
import net.coopwan.daemon.api.UplinkStatus;
import net.coopwan.daemon.coop.advert.UplinkType;
import net.coopwan.daemon.coop.agreement.Offer;
import net.coopwan.daemon.coop.agreement.Response;

class CoopCodecTest {

    static final Offer OFFER = new Offer(Map.of(
            CooperationType.EMERGENCY, Map.of("bandwidth_kbps", new ParameterRange(1000, 10_000),
                    "window_ms", new ParameterRange(100, 1000)),
            CooperationType.SUPPRESSION, Map.of("max_drop_percent", new ParameterRange(5, 20))));

    static final RouterInfo INFO = RouterInfo.shared(List.of(
            new RouterInfo.UplinkFigures("wan", UplinkType.FIBRE, UplinkStatus.State.UP, 100_000, 40_000, 60,
                    12_345_678, 1_000, 50_000_000, 8_000),
            new RouterInfo.UplinkFigures("LTE_2", UplinkType.UNKNOWN, UplinkStatus.State.MISSING, 0, 0, 0, 0, 0, 0, 0)));

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
                new CoopMessage.VerdictMessage(14, 1, true, ""),
                new CoopMessage.InfoRequestMessage(15),
                new CoopMessage.InfoMessage(16, 15, INFO),
                new CoopMessage.InfoMessage(17, 0xffff_ffffL, RouterInfo.shared(List.of())),
                new CoopMessage.InfoMessage(18, 3, RouterInfo.refused("the owner does not share")));
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
        assertArrayEquals(new byte[] {6, 0, 0, 0, 9}, CoopCodec.encode(new CoopMessage.InfoRequestMessage(9)));
        byte[] info = CoopCodec.encode(new CoopMessage.InfoMessage(2, 9, INFO));
        // type 7, id, about, shared, count; per uplink: name, type, state, 2 x i64, u16, 4 x i64
        assertEquals(5 + 4 + 1 + 1 + (1 + 3 + 1 + 1 + 16 + 2 + 32) + (1 + 5 + 1 + 1 + 16 + 2 + 32), info.length);
        ByteBuffer b = ByteBuffer.wrap(info);
        assertEquals(7, b.get());
        b.getInt();
        assertEquals(9, b.getInt());
        assertEquals(1, b.get());
        assertEquals(2, b.get());
        assertEquals(3, b.get());
        b.position(b.position() + 3);
        assertEquals(UplinkType.FIBRE.code(), b.get());
        assertEquals(0, b.get(), "state up");
        assertEquals(100_000, b.getLong());
        assertEquals(40_000, b.getLong());
        assertEquals(60, b.getShort());
        assertEquals(12_345_678, b.getLong());
        // the largest INFO fits a datagram with room to spare
        List<RouterInfo.UplinkFigures> many = new ArrayList<>();
        for (int i = 0; i < CoopCodec.MAX_UPLINKS; i++) {
            many.add(new RouterInfo.UplinkFigures(("u" + i + "_").repeat(20).substring(0, 40), UplinkType.OTHER,
                    UplinkStatus.State.DOWN, Long.MAX_VALUE, Long.MAX_VALUE, 3600, 1, 1, Long.MAX_VALUE, Long.MAX_VALUE));
        }
        assertTrue(CoopCodec.encode(new CoopMessage.InfoMessage(1, 1, RouterInfo.shared(many))).length < CoopCodec.MAX_PLAINTEXT);
        many.add(many.get(0));
        assertThrows(IllegalArgumentException.class, () -> CoopCodec.encode(new CoopMessage.InfoMessage(1, 1,
                RouterInfo.shared(many))));
    }

    @Test
    void strictInfoParsingRefusesRepeatsUnknownCodesAndInconsistentFigures() {
        byte[] good = CoopCodec.encode(new CoopMessage.InfoMessage(2, 9, INFO));
        int first = 5 + 4 + 1 + 1; // the first uplink's name length
        int typeAt = first + 1 + 3;
        java.util.function.Consumer<java.util.function.Consumer<byte[]>> refused = change -> {
            byte[] bad = good.clone();
            change.accept(bad);
            assertThrows(CoopFormatException.class, () -> CoopCodec.parse(ByteBuffer.wrap(bad)));
        };
        refused.accept(x -> x[typeAt] = 8); // uplink type beyond 7
        refused.accept(x -> x[typeAt + 1] = 4); // state beyond disabled
        refused.accept(x -> x[9] = 2); // shared flag 2
        refused.accept(x -> x[10] = (byte) (CoopCodec.MAX_UPLINKS + 1));
        refused.accept(x -> x[typeAt + 2] = (byte) 0x80); // negative down kbit/s
        refused.accept(x -> x[typeAt + 2 + 16] = (byte) 0x0f); // window beyond 3600 s
        refused.accept(x -> x[first + 1] = '-'); // not a UCI name
        // a peak below its average: rx peak of the first uplink set to 0
        refused.accept(x -> java.util.Arrays.fill(x, typeAt + 2 + 16 + 2 + 16, typeAt + 2 + 16 + 2 + 24, (byte) 0));
        // the same uplink twice
        byte[] twice = CoopCodec.encode(new CoopMessage.InfoMessage(2, 9, RouterInfo.shared(List.of(INFO.uplinks().get(0)))));
        int one = twice.length - first;
        byte[] doubled = java.util.Arrays.copyOf(twice, twice.length + one);
        System.arraycopy(twice, first, doubled, twice.length, one);
        doubled[10] = 2;
        CoopFormatException e = assertThrows(CoopFormatException.class, () -> CoopCodec.parse(ByteBuffer.wrap(doubled)));
        assertTrue(e.getMessage().contains("twice"), e.getMessage());
        // and the untouched bytes parse
        assertEquals(2, ((CoopMessage.InfoMessage) assertDoesNotThrow(() -> CoopCodec.parse(ByteBuffer.wrap(good))))
                .info().uplinks().size());
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
                    bytes[0] = (byte) (1 + r.nextInt(8)); // mostly known types, so the bodies get exercised
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
        switch (r.nextInt(7)) {
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
            case 5:
                return new CoopMessage.InfoRequestMessage(id);
            case 6: {
                if (r.nextInt(4) == 0) {
                    return new CoopMessage.InfoMessage(id, r.nextLong() & 0xffff_ffffL, RouterInfo.refused("no " + r.nextInt()));
                }
                List<RouterInfo.UplinkFigures> ups = new ArrayList<>();
                int n = r.nextInt(4);
                for (int i = 0; i < n; i++) {
                    long rxAvg = r.nextInt(1 << 30);
                    long txAvg = r.nextInt(1 << 20);
                    ups.add(new RouterInfo.UplinkFigures("wan" + i + (r.nextBoolean() ? "_B" : ""),
                            UplinkType.values()[r.nextInt(8)], UplinkStatus.State.values()[r.nextInt(4)],
                            r.nextInt(10_000_000), r.nextInt(10_000_000), r.nextInt(CoopCodec.MAX_WINDOW_S + 1), rxAvg, txAvg,
                            rxAvg + r.nextInt(1000), txAvg + r.nextInt(1000)));
                }
                return new CoopMessage.InfoMessage(id, r.nextLong() & 0xffff_ffffL, RouterInfo.shared(ups));
            }
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
