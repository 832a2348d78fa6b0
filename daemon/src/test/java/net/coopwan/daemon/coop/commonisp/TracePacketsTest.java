package net.coopwan.daemon.coop.commonisp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

import net.coopwan.daemon.uplink.failure.ProbePackets;

/** The trace's probes and the answers it accepts; anything else, however malformed, is ignored. */
class TracePacketsTest {

    static final int TARGET = 0xc6130001; // 198.19.0.1
    static final int HOP = 0xc6120101;
    static final int ID = 0xbeef;
    static final byte[] TOKEN = {1, 2, 3, 4, 5, 6, 7, 8};

    static byte[] probe(int round, int ttl) {
        byte[] p = new byte[TracePackets.PROBE_LENGTH];
        TracePackets.probe(p, ID, round, ttl, TOKEN);
        return p;
    }

    /** An IPv4 header (20 bytes, protocol ICMP) from {@code src} to {@code dst} followed by {@code body}. */
    static byte[] ip(int src, int dst, byte[] body) {
        byte[] b = new byte[20 + body.length];
        b[0] = 0x45;
        b[2] = (byte) (b.length >>> 8);
        b[3] = (byte) b.length;
        b[8] = 1;
        b[9] = 1;
        put(b, 12, src);
        put(b, 16, dst);
        System.arraycopy(body, 0, b, 20, body.length);
        return b;
    }

    static void put(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    /** ICMP {@code type} from {@code from} quoting our IP header and the first {@code quoted} bytes of the probe. */
    static byte[] error(int type, int from, byte[] probe, int quoted) {
        byte[] inner = ip(0xc6120002, TARGET, Arrays.copyOf(probe, quoted));
        byte[] icmp = new byte[8 + inner.length];
        icmp[0] = (byte) type;
        System.arraycopy(inner, 0, icmp, 8, inner.length);
        int sum = ProbePackets.checksum(icmp, 0, icmp.length);
        icmp[2] = (byte) (sum >>> 8);
        icmp[3] = (byte) sum;
        return ip(from, 0xc6120002, icmp);
    }

    static byte[] echoReply(int from, byte[] probe) {
        byte[] r = probe.clone();
        r[0] = 0;
        r[2] = 0;
        r[3] = 0;
        int sum = ProbePackets.checksum(r, 0, r.length);
        r[2] = (byte) (sum >>> 8);
        r[3] = (byte) sum;
        return ip(from, 0xc6120002, r);
    }

    @Test
    void probeIsAnEchoWithTheTtlInItsSequenceAndAGoodChecksum() {
        byte[] p = probe(2, 7);
        assertEquals(8, p[0]);
        assertEquals(2 * 64 + 7, ((p[6] & 0xff) << 8) | (p[7] & 0xff));
        assertEquals(0, ProbePackets.checksum(p, 0, p.length));
    }

    @Test
    void readsTimeExceededQuotingOnlyEightBytesAndTheTargetsEchoReply() {
        byte[] te = error(11, HOP, probe(1, 3), 8);
        assertEquals(new TracePackets.Answer(TracePackets.Kind.TIME_EXCEEDED, HOP, 3),
                TracePackets.read(te, te.length, TARGET, ID, TOKEN));
        byte[] un = error(3, HOP, probe(0, 5), TracePackets.PROBE_LENGTH);
        assertEquals(new TracePackets.Answer(TracePackets.Kind.UNREACHABLE, HOP, 5),
                TracePackets.read(un, un.length, TARGET, ID, TOKEN));
        byte[] er = echoReply(TARGET, probe(0, 9));
        assertEquals(new TracePackets.Answer(TracePackets.Kind.ECHO_REPLY, TARGET, 9),
                TracePackets.read(er, er.length, TARGET, ID, TOKEN));
    }

    @Test
    void ignoresWhatIsNotOurs() {
        byte[] te = error(11, HOP, probe(1, 3), 8);
        assertNull(TracePackets.read(te, te.length, TARGET, ID + 1, TOKEN), "another identifier");
        assertNull(TracePackets.read(te, te.length, TARGET + 1, ID, TOKEN), "a quote of a probe to another target");
        byte[] er = echoReply(TARGET, probe(0, 9));
        assertNull(TracePackets.read(er, er.length, TARGET, ID, new byte[8]), "another token");
        byte[] far = echoReply(HOP, probe(0, 9));
        assertNull(TracePackets.read(far, far.length, TARGET, ID, TOKEN), "an echo reply from another address");
        byte[] bad = er.clone();
        bad[bad.length - 1] ^= 1;
        assertNull(TracePackets.read(bad, bad.length, TARGET, ID, TOKEN), "a bad checksum");
        assertNull(TracePackets.read(er, 27, TARGET, ID, TOKEN), "a truncated echo reply");
        byte[] noQuote = error(11, HOP, probe(1, 3), 4);
        assertNull(TracePackets.read(noQuote, noQuote.length, TARGET, ID, TOKEN), "a quote shorter than 8 bytes");
    }

    /** Mutated and random datagrams: never an exception, and any answer names a TTL of 1..63. */
    @Test
    void fuzzNeverThrows() {
        Random r = new Random(11);
        byte[][] seeds = {error(11, HOP, probe(1, 3), 8), error(3, HOP, probe(0, 5), 20), echoReply(TARGET, probe(0, 9))};
        for (int i = 0; i < 200_000; i++) {
            byte[] b;
            if (i % 4 == 0) {
                b = new byte[r.nextInt(80)];
                r.nextBytes(b);
            } else {
                b = seeds[r.nextInt(seeds.length)].clone();
                for (int k = 1 + r.nextInt(4); k > 0; k--) {
                    b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                }
            }
            int len = r.nextInt(b.length + 1);
            TracePackets.Answer a = TracePackets.read(b, len, TARGET, ID, TOKEN);
            if (a != null) {
                assertEquals(true, a.ttl() >= 1 && a.ttl() < 64);
            }
        }
    }
}
