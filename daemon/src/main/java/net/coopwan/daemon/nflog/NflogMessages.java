package net.coopwan.daemon.nflog;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The nfnetlink_log messages (linux/netfilter/nfnetlink_log.h): configuration requests to the
 * kernel, and the splitting of what it sends back into copied packets and acknowledgements.
 * Netlink's own headers ({@code nlmsghdr}, {@code nlattr}) are in the host's byte order, the
 * nfnetlink parts ({@code nfgenmsg.res_id}, the NFULA_CFG values) in network order. Every length is
 * checked against what was received; a datagram that breaks the layout is a {@link NflogFormatException}.
 */
public final class NflogMessages {

    static final ByteOrder HOST = ByteOrder.nativeOrder();
    static final int NLMSG_HDRLEN = 16;
    static final int NFGENMSG_LEN = 4;
    static final int NLMSG_ERROR = 2;
    static final int NLM_F_REQUEST = 1;
    static final int NLM_F_ACK = 4;
    static final int NFNL_SUBSYS_ULOG = 4;
    static final int NFULNL_MSG_PACKET = NFNL_SUBSYS_ULOG << 8;
    static final int NFULNL_MSG_CONFIG = NFNL_SUBSYS_ULOG << 8 | 1;
    static final int NFULA_CFG_CMD = 1;
    static final int NFULA_CFG_MODE = 2;
    static final int NFULA_CFG_TIMEOUT = 4;
    static final int NFULA_CFG_QTHRESH = 5;
    static final int NFULA_PAYLOAD = 9;
    static final int CMD_BIND = 1;
    static final int CMD_PF_BIND = 3;
    static final int COPY_PACKET = 2;
    /** The type bits of nla_type (NLA_F_NESTED and NLA_F_NET_BYTEORDER off). */
    static final int NLA_TYPE_MASK = 0x3fff;

    /** What a received datagram holds. */
    public interface Sink {
        /** One copied packet: {@code len} bytes from {@code off}, the IP header first. */
        void packet(byte[] buf, int off, int len);

        /** The kernel's answer to request {@code seq}: 0 done, else the errno. */
        void answer(int seq, int errno);
    }

    private NflogMessages() {
    }

    /** NFULNL_MSG_CONFIG with NFULA_CFG_CMD {@code command} for {@code group} of protocol family {@code family}. */
    static byte[] command(int seq, int family, int group, int command) {
        return config(seq, family, group, NFULA_CFG_CMD, new byte[] {(byte) command});
    }

    /** NFULA_CFG_MODE: copy whole packets, at most {@code copyRange} bytes each. */
    static byte[] copyPackets(int seq, int group, int copyRange) {
        byte[] mode = ByteBuffer.allocate(6).order(ByteOrder.BIG_ENDIAN).putInt(copyRange).put((byte) COPY_PACKET).array();
        return config(seq, 0, group, NFULA_CFG_MODE, mode);
    }

    /** A 32-bit NFULA_CFG value (the queue threshold, the flush timeout). */
    static byte[] value(int seq, int group, int attribute, int value) {
        return config(seq, 0, group, attribute, ByteBuffer.allocate(4).order(ByteOrder.BIG_ENDIAN).putInt(value).array());
    }

    private static byte[] config(int seq, int family, int group, int attribute, byte[] value) {
        int attrLen = 4 + value.length;
        int len = NLMSG_HDRLEN + NFGENMSG_LEN + align(attrLen);
        ByteBuffer b = ByteBuffer.allocate(len).order(HOST);
        b.putInt(len).putShort((short) NFULNL_MSG_CONFIG).putShort((short) (NLM_F_REQUEST | NLM_F_ACK)).putInt(seq).putInt(0);
        b.put((byte) family).put((byte) 0).order(ByteOrder.BIG_ENDIAN).putShort((short) group).order(HOST);
        b.putShort((short) attrLen).putShort((short) attribute).put(value);
        return b.array();
    }

    static int align(int n) {
        return (n + 3) & ~3;
    }

    /**
     * Hands every packet and answer in the first {@code len} bytes of {@code buf} (one datagram) to
     * {@code sink}; other message types are skipped. Packets before a broken message are handed on.
     */
    public static void parse(byte[] buf, int len, Sink sink) throws NflogFormatException {
        if (len < 0 || len > buf.length) {
            throw new NflogFormatException("length " + len + " outside the buffer");
        }
        ByteBuffer b = ByteBuffer.wrap(buf, 0, len).order(HOST);
        int pos = 0;
        while (pos < len) {
            if (len - pos < NLMSG_HDRLEN) {
                throw new NflogFormatException((len - pos) + " bytes left, less than a netlink header");
            }
            long mlen = b.getInt(pos) & 0xffff_ffffL;
            int type = b.getShort(pos + 4) & 0xffff;
            int seq = b.getInt(pos + 8);
            if (mlen < NLMSG_HDRLEN || mlen > len - pos) {
                throw new NflogFormatException("message length " + mlen + " at " + pos + " of " + len);
            }
            int end = pos + (int) mlen;
            if (type == NLMSG_ERROR) {
                if (mlen < NLMSG_HDRLEN + 4) {
                    throw new NflogFormatException("error message of " + mlen + " bytes");
                }
                sink.answer(seq, -b.getInt(pos + NLMSG_HDRLEN));
            } else if (type == NFULNL_MSG_PACKET) {
                if (mlen < NLMSG_HDRLEN + NFGENMSG_LEN) {
                    throw new NflogFormatException("packet message of " + mlen + " bytes");
                }
                attributes(b, buf, pos + NLMSG_HDRLEN + NFGENMSG_LEN, end, sink);
            }
            pos = (int) Math.min(len, (long) pos + align((int) mlen));
        }
    }

    private static void attributes(ByteBuffer b, byte[] buf, int pos, int end, Sink sink) throws NflogFormatException {
        int payloadOff = -1;
        int payloadLen = 0;
        while (pos < end) {
            if (end - pos < 4) {
                throw new NflogFormatException((end - pos) + " bytes left, less than an attribute header");
            }
            int alen = b.getShort(pos) & 0xffff;
            int type = b.getShort(pos + 2) & NLA_TYPE_MASK;
            if (alen < 4 || alen > end - pos) {
                throw new NflogFormatException("attribute length " + alen + " with " + (end - pos) + " bytes left");
            }
            if (type == NFULA_PAYLOAD) {
                payloadOff = pos + 4;
                payloadLen = alen - 4;
            }
            pos = Math.min(end, pos + align(alen));
        }
        if (payloadOff >= 0) {
            sink.packet(buf, payloadOff, payloadLen);
        }
    }
}
