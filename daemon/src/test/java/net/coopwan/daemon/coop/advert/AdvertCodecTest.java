package net.coopwan.daemon.coop.advert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;

import org.junit.jupiter.api.Test;

class AdvertCodecTest {

    static final HexFormat HEX = HexFormat.of();
    static final byte[] KEY = new byte[32];
    static {
        for (int i = 0; i < KEY.length; i++) {
            KEY[i] = (byte) i;
        }
    }

    /** willing, {EMERGENCY, BW_SHARING}, fibre 1 Gbit/s down, 300 Mbit/s up, generation 1, nonce 0xBEEF. */
    static final AdvertInfo SAMPLE = new AdvertInfo(true,
            EnumSet.of(CooperationType.EMERGENCY_CONNECTION, CooperationType.BANDWIDTH_SHARING),
            UplinkType.FIBRE, AdvertInfo.bandwidthClass(1_000_000_000L), AdvertInfo.bandwidthClass(300_000_000L),
            1, 0xBEEF, 0);

    // Golden vectors, computed independently with Python hashlib/hmac/base64.
    static final String SAMPLE_BEACON_CHECKSUM = "434f4f501b0ea46fbbc092099607c551";
    static final String SAMPLE_BEACON_KEYED = "434f4f501f0ea46fbbc082235d6dfb57";
    static final String SAMPLE_SSID_CHECKSUM = "COOP-ROUTER Gw6kb7vA hQHKMWuw";
    static final String SAMPLE_SSID_KEYED = "COOP-ROUTER Hw6kb7vA qO+mEdMT";

    static DropReason reason(Executable e) {
        return assertThrows(AdvertFormatException.class, e::run).reason();
    }

    interface Executable {
        void run() throws AdvertFormatException;
    }

    // ------------------------------------------------------------ seed examples, literally

    @Test
    void seedSsidFormIsElevenPlusOnePlusEightPlusOnePlusEightOctetsWithinThe32OctetLimit() {
        String literal = "COOP-ROUTER XXXXXXXX YYYYYYYY"; // [0109]
        assertEquals(29, literal.length());
        assertEquals(29, AdvertCodec.SSID_LENGTH);
        assertTrue(literal.length() <= 32);
        assertTrue(AdvertCodec.SSID_PATTERN.matcher(literal).matches(), "X and Y are base64 symbols");
        String ssid = AdvertCodec.encodeSsid(SAMPLE, AdvertTag.checksum());
        assertEquals(29, ssid.getBytes(StandardCharsets.US_ASCII).length);
        assertTrue(ssid.startsWith("COOP-ROUTER "));
    }

    @Test
    void seedLiteralSsidIsNeverAccepted() {
        // "XXXXXXXX" decodes to 5d75d75d75d7: version nibble 5, and the checksum would not match either.
        assertEquals("5d75d75d75d7", HEX.formatHex(Base64.getDecoder().decode("XXXXXXXX")));
        assertEquals(DropReason.UNSUPPORTED_VERSION,
                reason(() -> AdvertCodec.decodeSsid("COOP-ROUTER XXXXXXXX YYYYYYYY", AdvertTag.checksum())));
    }

    @Test
    void eightBase64SymbolsCarryExactly48Bits() {
        assertEquals(8, Base64.getEncoder().withoutPadding().encodeToString(new byte[6]).length());
        String ssid = AdvertCodec.encodeSsid(SAMPLE, AdvertTag.checksum());
        assertEquals(6, Base64.getDecoder().decode(ssid.substring(12, 20)).length);
        assertEquals(6, Base64.getDecoder().decode(ssid.substring(21, 29)).length);
    }

    @Test
    void magicIsFourBytesAtZeroOffset() throws Exception {
        byte[] b = AdvertCodec.encodeBeacon(SAMPLE, AdvertTag.checksum());
        assertEquals("COOP", new String(b, 0, 4, StandardCharsets.US_ASCII)); // [0105]: 4 bytes, offset 0
        assertEquals(AdvertCodec.MAGIC, AdvertCodec.decodeBeacon(b, AdvertTag.checksum()).magic());
    }

    @Test
    void ssidChecksumCoversTheFirst20CharactersAndKeepsTheFirst6BytesBigEndian() throws Exception {
        String ssid = AdvertCodec.encodeSsid(SAMPLE, AdvertTag.checksum());
        byte[] sha = MessageDigest.getInstance("SHA-256")
                .digest(ssid.substring(0, 20).getBytes(StandardCharsets.US_ASCII));
        byte[] first6 = java.util.Arrays.copyOf(sha, 6);
        assertEquals(Base64.getEncoder().withoutPadding().encodeToString(first6), ssid.substring(21));
        Advert a = AdvertCodec.decodeSsid(ssid, AdvertTag.checksum());
        long expect = 0;
        for (byte x : first6) {
            expect = expect << 8 | (x & 0xFF);
        }
        assertEquals(expect, a.tag());
    }

    @Test
    void wellFormedSsidWithCorrectChecksumIsAcceptedWithItsInformation() throws Exception {
        Advert a = AdvertCodec.decodeSsid(SAMPLE_SSID_CHECKSUM, AdvertTag.checksum());
        assertEquals(SAMPLE, a.info());
        assertEquals(Advert.Form.SSID, a.form());
        assertEquals(TagMode.CHECKSUM, a.tagMode());
        assertEquals(1, a.version());
    }

    @Test
    void changingAnySingleCharacterOfTheInformationOrChecksumIsRejected() {
        String ssid = SAMPLE_SSID_CHECKSUM;
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        int tried = 0;
        for (int pos = 12; pos < 29; pos++) {
            if (pos == 20) {
                continue;
            }
            for (char c : alphabet.toCharArray()) {
                if (c == ssid.charAt(pos)) {
                    continue;
                }
                String bad = ssid.substring(0, pos) + c + ssid.substring(pos + 1);
                DropReason r = reason(() -> AdvertCodec.decodeSsid(bad, AdvertTag.checksum()));
                assertTrue(r == DropReason.CHECKSUM_MISMATCH || r == DropReason.UNSUPPORTED_VERSION
                        || r == DropReason.TAG_MODE_MISMATCH, bad + " -> " + r);
                tried++;
            }
        }
        assertEquals(16 * 63, tried);
    }

    @Test
    void coopRouterPlusGarbageIsNeverShown() {
        for (String s : new String[] {
                "COOP-ROUTER", "COOP-ROUTER ", "COOP-ROUTER hello world!!!!!!",
                "COOP-ROUTER Gw6kb7vA hQHKMWu", "COOP-ROUTER Gw6kb7vA hQHKMWuw ", "COOP-ROUTER Gw6kb7vA hQHKMWuw\n",
                "COOP-ROUTER Gw6kb7vA_hQHKMWuw", "COOP-ROUTER Gw6kb7v- hQHKMWuw", "COOP-ROUTER Gw6kb7vA hQHKMWu=",
                "COOP-ROUTERXGw6kb7vA hQHKMWuw", "COOP-ROUTER  w6kb7vA hQHKMWuw", "COOP-ROUTER Gw6kb7vA hQHKMWü",
        }) {
            DropReason r = reason(() -> AdvertCodec.decodeSsid(s, AdvertTag.checksum()));
            assertTrue(r == DropReason.TRUNCATED || r == DropReason.TOO_LONG || r == DropReason.BAD_PATTERN,
                    s + " -> " + r);
        }
        for (String s : new String[] {"", "OpenWrt", "coop-router Gw6kb7vA hQHKMWuw", "COOP-R0UTER Gw6kb7vA hQHKMWuw"}) {
            assertEquals(DropReason.BAD_MAGIC, reason(() -> AdvertCodec.decodeSsid(s, AdvertTag.checksum())), s);
        }
    }

    // ------------------------------------------------------------ golden vectors and round trips

    @Test
    void goldenVectorsMatchAnIndependentImplementation() throws Exception {
        AdvertTag keyed = AdvertTag.keyed(KEY);
        assertEquals(SAMPLE_BEACON_CHECKSUM, HEX.formatHex(AdvertCodec.encodeBeacon(SAMPLE, AdvertTag.checksum())));
        assertEquals(SAMPLE_BEACON_KEYED, HEX.formatHex(AdvertCodec.encodeBeacon(SAMPLE, keyed)));
        assertEquals(SAMPLE_SSID_CHECKSUM, AdvertCodec.encodeSsid(SAMPLE, AdvertTag.checksum()));
        assertEquals(SAMPLE_SSID_KEYED, AdvertCodec.encodeSsid(SAMPLE, keyed));
        assertEquals(SAMPLE, AdvertCodec.decodeBeacon(HEX.parseHex(SAMPLE_BEACON_KEYED), keyed).info());
        assertEquals(SAMPLE, AdvertCodec.decodeSsid(SAMPLE_SSID_KEYED, keyed).info());
    }

    @Test
    void informationBitLayout() throws Exception {
        // 1b0ea46fbbc0 = version 1 | willing | EMERGENCY | BW_SHARING | FIBRE(3) | down 10 | up 9 | gen 1 | nonce beef
        long bits = 1L << 44 | 1L << 43 | 1L << 41 | 1L << 40 | 3L << 34 | 10L << 30 | 9L << 26 | 1L << 22 | 0xBEEFL << 6;
        assertEquals(0x1b0ea46fbbc0L, bits);
        Advert a = AdvertCodec.decodeBeacon(HEX.parseHex(SAMPLE_BEACON_CHECKSUM), AdvertTag.checksum());
        assertEquals(bits, a.infoBits());
        assertEquals(bits | 1L << 42,
                AdvertCodec.decodeBeacon(HEX.parseHex(SAMPLE_BEACON_KEYED), AdvertTag.keyed(KEY)).infoBits());
        assertEquals(10, a.info().downstreamClass());
        assertEquals(9, a.info().upstreamClass());
        assertEquals(0xBEEF, a.info().nonce());
        assertEquals(0x92099607c551L, a.tag());
    }

    @Test
    void everyFieldRoundTripsInBothFormsAndBothModes() throws Exception {
        AdvertTag[] tags = {AdvertTag.checksum(), AdvertTag.keyed(KEY)};
        java.util.Random rnd = new java.util.Random(42);
        for (int i = 0; i < 500; i++) {
            AdvertInfo info = AdvertFuzzTest.randomInfo(rnd);
            for (AdvertTag t : tags) {
                Advert b = AdvertCodec.decodeBeacon(AdvertCodec.encodeBeacon(info, t), t);
                Advert s = AdvertCodec.decodeSsid(AdvertCodec.encodeSsid(info, t), t);
                assertEquals(info, b.info());
                assertEquals(info, s.info());
                assertEquals(t.mode(), b.tagMode());
                assertEquals(b.infoBits(), s.infoBits(), "both forms carry the same 48 bits");
                String ssid = AdvertCodec.encodeSsid(info, t);
                assertEquals(info, AdvertCodec.decodeSsid(ssid.getBytes(StandardCharsets.US_ASCII), t).info());
            }
        }
        AdvertInfo empty = new AdvertInfo(false, Set.of(), UplinkType.UNKNOWN, 0, 0, 0, 0, 0);
        assertEquals(empty, AdvertCodec.decodeBeacon(AdvertCodec.encodeBeacon(empty, tags[0]), tags[0]).info());
        AdvertInfo full = new AdvertInfo(true, EnumSet.allOf(CooperationType.class), UplinkType.OTHER,
                15, 15, 15, 0xFFFF, 0x3F);
        assertEquals(full, AdvertCodec.decodeSsid(AdvertCodec.encodeSsid(full, tags[1]), tags[1]).info());
    }

    @Test
    void decodeFromAnOffsetInsideADatagramBuffer() throws Exception {
        byte[] beacon = AdvertCodec.encodeBeacon(SAMPLE, AdvertTag.checksum());
        byte[] buf = new byte[64];
        System.arraycopy(beacon, 0, buf, 7, 16);
        assertEquals(SAMPLE, AdvertCodec.decodeBeacon(buf, 7, 16, AdvertTag.checksum()).info());
        assertEquals(DropReason.TRUNCATED, reason(() -> AdvertCodec.decodeBeacon(buf, 60, 16, AdvertTag.checksum())));
        assertEquals(DropReason.TRUNCATED, reason(() -> AdvertCodec.decodeBeacon(buf, -1, 16, AdvertTag.checksum())));
    }

    // ------------------------------------------------------------ drop reasons and messages

    @Test
    void dropReasonsCarryClearMessages() {
        byte[] good = HEX.parseHex(SAMPLE_BEACON_CHECKSUM);
        AdvertTag ck = AdvertTag.checksum();

        AdvertFormatException e = assertThrows(AdvertFormatException.class,
                () -> AdvertCodec.decodeBeacon(java.util.Arrays.copyOf(good, 9), ck));
        assertEquals(DropReason.TRUNCATED, e.reason());
        assertEquals("truncated: 9 bytes, need 16", e.getMessage());

        e = assertThrows(AdvertFormatException.class, () -> AdvertCodec.decodeBeacon(new byte[0], ck));
        assertEquals("truncated: 0 bytes, need 16", e.getMessage());
        assertEquals(DropReason.TRUNCATED, reason(() -> AdvertCodec.decodeBeacon(null, ck)));

        byte[] badMagic = good.clone();
        badMagic[0] = 0x12;
        e = assertThrows(AdvertFormatException.class, () -> AdvertCodec.decodeBeacon(badMagic, ck));
        assertEquals(DropReason.BAD_MAGIC, e.reason());
        assertEquals("bad magic: 124f4f50, want 434f4f50", e.getMessage());
        assertEquals(DropReason.BAD_MAGIC, reason(() -> AdvertCodec.decodeBeacon(new byte[] {0x45}, ck)));

        byte[] longer = java.util.Arrays.copyOf(good, 17);
        e = assertThrows(AdvertFormatException.class, () -> AdvertCodec.decodeBeacon(longer, ck));
        assertEquals(DropReason.TOO_LONG, e.reason());
        assertEquals("too long: 17 bytes, want 16 for version 1", e.getMessage());

        byte[] v2 = good.clone();
        v2[4] = (byte) ((v2[4] & 0x0F) | 0x20);
        e = assertThrows(AdvertFormatException.class, () -> AdvertCodec.decodeBeacon(v2, ck));
        assertEquals(DropReason.UNSUPPORTED_VERSION, e.reason());
        assertEquals("unsupported version 2 (supported: 1)", e.getMessage());

        byte[] corrupt = good.clone();
        corrupt[9] ^= 1;
        e = assertThrows(AdvertFormatException.class, () -> AdvertCodec.decodeBeacon(corrupt, ck));
        assertEquals(DropReason.CHECKSUM_MISMATCH, e.reason());
        assertEquals("checksum mismatch", e.getMessage());

        e = assertThrows(AdvertFormatException.class, () -> AdvertCodec.decodeBeacon(good, AdvertTag.keyed(KEY)));
        assertEquals(DropReason.TAG_MODE_MISMATCH, e.reason());
        assertEquals("tag mode mismatch: advert is CHECKSUM, verifier is KEYED", e.getMessage());
    }

    @Test
    void exceptionsAreCheapNoStackTrace() {
        AdvertFormatException e = assertThrows(AdvertFormatException.class,
                () -> AdvertCodec.decodeBeacon(new byte[3], AdvertTag.checksum()));
        assertEquals(0, e.getStackTrace().length);
    }

    @Test
    void dropCountersCountByReason() {
        DropCounters c = new DropCounters();
        for (byte[] p : new byte[][] {new byte[0], new byte[40], HEX.parseHex(SAMPLE_BEACON_CHECKSUM)}) {
            try {
                AdvertCodec.decodeBeacon(p, AdvertTag.keyed(KEY));
            } catch (AdvertFormatException e) {
                c.count(e);
            }
        }
        assertEquals(1, c.get(DropReason.TRUNCATED));
        assertEquals(1, c.get(DropReason.BAD_MAGIC));
        assertEquals(1, c.get(DropReason.TAG_MODE_MISMATCH));
        assertEquals(3, c.total());
        assertEquals(DropReason.values().length, c.snapshot().size());
    }

    // ------------------------------------------------------------ authentication

    @Test
    void forgedAdvertWithTheWrongKeyIsRejected() {
        byte[] otherKey = KEY.clone();
        otherKey[31] ^= 1;
        AdvertTag mine = AdvertTag.keyed(KEY);
        AdvertTag forger = AdvertTag.keyed(otherKey);
        byte[] forged = AdvertCodec.encodeBeacon(SAMPLE, forger);
        AdvertFormatException e = assertThrows(AdvertFormatException.class, () -> AdvertCodec.decodeBeacon(forged, mine));
        assertEquals(DropReason.MAC_MISMATCH, e.reason());
        assertEquals("MAC mismatch: wrong key, forged or corrupted", e.getMessage());
        assertEquals(DropReason.MAC_MISMATCH,
                reason(() -> AdvertCodec.decodeSsid(AdvertCodec.encodeSsid(SAMPLE, forger), mine)));
    }

    @Test
    void checksumAdvertWithTheKeyedBitSetIsNotAcceptedAsKeyed() throws Exception {
        // A stranger who knows the layout sets the keyed bit and recomputes a checksum: still no MAC.
        byte[] b = AdvertCodec.encodeBeacon(SAMPLE, AdvertTag.checksum());
        b[4] |= 0x04; // bit 42
        byte[] tag = AdvertTag.checksum().compute(java.util.Arrays.copyOf(b, 10));
        System.arraycopy(tag, 0, b, 10, 6);
        assertEquals(DropReason.MAC_MISMATCH, reason(() -> AdvertCodec.decodeBeacon(b, AdvertTag.keyed(KEY))));
        assertEquals(DropReason.TAG_MODE_MISMATCH, reason(() -> AdvertCodec.decodeBeacon(b, AdvertTag.checksum())));
    }

    @Test
    void beaconAndSsidTagsAreNotInterchangeable() throws Exception {
        byte[] b = AdvertCodec.encodeBeacon(SAMPLE, AdvertTag.checksum());
        Advert s = AdvertCodec.decodeSsid(AdvertCodec.encodeSsid(SAMPLE, AdvertTag.checksum()), AdvertTag.checksum());
        Advert bb = AdvertCodec.decodeBeacon(b, AdvertTag.checksum());
        assertEquals(s.infoBits(), bb.infoBits());
        assertTrue(s.tag() != bb.tag(), "tags cover different bytes (ASCII prefix vs binary magic)");
    }

    @Test
    void keysAreCheckedAndNeverPrinted() {
        assertThrows(IllegalArgumentException.class, () -> AdvertTag.keyed(new byte[15]));
        assertThrows(IllegalArgumentException.class, () -> AdvertTag.keyed(null));
        byte[] k = KEY.clone();
        AdvertTag t = AdvertTag.keyed(k);
        byte[] before = AdvertCodec.encodeBeacon(SAMPLE, t);
        k[0] ^= 1; // caller's array changes: the tag kept a copy
        assertArrayEquals(before, AdvertCodec.encodeBeacon(SAMPLE, t));
        assertEquals("AdvertTag[KEYED]", t.toString());
        assertEquals(TagMode.CHECKSUM, AdvertTag.checksum().mode());
    }

    @Test
    void verifyRejectsWrongLengthTags() {
        assertTrue(!AdvertTag.checksum().verify(new byte[10], new byte[5]));
        assertTrue(!AdvertTag.checksum().verify(new byte[10], null));
    }
}
