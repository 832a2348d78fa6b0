package net.coopwan.daemon.coop.channel;

import java.nio.ByteBuffer;

/**
 * The 16-byte header of every channel datagram on the peer port (big-endian), in clear; for
 * sealed kinds it is the AEAD's associated data:
 *
 * <pre>
 *  0      1      2      3      4              8                              16
 * +------+------+------+------+--------------+------------------------------+
 * | ver  | kind | flags| rsvd |  session id  |  packet number (64)          |
 * +------+------+------+------+--------------+------------------------------+
 * </pre>
 *
 * Not the tunnel's 28-byte header: the channel has no links, buckets, flow numbers or send
 * times, and its kinds are its own (the tunnel's codes 10-15 stay free for forwarded data).
 * The layout of the first 16 bytes is the tunnel header's first 16, so one reader of captures
 * reads both.
 */
public final class ChannelHeader {
    public static final int VERSION = 1;
    public static final int LENGTH = 16;
    public static final int TAG = 16;
    /** Largest datagram accepted: a pairing round 1 (at most 1159 bytes) plus the header. */
    public static final int MAX_DATAGRAM = 1400;

    /** What a datagram carries (byte 1). Codes are stable on the wire. */
    public enum Kind {
        /** Pairing, entering side: its router id. Starts a pairing run. */
        PAIR_HELLO(1, false),
        /** One J-PAKE message (PairingCodec), either side. */
        PAIR_MESSAGE(2, false),
        /** The showing side refuses: u8 reason | UTF-8 text. */
        PAIR_REFUSED(3, false),
        /** Session handshake init: ids, ephemeral key, MAC under the channel secret. */
        HELLO_INIT(4, false),
        /** Session handshake reply: id, ephemeral key, MAC; session id = key id. */
        HELLO_REPLY(5, false),
        /** Sealed keep-alive, empty plaintext. */
        KEEPALIVE(6, true),
        /** Sealed cooperation message (offer, response, ack, request, verdict): coop.negotiation.CoopCodec. */
        COOP_MESSAGE(7, true),
        /** Sealed emergency-connection message (request, ack, terminate): coop.emergency.EmergencyCodec. */
        EMERGENCY(8, true),
        /** Sealed bandwidth-sharing message (offer, use, answer, release): coop.sharing.SharingCodec. */
        SHARING(9, true),
        /** Sealed suppression message (request, stop, answer): coop.suppression.SuppressionCodec. */
        SUPPRESSION(10, true),
        /** Sealed common-ISP report (route to the common target, RTT samples): coop.commonisp.CommonIspCodec. */
        COMMON_ISP(11, true);

        private final int code;
        private final boolean sealed;

        Kind(int code, boolean sealed) {
            this.code = code;
            this.sealed = sealed;
        }

        public int code() {
            return code;
        }

        public boolean sealed() {
            return sealed;
        }

        public static Kind of(int code) {
            for (Kind k : values()) {
                if (k.code == code) {
                    return k;
                }
            }
            return null;
        }
    }

    private ChannelHeader() {
    }

    public static void write(ByteBuffer b, Kind kind, int sessionId, long packetNumber) {
        b.put(0, (byte) VERSION);
        b.put(1, (byte) kind.code());
        b.put(2, (byte) 0);
        b.put(3, (byte) 0);
        b.putInt(4, sessionId);
        b.putLong(8, packetNumber);
    }

    public static Kind kind(ByteBuffer b) {
        return Kind.of(b.get(1) & 0xff);
    }

    public static int sessionId(ByteBuffer b) {
        return b.getInt(4);
    }

    public static long packetNumber(ByteBuffer b) {
        return b.getLong(8);
    }

    /** Version and kind ok and long enough for the kind's minimum; else false (caller counts). */
    public static boolean versionOk(ByteBuffer b) {
        return (b.get(0) & 0xff) == VERSION && b.get(2) == 0 && b.get(3) == 0;
    }
}
