package net.coopwan.daemon.datapath;

import java.nio.ByteBuffer;

/** The few fields of an inner IP packet the data plane looks at, read without allocating. */
final class InnerPacket {
    private InnerPacket() {
    }

    /** 4 or 6 from the first nibble, 0 when the packet is empty or not IP. */
    static int version(ByteBuffer b, int at, int length) {
        if (length < 1) {
            return 0;
        }
        int v = (b.get(at) & 0xff) >>> 4;
        if (v == 4 && length >= 20) {
            return 4;
        }
        if (v == 6 && length >= 40) {
            return 6;
        }
        return 0;
    }

    /** IPv4 source address as an int; the caller checked {@link #version} is 4. */
    static int ipv4Source(ByteBuffer b, int at) {
        return b.getInt(at + 12);
    }

    /** IPv4 destination address as an int; the caller checked {@link #version} is 4. */
    static int ipv4Destination(ByteBuffer b, int at) {
        return b.getInt(at + 16);
    }

    static int ipv4(java.net.Inet4Address a) {
        byte[] x = a.getAddress();
        return ((x[0] & 0xff) << 24) | ((x[1] & 0xff) << 16) | ((x[2] & 0xff) << 8) | (x[3] & 0xff);
    }
}
