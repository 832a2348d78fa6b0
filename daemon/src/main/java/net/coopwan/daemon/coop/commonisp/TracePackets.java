package net.coopwan.daemon.coop.commonisp;

import net.coopwan.daemon.uplink.failure.ProbePackets;

/**
 * The bytes of the trace's probes and the reading of what comes back, apart from sockets so they
 * are tested on their own (the input is network input: anything that is not ours is ignored, never
 * thrown). A probe is an ICMP echo request: identifier = the trace's random 16 bits, sequence =
 * {@code round * 64 + ttl}, payload {@code "CWTR"} and the trace's 8-byte token. A hop answers with
 * ICMP time exceeded (or destination unreachable) quoting our IPv4 header and the first 8 bytes of
 * our echo (RFC 792: routers need quote no more), so a quote is matched on destination, protocol,
 * identifier and sequence; the target answers with an echo reply, matched on identifier, sequence,
 * token and checksum.
 */
final class TracePackets {

    static final int ICMP_ECHO_REPLY = 0;
    static final int ICMP_UNREACHABLE = 3;
    static final int ICMP_ECHO = 8;
    static final int ICMP_TIME_EXCEEDED = 11;
    static final int PROBE_LENGTH = 8 + 12;
    /** TTLs per round: the sequence number carries the TTL in its low 6 bits. */
    static final int TTL_SPAN = 64;
    private static final byte[] MAGIC = {'C', 'W', 'T', 'R'};

    private TracePackets() {
    }

    /** What answered a probe. */
    enum Kind { TIME_EXCEEDED, UNREACHABLE, ECHO_REPLY }

    /**
     * One answer to one of our probes.
     *
     * @param kind what it was
     * @param from the answering address (IPv4 source of the answer)
     * @param ttl  the TTL the probe was sent with (1..63)
     */
    record Answer(Kind kind, int from, int ttl) {
    }

    /** Our echo request for {@code ttl} in {@code round}; returns its length. */
    static int probe(byte[] out, int id, int round, int ttl, byte[] token) {
        if (ttl < 1 || ttl >= TTL_SPAN || round < 0 || round >= 1024) {
            throw new IllegalArgumentException("ttl 1-63, round 0-1023: " + ttl + ", " + round);
        }
        ProbePackets.echoHeader(out, id, round * TTL_SPAN + ttl);
        System.arraycopy(MAGIC, 0, out, 8, 4);
        System.arraycopy(token, 0, out, 12, 8);
        ProbePackets.sealChecksum(out, PROBE_LENGTH);
        return PROBE_LENGTH;
    }

    /**
     * Reads a datagram of a raw ICMP socket (IPv4 header first): the answer to one of our probes
     * to {@code target}, or null when it is anything else (too short, not ours, bad checksum).
     */
    static Answer read(byte[] b, int len, int target, int id, byte[] token) {
        int ihl = ipHeader(b, 0, len);
        if (ihl < 0 || (b[9] & 0xff) != 1 || len < ihl + 8) {
            return null;
        }
        int from = int32(b, 12);
        int type = b[ihl] & 0xff;
        if (type == ICMP_ECHO_REPLY) {
            if (from != target || len < ihl + PROBE_LENGTH || b[ihl + 1] != 0
                    || ProbePackets.checksum(b, ihl, Math.min(len, totalLength(b, len)) - ihl) != 0
                    || !ours(b, ihl, id) || !tokenMatches(b, ihl + 8, token)) {
                return null;
            }
            return answer(Kind.ECHO_REPLY, from, b, ihl);
        }
        if (type != ICMP_TIME_EXCEEDED && type != ICMP_UNREACHABLE) {
            return null;
        }
        // the quote: our IPv4 header, then at least the first 8 bytes of our echo
        int q = ihl + 8;
        int qihl = ipHeader(b, q, len);
        if (qihl < 0 || (b[q + 9] & 0xff) != 1 || int32(b, q + 16) != target || len < q + qihl + 8
                || (b[q + qihl] & 0xff) != ICMP_ECHO || !ours(b, q + qihl, id)) {
            return null;
        }
        return answer(type == ICMP_TIME_EXCEEDED ? Kind.TIME_EXCEEDED : Kind.UNREACHABLE, from, b, q + qihl);
    }

    private static Answer answer(Kind kind, int from, byte[] b, int icmp) {
        int ttl = (((b[icmp + 6] & 0xff) << 8) | (b[icmp + 7] & 0xff)) % TTL_SPAN;
        return ttl == 0 ? null : new Answer(kind, from, ttl);
    }

    private static boolean ours(byte[] b, int icmp, int id) {
        return (((b[icmp + 4] & 0xff) << 8) | (b[icmp + 5] & 0xff)) == (id & 0xffff);
    }

    private static boolean tokenMatches(byte[] b, int off, byte[] token) {
        for (int i = 0; i < 4; i++) {
            if (b[off + i] != MAGIC[i]) {
                return false;
            }
        }
        for (int i = 0; i < 8; i++) {
            if (b[off + 4 + i] != token[i]) {
                return false;
            }
        }
        return true;
    }

    /** The IPv4 header length at {@code off}, or -1 when there is no whole IPv4 header. */
    private static int ipHeader(byte[] b, int off, int len) {
        if (len - off < 20 || (b[off] & 0xf0) != 0x40) {
            return -1;
        }
        int ihl = (b[off] & 0x0f) * 4;
        return ihl < 20 || len - off < ihl ? -1 : ihl;
    }

    private static int totalLength(byte[] b, int len) {
        int t = ((b[2] & 0xff) << 8) | (b[3] & 0xff);
        return t < 20 ? len : t;
    }

    static int int32(byte[] b, int off) {
        return ((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
    }
}
