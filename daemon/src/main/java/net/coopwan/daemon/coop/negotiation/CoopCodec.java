package net.coopwan.daemon.coop.negotiation;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import net.coopwan.config.CooperationType;
import net.coopwan.config.ParameterRange;
import net.coopwan.daemon.api.UplinkStatus;
import net.coopwan.daemon.coop.advert.UplinkType;
import net.coopwan.daemon.coop.agreement.Offer;
import net.coopwan.daemon.coop.agreement.Response;
import net.coopwan.daemon.coop.channel.ChannelHeader;

/**
 * The plaintext of a COOP_MESSAGE (docs/PROTOCOL.md 3.11), big-endian:
 *
 * <pre>
 * 0  u8   message type: 1 OFFER, 2 RESPONSE, 3 ACK, 4 REQUEST, 5 VERDICT, 6 INFO_REQUEST, 7 INFO
 * 1  u32  message id
 * 5  body
 *   OFFER     u8 n types; n x { u8 type, u8 m; m x { name, i64 min, i64 max } }
 *   RESPONSE  u8 outcome (0 approved, 1 rejected, 2 invalid offer);
 *             approved: u8 n; n x { u8 type, u8 m; m x { name, i64 value } }; else text
 *   ACK       (empty; the id is the one acknowledged)
 *   REQUEST   u8 type, u8 m; m x { name, i64 value }
 *   VERDICT   u32 id answered, u8 accepted (0|1), text
 *   INFO_REQUEST (empty)
 *   INFO      u32 id answered, u8 shared (0|1); shared: u8 n (0-12); n x { uplink, u8 uplink type (0-7),
 *             u8 state (0 up, 1 down, 2 missing, 3 disabled), i64 down kbit/s, i64 up kbit/s,
 *             u16 window s (0-3600), i64 rx avg, i64 tx avg, i64 rx peak, i64 tx peak (bit/s) }; else text
 * name: u8 length 1-40, ASCII [a-z0-9_];  text: u16 length 0-512, UTF-8
 * uplink: u8 length 1-40, ASCII [A-Za-z0-9_] (a UCI section name), each once per message
 * figures: never negative, each peak at least its average
 * type: 1 emergency, 2 bandwidth_sharing, 3 duplication, 4 suppression
 * </pre>
 *
 * Parsing is strict and canonical (types in ascending code, parameters in ascending name order,
 * each once; no trailing bytes; every length checked before it is read: one message has one
 * encoding) and throws only {@link CoopFormatException}: the plaintext is authenticated,
 * so a malformed one is a bug or a different version on the peer, and it is counted, not trusted.
 */
public final class CoopCodec {
    public static final int OFFER = 1;
    public static final int RESPONSE = 2;
    public static final int ACK = 3;
    public static final int REQUEST = 4;
    public static final int VERDICT = 5;
    public static final int INFO_REQUEST = 6;
    public static final int INFO = 7;
    /** Uplinks in one INFO: more than a router has, and 12 x 93 bytes stay far inside a datagram. */
    public static final int MAX_UPLINKS = 12;
    /** The longest traffic window an INFO may state: an hour (the sampler uses 60 s). */
    public static final int MAX_WINDOW_S = 3600;
    /** The largest plaintext a channel datagram carries. */
    public static final int MAX_PLAINTEXT = ChannelHeader.MAX_DATAGRAM - ChannelHeader.LENGTH - ChannelHeader.TAG;
    public static final int MAX_NAME = 40;
    public static final int MAX_TEXT = 512;
    /** More parameters than any type has, fewer than a datagram holds. */
    public static final int MAX_PARAMS = 8;

    private static final CooperationType[] TYPES = {CooperationType.EMERGENCY, CooperationType.BANDWIDTH_SHARING,
            CooperationType.DUPLICATION, CooperationType.SUPPRESSION};

    private CoopCodec() {
    }

    static int typeCode(CooperationType t) {
        for (int i = 0; i < TYPES.length; i++) {
            if (TYPES[i] == t) {
                return i + 1;
            }
        }
        throw new IllegalArgumentException("no wire code for " + t);
    }

    // ------------------------------------------------------------------ encode

    /** The plaintext of {@code m}. @throws IllegalArgumentException if it cannot be encoded (too large, bad name) */
    public static byte[] encode(CoopMessage m) {
        ByteBuffer b = ByteBuffer.allocate(MAX_PLAINTEXT);
        try {
            if (m instanceof CoopMessage.OfferMessage o) {
                head(b, OFFER, o.id());
                b.put((byte) o.offer().types().size());
                o.offer().types().forEach((type, ranges) -> {
                    b.put((byte) typeCode(type));
                    params(b, ranges.size());
                    ranges.forEach((name, r) -> {
                        name(b, name);
                        b.putLong(r.min());
                        b.putLong(r.max());
                    });
                });
            } else if (m instanceof CoopMessage.ResponseMessage r) {
                head(b, RESPONSE, r.id());
                b.put((byte) r.outcome().ordinal());
                if (r.outcome() == CoopMessage.Outcome.APPROVED) {
                    b.put((byte) r.response().approved().size());
                    r.response().approved().forEach((type, values) -> {
                        b.put((byte) typeCode(type));
                        values(b, values);
                    });
                } else {
                    text(b, r.reason());
                }
            } else if (m instanceof CoopMessage.Ack a) {
                head(b, ACK, a.id());
            } else if (m instanceof CoopMessage.RequestMessage q) {
                head(b, REQUEST, q.id());
                b.put((byte) typeCode(q.type()));
                values(b, q.values());
            } else if (m instanceof CoopMessage.VerdictMessage v) {
                head(b, VERDICT, v.id());
                b.putInt((int) v.about());
                b.put((byte) (v.accepted() ? 1 : 0));
                text(b, v.reason());
            } else if (m instanceof CoopMessage.InfoRequestMessage q) {
                head(b, INFO_REQUEST, q.id());
            } else if (m instanceof CoopMessage.InfoMessage i) {
                head(b, INFO, i.id());
                b.putInt((int) i.about());
                info(b, i.info());
            }
        } catch (java.nio.BufferOverflowException e) {
            throw new IllegalArgumentException("message larger than " + MAX_PLAINTEXT + " bytes");
        }
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }

    private static void head(ByteBuffer b, int type, long id) {
        if (id < 0 || id > 0xffff_ffffL) {
            throw new IllegalArgumentException("message id not 32 bits: " + id);
        }
        b.put((byte) type);
        b.putInt((int) id);
    }

    private static void info(ByteBuffer b, RouterInfo info) {
        b.put((byte) (info.shared() ? 1 : 0));
        if (!info.shared()) {
            text(b, info.reason());
            return;
        }
        if (info.uplinks().size() > MAX_UPLINKS) {
            throw new IllegalArgumentException("more than " + MAX_UPLINKS + " uplinks");
        }
        b.put((byte) info.uplinks().size());
        java.util.Set<String> names = new java.util.HashSet<>();
        for (RouterInfo.UplinkFigures u : info.uplinks()) {
            if (!validUplinkName(u.name()) || !names.add(u.name())) {
                throw new IllegalArgumentException("uplink name not encodable or repeated: '" + u.name() + "'");
            }
            if (u.downKbps() < 0 || u.upKbps() < 0 || u.windowS() < 0 || u.windowS() > MAX_WINDOW_S || u.rxAvgBps() < 0
                    || u.txAvgBps() < 0 || u.rxPeakBps() < u.rxAvgBps() || u.txPeakBps() < u.txAvgBps()) {
                throw new IllegalArgumentException("uplink " + u.name() + ": figures out of range: " + u);
            }
            b.put((byte) u.name().length());
            b.put(u.name().getBytes(StandardCharsets.US_ASCII));
            b.put((byte) u.type().code());
            b.put((byte) u.state().ordinal());
            b.putLong(u.downKbps());
            b.putLong(u.upKbps());
            b.putShort((short) u.windowS());
            b.putLong(u.rxAvgBps());
            b.putLong(u.txAvgBps());
            b.putLong(u.rxPeakBps());
            b.putLong(u.txPeakBps());
        }
    }

    /** A UCI section name as the config allows it for an uplink, cut to what a message carries. */
    public static boolean validUplinkName(String s) {
        return s.length() >= 1 && s.length() <= MAX_NAME && s.chars().allMatch(c -> c >= 'a' && c <= 'z'
                || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_');
    }

    private static void params(ByteBuffer b, int n) {
        if (n > MAX_PARAMS) {
            throw new IllegalArgumentException("more than " + MAX_PARAMS + " parameters");
        }
        b.put((byte) n);
    }

    private static void values(ByteBuffer b, Map<String, Long> values) {
        params(b, values.size());
        values.forEach((name, v) -> {
            name(b, name);
            b.putLong(v);
        });
    }

    private static void name(ByteBuffer b, String name) {
        if (!validName(name)) {
            throw new IllegalArgumentException("parameter name not encodable: '" + name + "'");
        }
        b.put((byte) name.length());
        b.put(name.getBytes(StandardCharsets.US_ASCII));
    }

    static boolean validName(String s) {
        return s.length() >= 1 && s.length() <= MAX_NAME && s.chars().allMatch(c -> c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_');
    }

    private static void text(ByteBuffer b, String s) {
        byte[] t = s.getBytes(StandardCharsets.UTF_8);
        if (t.length > MAX_TEXT) {
            // cut at a character boundary: a reason is for people, its end is the least important
            String cut = s;
            while (cut.getBytes(StandardCharsets.UTF_8).length > MAX_TEXT) {
                cut = cut.substring(0, cut.length() - 1);
            }
            t = cut.getBytes(StandardCharsets.UTF_8);
        }
        b.putShort((short) t.length);
        b.put(t);
    }

    // ------------------------------------------------------------------ parse

    /** Parses the bytes from position to limit of {@code b} (positions of {@code b} are not changed). */
    public static CoopMessage parse(ByteBuffer in) throws CoopFormatException {
        ByteBuffer b = in.slice();
        if (b.remaining() > MAX_PLAINTEXT) {
            throw new CoopFormatException("longer than " + MAX_PLAINTEXT + " bytes");
        }
        need(b, 5, "header");
        int type = b.get() & 0xff;
        long id = b.getInt() & 0xffff_ffffL;
        CoopMessage m = switch (type) {
            case OFFER -> {
                int n = count(b, TYPES.length, "types");
                Map<CooperationType, Map<String, ParameterRange>> types = new TreeMap<>();
                for (int i = 0; i < n; i++) {
                    CooperationType t = type(b);
                    int np = count(b, MAX_PARAMS, "parameters");
                    Map<String, ParameterRange> ranges = new TreeMap<>();
                    for (int j = 0; j < np; j++) {
                        String name = name(b);
                        need(b, 16, "range");
                        long min = b.getLong();
                        long max = b.getLong();
                        if (min > max) {
                            throw new CoopFormatException(t.uciName() + " " + name + ": min " + min + " > max " + max);
                        }
                        ascending(ranges, name);
                        ranges.put(name, new ParameterRange(min, max));
                    }
                    ascending(types, t);
                    types.put(t, ranges);
                }
                yield new CoopMessage.OfferMessage(id, new Offer(types));
            }
            case RESPONSE -> {
                need(b, 1, "outcome");
                int o = b.get() & 0xff;
                if (o >= CoopMessage.Outcome.values().length) {
                    throw new CoopFormatException("unknown outcome " + o);
                }
                CoopMessage.Outcome outcome = CoopMessage.Outcome.values()[o];
                if (outcome != CoopMessage.Outcome.APPROVED) {
                    yield CoopMessage.ResponseMessage.refused(id, outcome, text(b));
                }
                int n = count(b, TYPES.length, "types");
                Map<CooperationType, Map<String, Long>> approved = new TreeMap<>();
                for (int i = 0; i < n; i++) {
                    CooperationType t = type(b);
                    ascending(approved, t);
                    approved.put(t, values(b));
                }
                yield CoopMessage.ResponseMessage.approved(id, new Response(approved));
            }
            case ACK -> new CoopMessage.Ack(id);
            case REQUEST -> {
                CooperationType t = type(b);
                yield new CoopMessage.RequestMessage(id, t, values(b));
            }
            case VERDICT -> {
                need(b, 5, "verdict");
                long about = b.getInt() & 0xffff_ffffL;
                int acc = b.get() & 0xff;
                if (acc > 1) {
                    throw new CoopFormatException("accepted flag " + acc);
                }
                yield new CoopMessage.VerdictMessage(id, about, acc == 1, text(b));
            }
            case INFO_REQUEST -> new CoopMessage.InfoRequestMessage(id);
            case INFO -> {
                need(b, 5, "info");
                long about = b.getInt() & 0xffff_ffffL;
                int shared = b.get() & 0xff;
                if (shared > 1) {
                    throw new CoopFormatException("shared flag " + shared);
                }
                yield new CoopMessage.InfoMessage(id, about, shared == 0 ? RouterInfo.refused(text(b)) : routerInfo(b));
            }
            default -> throw new CoopFormatException("unknown message type " + type);
        };
        if (b.hasRemaining()) {
            throw new CoopFormatException(b.remaining() + " bytes after the message");
        }
        return m;
    }

    private static RouterInfo routerInfo(ByteBuffer b) throws CoopFormatException {
        int n = count(b, MAX_UPLINKS, "uplinks");
        List<RouterInfo.UplinkFigures> out = new ArrayList<>();
        java.util.Set<String> names = new java.util.HashSet<>();
        for (int i = 0; i < n; i++) {
            need(b, 1, "uplink name length");
            int len = b.get() & 0xff;
            if (len < 1 || len > MAX_NAME) {
                throw new CoopFormatException("uplink name length " + len);
            }
            need(b, len + 1 + 1 + 8 + 8 + 2 + 32, "uplink");
            byte[] raw = new byte[len];
            b.get(raw);
            String name = new String(raw, StandardCharsets.US_ASCII);
            if (!validUplinkName(name)) {
                throw new CoopFormatException("bad uplink name");
            }
            if (!names.add(name)) {
                throw new CoopFormatException("uplink " + name + " twice");
            }
            int typeCode = b.get() & 0xff;
            if (typeCode >= UplinkType.values().length) {
                throw new CoopFormatException("unknown uplink type " + typeCode);
            }
            UplinkType type = UplinkType.values()[typeCode];
            int st = b.get() & 0xff;
            if (st >= UplinkStatus.State.values().length) {
                throw new CoopFormatException("unknown uplink state " + st);
            }
            long down = nonNegative(b.getLong(), "down kbit/s");
            long up = nonNegative(b.getLong(), "up kbit/s");
            int window = b.getShort() & 0xffff;
            if (window > MAX_WINDOW_S) {
                throw new CoopFormatException("window of " + window + " s, at most " + MAX_WINDOW_S);
            }
            long rxAvg = nonNegative(b.getLong(), "rx average");
            long txAvg = nonNegative(b.getLong(), "tx average");
            long rxPeak = b.getLong();
            long txPeak = b.getLong();
            if (rxPeak < rxAvg || txPeak < txAvg) {
                throw new CoopFormatException("uplink " + name + ": a peak below its average");
            }
            out.add(new RouterInfo.UplinkFigures(name, type, UplinkStatus.State.values()[st], down, up, window, rxAvg,
                    txAvg, rxPeak, txPeak));
        }
        return RouterInfo.shared(out);
    }

    private static long nonNegative(long v, String what) throws CoopFormatException {
        if (v < 0) {
            throw new CoopFormatException(what + " negative: " + v);
        }
        return v;
    }

    private static void need(ByteBuffer b, int n, String what) throws CoopFormatException {
        if (b.remaining() < n) {
            throw new CoopFormatException("truncated " + what + ": " + b.remaining() + " of " + n + " bytes");
        }
    }

    private static int count(ByteBuffer b, int max, String what) throws CoopFormatException {
        need(b, 1, what);
        int n = b.get() & 0xff;
        if (n > max) {
            throw new CoopFormatException(n + " " + what + ", at most " + max);
        }
        return n;
    }

    /** Keys strictly ascending: a repeat or a swap is not the canonical encoding. */
    private static <K extends Comparable<K>> void ascending(Map<K, ?> sorted, K next) throws CoopFormatException {
        K last = sorted.isEmpty() ? null : ((java.util.SortedMap<K, ?>) sorted).lastKey();
        if (last != null && last.compareTo(next) >= 0) {
            throw new CoopFormatException(next + (last.equals(next) ? " twice" : " out of order"));
        }
    }

    private static CooperationType type(ByteBuffer b) throws CoopFormatException {
        need(b, 1, "type");
        int c = b.get() & 0xff;
        if (c < 1 || c > TYPES.length) {
            throw new CoopFormatException("unknown cooperation type " + c);
        }
        return TYPES[c - 1];
    }

    private static Map<String, Long> values(ByteBuffer b) throws CoopFormatException {
        int n = count(b, MAX_PARAMS, "parameters");
        Map<String, Long> out = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            String name = name(b);
            need(b, 8, "value");
            ascending(out, name);
            out.put(name, b.getLong());
        }
        return out;
    }

    private static String name(ByteBuffer b) throws CoopFormatException {
        need(b, 1, "name length");
        int len = b.get() & 0xff;
        if (len < 1 || len > MAX_NAME) {
            throw new CoopFormatException("name length " + len);
        }
        need(b, len, "name");
        byte[] raw = new byte[len];
        b.get(raw);
        String s = new String(raw, StandardCharsets.US_ASCII);
        if (!validName(s)) {
            throw new CoopFormatException("bad parameter name");
        }
        return s;
    }

    private static String text(ByteBuffer b) throws CoopFormatException {
        need(b, 2, "text length");
        int len = b.getShort() & 0xffff;
        if (len > MAX_TEXT) {
            throw new CoopFormatException("text of " + len + " bytes, at most " + MAX_TEXT);
        }
        need(b, len, "text");
        ByteBuffer t = b.slice().limit(len);
        b.position(b.position() + len);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(t).toString();
        } catch (CharacterCodingException e) {
            throw new CoopFormatException("text is not UTF-8");
        }
    }
}
