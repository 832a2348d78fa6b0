package net.coopwan.daemon.uplink.failure;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.Inet4Address;
import java.net.InetAddress;

import org.junit.jupiter.api.Test;

class UplinkFailureProbePacketsTest {

    private static final byte[] TOKEN = {1, 2, 3, 4, 5, 6, 7, 8};
    private static final int TARGET = 0xc612c802; // 198.18.200.2

    /** The echo reply a host sends back for our request: IPv4 header from the target, type 0, checksum fixed. */
    private static byte[] replyTo(byte[] request, int len, int from) {
        byte[] b = new byte[20 + len];
        b[0] = 0x45;
        b[2] = (byte) ((20 + len) >>> 8);
        b[3] = (byte) (20 + len);
        b[8] = 64;
        b[9] = 1;
        b[12] = (byte) (from >>> 24);
        b[13] = (byte) (from >>> 16);
        b[14] = (byte) (from >>> 8);
        b[15] = (byte) from;
        System.arraycopy(request, 0, b, 20, len);
        b[20] = 0;
        b[22] = 0;
        b[23] = 0;
        int sum = ProbePackets.checksum(b, 20, len);
        b[22] = (byte) (sum >>> 8);
        b[23] = (byte) sum;
        return b;
    }

    @Test
    void echoRequestHasAGoodChecksumAndTheReplyGivesTheFullProbeNumber() {
        byte[] req = new byte[64];
        long seq = 0x1_0000_0005L; // beyond 16 bits: the payload carries it whole
        int len = ProbePackets.icmpEcho(req, 0xbeef, seq, TOKEN);
        assertEquals(28, len);
        assertEquals(8, req[0]);
        assertEquals(0, ProbePackets.checksum(req, 0, len));
        byte[] reply = replyTo(req, len, TARGET);
        assertEquals(seq, ProbePackets.icmpReplySeq(reply, reply.length, TARGET, 0xbeef, TOKEN));
    }

    @Test
    void foreignOrBadRepliesAreRejected() {
        byte[] req = new byte[64];
        int len = ProbePackets.icmpEcho(req, 0xbeef, 7, TOKEN);
        byte[] good = replyTo(req, len, TARGET);
        assertEquals(-1, ProbePackets.icmpReplySeq(good, good.length, TARGET + 1, 0xbeef, TOKEN), "other sender");
        assertEquals(-1, ProbePackets.icmpReplySeq(good, good.length, TARGET, 0xbeee, TOKEN), "other id");
        assertEquals(-1, ProbePackets.icmpReplySeq(good, good.length, TARGET, 0xbeef, new byte[8]), "other token");
        assertEquals(-1, ProbePackets.icmpReplySeq(good, good.length - 1, TARGET, 0xbeef, TOKEN), "truncated");
        assertEquals(-1, ProbePackets.icmpReplySeq(good, 10, TARGET, 0xbeef, TOKEN), "shorter than a header");
        byte[] corrupt = good.clone();
        corrupt[45] ^= 1;
        assertEquals(-1, ProbePackets.icmpReplySeq(corrupt, corrupt.length, TARGET, 0xbeef, TOKEN), "bad checksum");
        byte[] request = good.clone();
        request[20] = 8; // our own request looped back, not a reply
        assertEquals(-1, ProbePackets.icmpReplySeq(request, request.length, TARGET, 0xbeef, TOKEN));
        byte[] seqMismatch = replyTo(req, len, TARGET);
        seqMismatch[27] = 9; // 16-bit header sequence disagrees with the payload's
        int sum = 0;
        seqMismatch[22] = 0;
        seqMismatch[23] = 0;
        sum = ProbePackets.checksum(seqMismatch, 20, len);
        seqMismatch[22] = (byte) (sum >>> 8);
        seqMismatch[23] = (byte) sum;
        assertEquals(-1, ProbePackets.icmpReplySeq(seqMismatch, seqMismatch.length, TARGET, 0xbeef, TOKEN));
        byte[] v6 = good.clone();
        v6[0] = 0x60;
        assertEquals(-1, ProbePackets.icmpReplySeq(v6, v6.length, TARGET, 0xbeef, TOKEN));
    }

    @Test
    void udpPayloadRoundTrips() {
        byte[] p = new byte[ProbePackets.PAYLOAD + 5];
        ProbePackets.payload(p, 0, TOKEN, 123456789L);
        assertEquals(123456789L, ProbePackets.payloadSeq(p, 0, p.length, TOKEN), "trailing bytes are allowed");
        assertEquals(-1, ProbePackets.payloadSeq(p, 0, ProbePackets.PAYLOAD - 1, TOKEN));
        p[0] = 'X';
        assertEquals(-1, ProbePackets.payloadSeq(p, 0, p.length, TOKEN));
    }

    @Test
    void sockaddrIsFamilyPortAddress() throws Exception {
        byte[] sa = ProbeSocket.sockaddr((Inet4Address) InetAddress.getByName("198.18.200.2"), 7007, new byte[16]);
        assertEquals((byte) 0x1b, sa[2]);
        assertEquals((byte) 0x5f, sa[3]);
        assertEquals((byte) 198, sa[4]);
        assertEquals(2, sa[7]);
        assertEquals(TARGET, ProbeSocket.addressBits((Inet4Address) InetAddress.getByName("198.18.200.2")));
    }
}
