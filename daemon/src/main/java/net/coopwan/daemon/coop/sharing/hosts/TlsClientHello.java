package net.coopwan.daemon.coop.sharing.hosts;

import java.util.Locale;

/**
 * The server name (SNI, RFC 6066 section 3) of a TLS ClientHello in the first data segment of a
 * session: record header, handshake header, version, random, session id, cipher suites,
 * compression methods, then the extensions until {@code server_name}. Only the bytes of one
 * segment are there: a ClientHello that goes on in the next segment (a large one, with a
 * post-quantum key share, can) and has not reached its {@code server_name} yet is
 * {@link HostDrop#HOSTS_TRUNCATED}; lengths that contradict each other are
 * {@link HostDrop#HOSTS_TLS_MALFORMED}.
 */
public final class TlsClientHello {

    static final int HANDSHAKE = 22;
    static final int CLIENT_HELLO = 1;
    static final int SERVER_NAME = 0;
    static final int HOST_NAME = 0;

    private TlsClientHello() {
    }

    /** Whether {@code len} bytes from {@code off} start like a TLS handshake record. */
    public static boolean looksLike(byte[] b, int off, int len) {
        return len >= 3 && (b[off] & 0xff) == HANDSHAKE && (b[off + 1] & 0xff) == 3;
    }

    /** The host name the client asks for (lowercase), or null when the ClientHello names none. */
    public static String serverName(byte[] b, int off, int len) throws HostFormatException {
        Bytes.require(b, off, len);
        Cursor c = new Cursor(b, off, Long.MAX_VALUE, off + len);
        c.need(5);
        if (Bytes.u8(b, off) != HANDSHAKE || Bytes.u8(b, off + 1) != 3) {
            throw malformed("not a TLS handshake record");
        }
        int record = Bytes.u16(b, off + 3);
        c.pos += 5;
        c.declared = Math.min(c.declared, (long) c.pos + record);
        c.need(4);
        if (Bytes.u8(b, c.pos) != CLIENT_HELLO) {
            throw malformed("handshake type " + Bytes.u8(b, c.pos) + ", not a ClientHello");
        }
        int hello = Bytes.u24(b, c.pos + 1);
        c.pos += 4;
        if (hello > c.declared - c.pos) {
            // a ClientHello in several records: lengths are checked against this record only
            hello = (int) (c.declared - c.pos);
        }
        c.declared = c.pos + hello;
        c.skip(2 + 32); // client_version, random
        c.skip(c.vector(1, 32));
        int suites = c.vector(2, 65534);
        if (suites % 2 != 0) {
            throw malformed("cipher suites of " + suites + " bytes");
        }
        c.skip(suites);
        c.skip(c.vector(1, 255));
        if (c.pos == c.declared) {
            return null; // no extensions at all
        }
        long extensionsEnd = c.pos + 2 + (long) c.vector(2, 65535);
        if (extensionsEnd > c.declared) {
            throw malformed("extensions longer than the ClientHello");
        }
        c.declared = extensionsEnd;
        while (c.pos < c.declared) {
            c.need(4);
            int type = Bytes.u16(b, c.pos);
            int length = Bytes.u16(b, c.pos + 2);
            c.pos += 4;
            if (type != SERVER_NAME) {
                c.skip(length);
                continue;
            }
            long extEnd = c.pos + (long) length;
            int list = c.vector(2, length - 2);
            long listEnd = c.pos + (long) list;
            if (listEnd != extEnd) {
                throw malformed("server_name list of " + list + " bytes in an extension of " + length);
            }
            while (c.pos < listEnd) {
                c.need(1);
                int nameType = Bytes.u8(b, c.pos);
                c.pos++;
                int n = c.vector(2, (int) (listEnd - c.pos - 2));
                if (nameType == HOST_NAME) {
                    c.need(n);
                    return host(b, c.pos, n);
                }
                c.skip(n);
            }
            return null;
        }
        return null;
    }

    /** An SNI host name: 1..255 bytes of printable ASCII without spaces (RFC 6066: no trailing dot needed). */
    private static String host(byte[] b, int at, int n) throws HostFormatException {
        if (n < 1 || n > 255) {
            throw malformed("a host name of " + n + " bytes");
        }
        StringBuilder s = new StringBuilder(n);
        for (int i = at; i < at + n; i++) {
            int ch = b[i] & 0xff;
            if (ch <= 0x20 || ch >= 0x7f) {
                throw malformed("byte " + ch + " in a host name");
            }
            s.append((char) ch);
        }
        return s.toString().toLowerCase(Locale.ROOT);
    }

    /**
     * A position with two ends: {@code declared}, where the lengths say the structure ends, and
     * {@code copied}, where the bytes we have end. Running past the first is malformed, past the
     * second only truncated.
     */
    private static final class Cursor {
        final byte[] b;
        int pos;
        long declared;
        final int copied;

        Cursor(byte[] b, int pos, long declared, int copied) {
            this.b = b;
            this.pos = pos;
            this.declared = declared;
            this.copied = copied;
        }

        void need(int n) throws HostFormatException {
            long upTo = (long) pos + n;
            if (upTo > declared) {
                throw malformed("the ClientHello ends " + (upTo - declared) + " bytes early");
            }
            if (upTo > copied) {
                throw new HostFormatException(HostDrop.HOSTS_TRUNCATED, "the ClientHello goes on in another segment");
            }
        }

        void skip(int n) throws HostFormatException {
            need(n);
            pos += n;
        }

        /** A length of {@code width} bytes (1 or 2), at most {@code max}; the cursor moves past it. */
        int vector(int width, int max) throws HostFormatException {
            need(width);
            int n = width == 1 ? Bytes.u8(b, pos) : Bytes.u16(b, pos);
            if (n > max) {
                throw malformed("a length of " + n + " where at most " + max + " fits");
            }
            pos += width;
            return n;
        }
    }

    private static HostFormatException malformed(String why) {
        return new HostFormatException(HostDrop.HOSTS_TLS_MALFORMED, why);
    }
}
