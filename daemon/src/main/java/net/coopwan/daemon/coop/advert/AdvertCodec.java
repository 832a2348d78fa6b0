package net.coopwan.daemon.coop.advert;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Encodes and decodes discovery adverts (seed 001 [0104]-[0110]) in their two forms. Stateless
 * and thread-safe; no I/O. Layout and reasons: {@code docs/PROTOCOL.md}, "Discovery adverts".
 *
 * <h2>UDP beacon payload (16 bytes, big-endian)</h2>
 * <pre>
 * offset  size  field
 *  0      4     magic 0x434F4F50 ("COOP")
 *  4      6     information, 48 bits; bits 47-44 (high nibble of byte 4) = version 1
 * 10      6     tag over bytes 0-9 (magic + information)
 * </pre>
 *
 * <h2>SSID form (29 ASCII characters)</h2>
 * {@code COOP-ROUTER XXXXXXXX YYYYYYYY}: XXXXXXXX is the information and YYYYYYYY the tag,
 * each 6 bytes as 8 symbols of standard base64 (RFC 4648 alphabet {@code A-Za-z0-9+/}, no
 * padding; 8 x 6 = 48 bits exactly, so every 48-bit value has exactly one spelling and every
 * spelling is a different value). The tag covers the first 20 characters
 * {@code "COOP-ROUTER XXXXXXXX"} as ASCII. Case matters (base64 and SSIDs are case-sensitive).
 *
 * <h2>Decoding</h2>
 * Decoding throws only {@link AdvertFormatException}, whose {@link DropReason} the caller
 * counts; any input, including null, gives a verified {@link Advert} or that exception.
 * Checks run cheapest first: magic, length, pattern, version, tag mode, then the tag. A
 * receiver holding several peer keys may try each one; a mode mismatch is detected before any
 * hashing.
 */
public final class AdvertCodec {
    /** Beacon magic, ASCII "COOP", at offset 0 ([0105]: "4 bytes ... at zero offset"). */
    public static final int MAGIC = 0x434F4F50;
    /** The information layout version this codec speaks. */
    public static final int VERSION = 1;
    /** Beacon payload size in bytes. */
    public static final int BEACON_LENGTH = 16;
    /** SSID prefix; acts as the magic of the SSID form ([0109] a). */
    public static final String SSID_PREFIX = "COOP-ROUTER";
    /** SSID length in characters (fits the 32-octet 802.11 limit). */
    public static final int SSID_LENGTH = 29;
    /** Characters covered by the SSID tag: {@code "COOP-ROUTER XXXXXXXX"}. */
    public static final int SSID_COVERED = 20;
    /** The exact SSID pattern ({@link java.util.regex.Matcher#matches()} anchors both ends). */
    public static final Pattern SSID_PATTERN =
            Pattern.compile("COOP-ROUTER [A-Za-z0-9+/]{8} [A-Za-z0-9+/]{8}");

    private static final int INFO_OFFSET = 4;
    private static final int TAG_OFFSET = 10;
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    private AdvertCodec() {
    }

    // ---------------------------------------------------------------- beacon

    /** The 16-byte beacon payload of {@code info}, tagged with {@code tag} (mode bit set from it). */
    public static byte[] encodeBeacon(AdvertInfo info, AdvertTag tag) {
        byte[] out = new byte[BEACON_LENGTH];
        putInt(out, 0, MAGIC);
        put48(out, INFO_OFFSET, wireBits(info, tag));
        byte[] t = tag.compute(covered(out));
        System.arraycopy(t, 0, out, TAG_OFFSET, AdvertTag.LENGTH);
        return out;
    }

    /** Decodes and verifies a whole beacon payload; see {@link #decodeBeacon(byte[], int, int, AdvertTag)}. */
    public static Advert decodeBeacon(byte[] payload, AdvertTag tag) throws AdvertFormatException {
        return decodeBeacon(payload, 0, payload == null ? 0 : payload.length, tag);
    }

    /**
     * Decodes and verifies {@code len} bytes of {@code buf} from {@code off} (e.g. a datagram's
     * buffer) with the verifier {@code tag}.
     *
     * @throws AdvertFormatException with the drop reason; never anything else for any content.
     *                               Offsets outside {@code buf} are reported as
     *                               {@link DropReason#TRUNCATED}.
     */
    public static Advert decodeBeacon(byte[] buf, int off, int len, AdvertTag tag) throws AdvertFormatException {
        Objects.requireNonNull(tag, "tag");
        if (buf == null || off < 0 || len < 0 || off > buf.length - len) {
            throw new AdvertFormatException(DropReason.TRUNCATED,
                    "truncated: no payload in range, need " + BEACON_LENGTH);
        }
        int magicBytes = Math.min(len, 4);
        for (int i = 0; i < magicBytes; i++) {
            if (buf[off + i] != (byte) (MAGIC >>> (24 - 8 * i))) {
                throw new AdvertFormatException(DropReason.BAD_MAGIC,
                        "bad magic: " + hex(buf, off, magicBytes) + ", want " + String.format("%08x", MAGIC));
            }
        }
        if (len < BEACON_LENGTH) {
            throw new AdvertFormatException(DropReason.TRUNCATED,
                    "truncated: " + len + " bytes, need " + BEACON_LENGTH);
        }
        long bits = get48(buf, off + INFO_OFFSET);
        checkVersion(bits);
        if (len > BEACON_LENGTH) {
            throw new AdvertFormatException(DropReason.TOO_LONG,
                    "too long: " + len + " bytes, want " + BEACON_LENGTH + " for version " + VERSION);
        }
        TagMode mode = checkMode(bits, tag);
        byte[] covered = new byte[TAG_OFFSET];
        System.arraycopy(buf, off, covered, 0, TAG_OFFSET);
        byte[] received = new byte[AdvertTag.LENGTH];
        System.arraycopy(buf, off + TAG_OFFSET, received, 0, AdvertTag.LENGTH);
        checkTag(tag, covered, received);
        return new Advert(Advert.Form.BEACON, MAGIC, VERSION, mode, AdvertInfo.fromBits(bits), get48(received, 0));
    }

    // ---------------------------------------------------------------- SSID

    /** The SSID {@code COOP-ROUTER XXXXXXXX YYYYYYYY} of {@code info}, tagged with {@code tag}. */
    public static String encodeSsid(AdvertInfo info, AdvertTag tag) {
        byte[] infoBytes = new byte[6];
        put48(infoBytes, 0, wireBits(info, tag));
        String head = SSID_PREFIX + " " + B64.encodeToString(infoBytes);
        byte[] t = tag.compute(head.getBytes(StandardCharsets.US_ASCII));
        return head + " " + B64.encodeToString(t);
    }

    /**
     * Decodes and verifies SSID octets as received in a beacon or probe response (0-32 octets,
     * any values; non-ASCII octets never match the pattern).
     */
    public static Advert decodeSsid(byte[] ssidOctets, AdvertTag tag) throws AdvertFormatException {
        if (ssidOctets == null) {
            throw new AdvertFormatException(DropReason.TRUNCATED, "truncated: no SSID, need " + SSID_LENGTH);
        }
        return decodeSsid(new String(ssidOctets, StandardCharsets.ISO_8859_1), tag);
    }

    /** Decodes and verifies an SSID string with the verifier {@code tag}. */
    public static Advert decodeSsid(CharSequence ssid, AdvertTag tag) throws AdvertFormatException {
        Objects.requireNonNull(tag, "tag");
        if (ssid == null) {
            throw new AdvertFormatException(DropReason.TRUNCATED, "truncated: no SSID, need " + SSID_LENGTH);
        }
        String s = ssid.toString();
        if (s.isEmpty()) {
            throw new AdvertFormatException(DropReason.BAD_MAGIC, "bad magic: empty SSID (hidden network)");
        }
        int n = Math.min(s.length(), SSID_PREFIX.length());
        if (!SSID_PREFIX.regionMatches(0, s, 0, n)) {
            throw new AdvertFormatException(DropReason.BAD_MAGIC, "bad magic: SSID does not start with " + SSID_PREFIX);
        }
        if (s.length() < SSID_LENGTH) {
            throw new AdvertFormatException(DropReason.TRUNCATED,
                    "truncated: " + s.length() + " characters, need " + SSID_LENGTH);
        }
        if (s.length() > SSID_LENGTH) {
            throw new AdvertFormatException(DropReason.TOO_LONG,
                    "too long: " + s.length() + " characters, want " + SSID_LENGTH);
        }
        if (!SSID_PATTERN.matcher(s).matches()) {
            throw new AdvertFormatException(DropReason.BAD_PATTERN,
                    "bad pattern: want 'COOP-ROUTER <8 base64> <8 base64>'");
        }
        byte[] infoBytes;
        byte[] received;
        try {
            infoBytes = B64D.decode(s.substring(12, 20));
            received = B64D.decode(s.substring(21, 29));
        } catch (IllegalArgumentException e) { // unreachable after the pattern; kept as a guard
            throw new AdvertFormatException(DropReason.BAD_PATTERN, "bad pattern: not base64");
        }
        long bits = get48(infoBytes, 0);
        checkVersion(bits);
        TagMode mode = checkMode(bits, tag);
        checkTag(tag, s.substring(0, SSID_COVERED).getBytes(StandardCharsets.US_ASCII), received);
        return new Advert(Advert.Form.SSID, MAGIC, VERSION, mode, AdvertInfo.fromBits(bits), get48(received, 0));
    }

    // ---------------------------------------------------------------- helpers

    private static long wireBits(AdvertInfo info, AdvertTag tag) {
        Objects.requireNonNull(info, "info");
        Objects.requireNonNull(tag, "tag");
        return (long) VERSION << AdvertInfo.VERSION_SHIFT
                | (tag.mode() == TagMode.KEYED ? AdvertInfo.KEYED_BIT : 0)
                | info.toBits();
    }

    private static byte[] covered(byte[] beacon) {
        byte[] c = new byte[TAG_OFFSET];
        System.arraycopy(beacon, 0, c, 0, TAG_OFFSET);
        return c;
    }

    private static void checkVersion(long bits) throws AdvertFormatException {
        int version = (int) (bits >>> AdvertInfo.VERSION_SHIFT & 15);
        if (version != VERSION) {
            throw new AdvertFormatException(DropReason.UNSUPPORTED_VERSION,
                    "unsupported version " + version + " (supported: " + VERSION + ")");
        }
    }

    private static TagMode checkMode(long bits, AdvertTag tag) throws AdvertFormatException {
        TagMode mode = (bits & AdvertInfo.KEYED_BIT) != 0 ? TagMode.KEYED : TagMode.CHECKSUM;
        if (mode != tag.mode()) {
            throw new AdvertFormatException(DropReason.TAG_MODE_MISMATCH,
                    "tag mode mismatch: advert is " + mode + ", verifier is " + tag.mode());
        }
        return mode;
    }

    private static void checkTag(AdvertTag tag, byte[] covered, byte[] received) throws AdvertFormatException {
        if (!tag.verify(covered, received)) {
            if (tag.mode() == TagMode.KEYED) {
                throw new AdvertFormatException(DropReason.MAC_MISMATCH, "MAC mismatch: wrong key, forged or corrupted");
            }
            throw new AdvertFormatException(DropReason.CHECKSUM_MISMATCH, "checksum mismatch");
        }
    }

    private static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    private static void put48(byte[] b, int off, long v) {
        for (int i = 0; i < 6; i++) {
            b[off + i] = (byte) (v >>> (40 - 8 * i));
        }
    }

    private static long get48(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 6; i++) {
            v = v << 8 | (b[off + i] & 0xFF);
        }
        return v;
    }

    private static String hex(byte[] b, int off, int len) {
        StringBuilder sb = new StringBuilder(len * 2);
        for (int i = 0; i < len; i++) {
            sb.append(String.format("%02x", b[off + i] & 0xFF));
        }
        return sb.toString();
    }
}
