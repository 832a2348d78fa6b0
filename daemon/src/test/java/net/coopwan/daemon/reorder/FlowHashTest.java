package net.coopwan.daemon.reorder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FlowHashTest {

    private final FlowHash hash = new FlowHash();

    /** IPv4 header (20 B) + 8 B of L4 header (ports first) + payload. Addresses from 100.64.0.0/10. */
    static byte[] ipv4(int proto, int src, int dst, int sport, int dport, int fragField, int payload) {
        ByteBuffer b = ByteBuffer.allocate(28 + payload);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (28 + payload)).putShort((short) 0x1234)
                .putShort((short) fragField).put((byte) 64).put((byte) proto).putShort((short) 0)
                .putInt(src).putInt(dst).putShort((short) sport).putShort((short) dport).putInt(0xdeadbeef);
        for (int i = 0; i < payload; i++) {
            b.put((byte) (i * 7));
        }
        return b.array();
    }

    static final int A = 0x64400001; // 100.64.0.1
    static final int B = 0x64400002; // 100.64.0.2

    private int bucket(byte[] p) {
        return hash.bucket(ByteBuffer.wrap(p), 0, p.length);
    }

    @Test
    void sameFlowSameBucketWhateverTheRest() {
        byte[] p1 = ipv4(6, A, B, 40000, 443, 0, 10);
        byte[] p2 = ipv4(6, A, B, 40000, 443, 0x4000, 900); // DF, other size
        p2[8] = 3; // ttl
        p2[4] = 0x55; // ip id
        assertEquals(bucket(p1), bucket(p2));
        int b = bucket(p1);
        assertTrue(b >= 0 && b < FlowHash.BUCKETS);
    }

    @Test
    void portsAddressesProtocolAndSeedMatter() {
        int base = bucket(ipv4(17, A, B, 5000, 53, 0, 0));
        int differ = 0;
        for (int port = 5001; port < 5101; port++) {
            if (bucket(ipv4(17, A, B, port, 53, 0, 0)) != base) {
                differ++;
            }
        }
        assertTrue(differ > 95, "ports spread: " + differ);
        assertNotEquals(base, bucket(ipv4(6, A, B, 5000, 53, 0, 0)));
        assertNotEquals(base, bucket(ipv4(17, B, A, 5000, 53, 0, 0)));
        byte[] p = ipv4(17, A, B, 5000, 53, 0, 0);
        assertNotEquals(new FlowHash(1).bucket(ByteBuffer.wrap(p), 0, p.length),
                new FlowHash(2).bucket(ByteBuffer.wrap(p), 0, p.length));
    }

    /** Other protocols (ICMP, ESP, GRE): addresses + protocol only, so the "port" bytes don't matter. */
    @Test
    void otherProtocolsIgnoreL4Bytes() {
        for (int proto : new int[] {1, 47, 50}) {
            assertEquals(bucket(ipv4(proto, A, B, 1, 2, 0, 0)), bucket(ipv4(proto, A, B, 999, 7, 0, 0)));
        }
        // SCTP, DCCP, UDP-Lite do have ports
        for (int proto : new int[] {132, 33, 136}) {
            assertNotEquals(bucket(ipv4(proto, A, B, 1, 2, 0, 0)), bucket(ipv4(proto, A, B, 999, 7, 0, 0)));
        }
    }

    /**
     * Fragments: the first one (MF, offset 0) is hashed with its ports like the whole packets of its
     * flow; non-first fragments (no ports in them) all land in the addresses+protocol bucket.
     */
    @Test
    void ipv4Fragments() {
        int flow = bucket(ipv4(17, A, B, 4000, 4001, 0, 100));
        assertEquals(flow, bucket(ipv4(17, A, B, 4000, 4001, 0x2000, 100)), "first fragment");
        int f2 = bucket(ipv4(17, A, B, 0x1111, 0x2222, 0x2000 | 185, 100)); // payload bytes, not ports
        int f3 = bucket(ipv4(17, A, B, 0x3333, 0x4444, 370, 50)); // last fragment, MF clear
        assertEquals(f2, f3);
    }

    @Test
    void ipv4OptionsMovePortsAndMalformedIhl() {
        // IHL 6: 4 bytes of options before the ports.
        byte[] plain = ipv4(6, A, B, 1000, 2000, 0, 0);
        ByteBuffer o = ByteBuffer.allocate(plain.length + 4);
        o.put(plain, 0, 20).putInt(0x01010101).put(plain, 20, plain.length - 20);
        byte[] opt = o.array();
        opt[0] = 0x46;
        assertEquals(bucket(plain), bucket(opt));
        byte[] bad = plain.clone();
        bad[0] = 0x43; // IHL 12 bytes: malformed, ports not trusted
        byte[] bad2 = ipv4(6, A, B, 7, 8, 0, 0);
        bad2[0] = 0x43;
        assertEquals(bucket(bad), bucket(bad2));
    }

    /** IPv6 header with optional extension headers, then 8 B of L4 header. Addresses in 100.64/10 form. */
    static byte[] ipv6(int proto, int srcLow, int sport, int dport, int[] extHeaders, int fragOffset) {
        ByteBuffer b = ByteBuffer.allocate(40 + 8 * extHeaders.length + 8);
        int first = extHeaders.length > 0 ? extHeaders[0] : proto;
        b.putInt(0x60000000).putShort((short) (8 * extHeaders.length + 8)).put((byte) first).put((byte) 64);
        b.putLong(0x0064_ff9b_0000_0000L).putLong(srcLow); // 64:ff9b::/96 + an IPv4 from 100.64/10
        b.putLong(0x0064_ff9b_0000_0000L).putLong(B);
        for (int i = 0; i < extHeaders.length; i++) {
            int next = i + 1 < extHeaders.length ? extHeaders[i + 1] : proto;
            if (extHeaders[i] == 44) {
                b.put((byte) next).put((byte) 0).putShort((short) (fragOffset << 3 | (fragOffset == 0 ? 1 : 0)))
                        .putInt(0xcafe);
            } else {
                b.put((byte) next).put((byte) 0).putShort((short) 0).putInt(0x01020304);
            }
        }
        b.putShort((short) sport).putShort((short) dport).putInt(0);
        return b.array();
    }

    @Test
    void ipv6ExtensionHeadersAreSkipped() {
        int plain = bucket(ipv6(6, A, 1234, 80, new int[0], 0));
        assertEquals(plain, bucket(ipv6(6, A, 1234, 80, new int[] {0, 60}, 0)), "hop-by-hop + dest opts");
        assertEquals(plain, bucket(ipv6(6, A, 1234, 80, new int[] {43}, 0)), "routing");
        assertEquals(plain, bucket(ipv6(6, A, 1234, 80, new int[] {44}, 0)), "first fragment");
        assertNotEquals(plain, bucket(ipv6(6, A, 1235, 80, new int[0], 0)));
        assertNotEquals(plain, bucket(ipv6(6, B, 1234, 80, new int[0], 0)));
        int nf1 = bucket(ipv6(17, A, 1, 2, new int[] {44}, 100));
        int nf2 = bucket(ipv6(17, A, 3, 4, new int[] {0, 44}, 200));
        assertEquals(nf1, nf2, "non-first fragments: addresses + protocol");
        assertEquals(bucket(ipv6(58, A, 1, 2, new int[0], 0)), bucket(ipv6(58, A, 9, 9, new int[0], 0)), "ICMPv6");
    }

    @Test
    void offsetByteOrderAndBufferStateDoNotMatter() {
        byte[] p = ipv4(6, A, B, 1, 2, 0, 30);
        ByteBuffer big = ByteBuffer.allocate(p.length + 100).order(ByteOrder.LITTLE_ENDIAN);
        big.position(37);
        big.put(p);
        big.position(5).limit(90);
        assertEquals(bucket(p), hash.bucket(big, 37, p.length));
        assertEquals(5, big.position());
        assertEquals(90, big.limit());
        ByteBuffer direct = ByteBuffer.allocateDirect(p.length).put(p);
        assertEquals(bucket(p), hash.bucket(direct, 0, p.length));
    }

    @Test
    void spreadIsUniformEnough() {
        Random r = new Random(4096);
        int[] counts = new int[FlowHash.BUCKETS];
        int n = 200 * FlowHash.BUCKETS;
        for (int i = 0; i < n; i++) {
            counts[bucket(ipv4(r.nextBoolean() ? 6 : 17, 0x64400000 | r.nextInt(1 << 22), B,
                    r.nextInt(65536), 443, 0, 0))]++;
        }
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (int c : counts) {
            min = Math.min(min, c);
            max = Math.max(max, c);
        }
        // mean 200, sd about 14: 6 sd either way
        assertTrue(min > 110 && max < 290, "min " + min + " max " + max);
    }

    /** Truncated packets: never throws, stays in range, and is stable. */
    @Test
    void truncatedPackets() {
        byte[] p = ipv4(6, A, B, 1, 2, 0, 0);
        for (int len = 0; len <= p.length; len++) {
            int b = hash.bucket(ByteBuffer.wrap(p), 0, len);
            assertTrue(b >= 0 && b < FlowHash.BUCKETS);
            assertEquals(b, hash.bucket(ByteBuffer.wrap(p.clone()), 0, len));
        }
        byte[] v6 = ipv6(6, A, 1, 2, new int[] {0, 60, 44}, 0);
        for (int len = 0; len <= v6.length; len++) {
            int b = hash.bucket(ByteBuffer.wrap(v6), 0, len);
            assertTrue(b >= 0 && b < FlowHash.BUCKETS);
        }
        // Cut before the ports: the ports of the original packets cannot matter any more.
        byte[] q = ipv4(6, A, B, 9, 9, 0, 0);
        assertEquals(hash.bucket(ByteBuffer.wrap(p), 0, 20), hash.bucket(ByteBuffer.wrap(q), 0, 20));
        assertNotEquals(hash.bucket(ByteBuffer.wrap(p), 0, 24), hash.bucket(ByteBuffer.wrap(q), 0, 24));
    }

    /** Fuzz: random bytes, random offsets and lengths, including nonsense ones. */
    @Test
    void fuzzNeverThrows() {
        Random r = new Random(20261124);
        ByteBuffer buf = ByteBuffer.allocate(256);
        for (int i = 0; i < 200_000; i++) {
            buf.clear();
            int n = r.nextInt(257);
            for (int j = 0; j < n; j++) {
                buf.put((byte) r.nextInt());
            }
            // Bias towards plausible version nibbles and extension-header chains.
            if (n > 0 && r.nextBoolean()) {
                buf.put(0, (byte) ((r.nextBoolean() ? 0x40 : 0x60) | r.nextInt(16)));
                if (n > 6 && r.nextBoolean()) {
                    int[] ext = {0, 43, 44, 51, 60, 135, 139, 140, 6, 17, 132};
                    buf.put(6, (byte) ext[r.nextInt(ext.length)]);
                }
            }
            buf.limit(n);
            int off = r.nextInt(10) == 0 ? r.nextInt() : r.nextInt(n + 2) - 1;
            int len = r.nextInt(10) == 0 ? r.nextInt() : r.nextInt(n + 2) - 1;
            int b = hash.bucket(buf, off, len);
            assertTrue(b >= 0 && b < FlowHash.BUCKETS);
        }
        assertTrue(hash.bucket(null, 0, 10) >= 0);
    }
}
