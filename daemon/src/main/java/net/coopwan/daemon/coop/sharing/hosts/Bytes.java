package net.coopwan.daemon.coop.sharing.hosts;

/** Big-endian reads for the parsers; the callers check the bounds first. */
final class Bytes {
    private Bytes() {
    }

    static int u8(byte[] b, int i) {
        return b[i] & 0xff;
    }

    static int u16(byte[] b, int i) {
        return (b[i] & 0xff) << 8 | (b[i + 1] & 0xff);
    }

    static int u24(byte[] b, int i) {
        return (b[i] & 0xff) << 16 | u16(b, i + 1);
    }

    static int u32(byte[] b, int i) {
        return u16(b, i) << 16 | u16(b, i + 2);
    }

    /** The caller's slice lies inside the array (a bug of the caller otherwise, not bad input). */
    static void require(byte[] b, int off, int len) {
        if (off < 0 || len < 0 || off > b.length - len) {
            throw new IllegalArgumentException("slice " + off + "+" + len + " outside " + b.length + " bytes");
        }
    }
}
