package net.coopwan.daemon.coop.commonisp;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The plaintext of a COMMON_ISP channel datagram (kind 11; docs/PROTOCOL.md 3.15), big-endian:
 *
 * <pre>
 *  0  u8   type: 1 REPORT
 *  1  u32  sequence
 *  5  u32  acked (0: none)
 *  9  u32  target (IPv4)
 * 13  u32  age s of the trace
 * 17  u8   flags: bit 0 the target answered (reached); other bits 0
 * 18  u8   n hops, 0..30
 * 19  n x u32 hop address, 0.0.0.0 = no answer (*)
 *     u16  sample period s (0 without samples, else 1..600)
 *     u32  newest sample's age s
 *     u8   m samples, 0..60
 *     m x u16 RTT ms (65535 = lost)
 * </pre>
 *
 * Strict and canonical: a reached route has at least one hop and ends with the target; no byte
 * after the message; at most {@link #MAX_LENGTH} bytes. Only {@link CommonIspFormatException} is
 * thrown, whatever the bytes.
 */
public final class CommonIspCodec {
    public static final int REPORT = 1;
    private static final int REACHED = 1;
    /** Header 19 + 30 hops + 7 + 60 samples. */
    public static final int MAX_LENGTH = 19 + 4 * Route.MAX_HOPS + 7 + 2 * CommonIspMessage.Samples.MAX;

    private CommonIspCodec() {
    }

    /** Encodes a message; the buffer is flipped (position 0, limit = length). */
    public static ByteBuffer encode(CommonIspMessage m) {
        ByteBuffer b = ByteBuffer.allocate(MAX_LENGTH);
        b.put((byte) REPORT).putInt((int) m.sequence()).putInt((int) m.acked()).putInt(m.target())
                .putInt((int) Math.min(m.ageS(), 0xffff_ffffL));
        b.put((byte) (m.route().reached() ? REACHED : 0)).put((byte) m.route().length());
        for (Hop h : m.route().hops()) {
            b.putInt(h.known() ? h.address() : 0);
        }
        CommonIspMessage.Samples s = m.samples();
        b.putShort((short) s.periodS()).putInt((int) Math.min(s.newestAgeS(), 0xffff_ffffL)).put((byte) s.rttMs().size());
        for (int v : s.rttMs()) {
            b.putShort((short) v);
        }
        return b.flip();
    }

    /** Parses the plaintext from position to limit (consumed). */
    public static CommonIspMessage parse(ByteBuffer in) throws CommonIspFormatException {
        ByteBuffer b = in.slice();
        in.position(in.limit());
        if (b.remaining() > MAX_LENGTH) {
            throw new CommonIspFormatException("longer than " + MAX_LENGTH + " bytes");
        }
        need(b, 19, "header");
        int type = b.get() & 0xff;
        if (type != REPORT) {
            throw new CommonIspFormatException("unknown message type " + type);
        }
        long seq = b.getInt() & 0xffff_ffffL;
        long acked = b.getInt() & 0xffff_ffffL;
        int target = b.getInt();
        long age = b.getInt() & 0xffff_ffffL;
        int flags = b.get() & 0xff;
        int n = b.get() & 0xff;
        if ((flags & ~REACHED) != 0) {
            throw new CommonIspFormatException("unknown flags " + flags);
        }
        if (n > Route.MAX_HOPS) {
            throw new CommonIspFormatException(n + " hops, at most " + Route.MAX_HOPS);
        }
        if (target == 0) {
            throw new CommonIspFormatException("no target");
        }
        need(b, 4 * n, "hops");
        List<Hop> hops = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int a = b.getInt();
            hops.add(a == 0 ? Hop.UNKNOWN : Hop.of(a));
        }
        boolean reached = (flags & REACHED) != 0;
        if (reached && (n == 0 || hops.get(n - 1).address() != target || !hops.get(n - 1).known())) {
            throw new CommonIspFormatException("a reached route must end with the target");
        }
        need(b, 7, "samples header");
        int period = b.getShort() & 0xffff;
        long newestAge = b.getInt() & 0xffff_ffffL;
        int m = b.get() & 0xff;
        if (m > CommonIspMessage.Samples.MAX || (m == 0) != (period == 0) || period > 600) {
            throw new CommonIspFormatException("samples out of range");
        }
        need(b, 2 * m, "samples");
        List<Integer> rtt = new ArrayList<>(m);
        for (int i = 0; i < m; i++) {
            rtt.add(b.getShort() & 0xffff);
        }
        if (b.hasRemaining()) {
            throw new CommonIspFormatException(b.remaining() + " byte(s) after the message");
        }
        return new CommonIspMessage(seq, acked, target, age, new Route(hops, reached),
                new CommonIspMessage.Samples(period, newestAge, rtt));
    }

    private static void need(ByteBuffer b, int n, String what) throws CommonIspFormatException {
        if (b.remaining() < n) {
            throw new CommonIspFormatException(what + " truncated: " + b.remaining() + " of " + n + " bytes");
        }
    }
}
