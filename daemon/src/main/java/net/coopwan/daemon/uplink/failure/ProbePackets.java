package net.coopwan.daemon.uplink.failure;

/**
 * The bytes of our probes and the checks on their replies, apart from sockets so they are
 * tested on their own. Every probe carries a 20-byte payload: {@code "CWFD"}, the prober's
 * random 8-byte token, and the 64-bit probe number, all big-endian. A reply counts only when it
 * comes from the target and carries that payload back, so another program's pings, a stray
 * datagram or a reply meant for an earlier run of the daemon are ignored.
 */
public final class ProbePackets {

    static final int PAYLOAD = 20;
    static final int ICMP_HEADER = 8;
    static final int ICMP_ECHO = 8;
    static final int ICMP_ECHO_REPLY = 0;
    private static final byte[] MAGIC = {'C', 'W', 'F', 'D'};

    private ProbePackets() {
    }

    /** Writes the payload for probe {@code seq} at {@code off}. */
    static void payload(byte[] out, int off, byte[] token, long seq) {
        System.arraycopy(MAGIC, 0, out, off, 4);
        System.arraycopy(token, 0, out, off + 4, 8);
        for (int i = 0; i < 8; i++) {
            out[off + 12 + i] = (byte) (seq >>> (56 - 8 * i));
        }
    }

    /** The probe number in the payload at {@code off}, or -1 when it is not ours. */
    static long payloadSeq(byte[] b, int off, int len, byte[] token) {
        if (len - off < PAYLOAD) {
            return -1;
        }
        for (int i = 0; i < 4; i++) {
            if (b[off + i] != MAGIC[i]) {
                return -1;
            }
        }
        for (int i = 0; i < 8; i++) {
            if (b[off + 4 + i] != token[i]) {
                return -1;
            }
        }
        long seq = 0;
        for (int i = 0; i < 8; i++) {
            seq = (seq << 8) | (b[off + 12 + i] & 0xff);
        }
        return seq;
    }

    /** An ICMP echo request with our payload, 28 bytes, checksum filled in; returns its length. */
    static int icmpEcho(byte[] out, int id, long seq, byte[] token) {
        echoHeader(out, id, (int) seq);
        payload(out, ICMP_HEADER, token, seq);
        int len = ICMP_HEADER + PAYLOAD;
        sealChecksum(out, len);
        return len;
    }

    /**
     * The 8-byte header of an ICMP echo request at the start of {@code out}: type, code, a zero
     * checksum (for {@link #sealChecksum}), {@code id} and the low 16 bits of {@code seq}. Shared
     * with the common-ISP trace's probes.
     */
    public static void echoHeader(byte[] out, int id, int seq) {
        out[0] = ICMP_ECHO;
        out[1] = 0;
        out[2] = 0;
        out[3] = 0;
        out[4] = (byte) (id >>> 8);
        out[5] = (byte) id;
        out[6] = (byte) (seq >>> 8);
        out[7] = (byte) seq;
    }

    /** Fills in the ICMP checksum of the message of {@code len} bytes at the start of {@code out}. */
    public static void sealChecksum(byte[] out, int len) {
        int sum = checksum(out, 0, len);
        out[2] = (byte) (sum >>> 8);
        out[3] = (byte) sum;
    }

    /**
     * The probe number of an echo reply read from a raw ICMP socket (IPv4 header first), or -1
     * when it is not a well-formed reply from {@code target} to us ({@code id}, {@code token}, the
     * 16-bit sequence agreeing with the payload's, a good checksum).
     */
    static long icmpReplySeq(byte[] b, int len, int target, int id, byte[] token) {
        if (len < 20 || (b[0] & 0xf0) != 0x40) {
            return -1;
        }
        int ihl = (b[0] & 0x0f) * 4;
        if (ihl < 20 || len < ihl + ICMP_HEADER + PAYLOAD || (b[9] & 0xff) != ProbeSocket.IPPROTO_ICMP) {
            return -1;
        }
        int src = ((b[12] & 0xff) << 24) | ((b[13] & 0xff) << 16) | ((b[14] & 0xff) << 8) | (b[15] & 0xff);
        int totalLength = ((b[2] & 0xff) << 8) | (b[3] & 0xff);
        int end = Math.min(len, Math.max(totalLength, ihl));
        if (src != target || end < ihl + ICMP_HEADER + PAYLOAD) {
            return -1;
        }
        int i = ihl;
        if (b[i] != ICMP_ECHO_REPLY || b[i + 1] != 0 || checksum(b, i, end - i) != 0) {
            return -1;
        }
        int gotId = ((b[i + 4] & 0xff) << 8) | (b[i + 5] & 0xff);
        int gotSeq16 = ((b[i + 6] & 0xff) << 8) | (b[i + 7] & 0xff);
        long seq = payloadSeq(b, i + ICMP_HEADER, end, token);
        if (gotId != (id & 0xffff) || seq < 0 || (seq & 0xffff) != gotSeq16) {
            return -1;
        }
        return seq;
    }

    /** The Internet checksum (RFC 1071) of {@code len} bytes; 0 over a packet whose checksum is right. */
    public static int checksum(byte[] b, int off, int len) {
        long sum = 0;
        int i = off;
        int end = off + len;
        for (; i + 1 < end; i += 2) {
            sum += ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
        }
        if (i < end) {
            sum += (b[i] & 0xff) << 8;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }
}
