package net.coopwan.daemon.reorder;

import java.nio.ByteBuffer;

/**
 * Maps an inner IP packet to one of {@value #BUCKETS} flow buckets, so the receiver can keep each
 * flow in order without one flow's gap holding up another (per-flow, not per-tunnel, reordering).
 *
 * <p>Fields hashed: IP version, protocol and both addresses always; source and destination port
 * for TCP, UDP, SCTP, DCCP and UDP-Lite (all five start with the two ports) unless the packet is a
 * non-first fragment, which has no ports. A first fragment (offset 0, more-fragments set) does
 * carry its ports and is hashed with them, like the unfragmented packets of its flow: then the
 * datagram cannot overtake earlier datagrams of its flow, because it is only complete once its
 * first fragment, which waits in the flow's bucket, has been delivered. IPv6 extension headers
 * (hop-by-hop, routing, destination options, fragment, AH, mobility, HIP, shim6) are skipped to
 * find the real protocol, so their presence does not move a flow. Direction matters: a flow and
 * its replies may land in different buckets (each direction is reordered on its own receiver).
 *
 * <p>Never throws and never allocates: every byte is read with an absolute get guarded by the
 * end of the readable range, and bytes that are not there read as 0. So a truncated or malformed
 * packet still gets a stable bucket from what is readable; a non-IP packet (version neither 4 nor
 * 6) lands in the bucket of its version nibble, all junk together. The buffer's position, limit
 * and byte order are not used or changed.
 *
 * <p>The hash is the 32-bit MurmurHash3 mixing with a seed. Who hashes: the sender, which puts the
 * bucket and a per-bucket sequence number into the tunnel header; so the seed can be a per-session
 * secret (an outsider then cannot aim many flows at one bucket) without the receiver knowing it.
 */
public final class FlowHash {

    public static final int BUCKETS = 4096;

    private static final int IPPROTO_HOPOPTS = 0;
    private static final int IPPROTO_TCP = 6;
    private static final int IPPROTO_UDP = 17;
    private static final int IPPROTO_DCCP = 33;
    private static final int IPPROTO_ROUTING = 43;
    private static final int IPPROTO_FRAGMENT = 44;
    private static final int IPPROTO_AH = 51;
    private static final int IPPROTO_DSTOPTS = 60;
    private static final int IPPROTO_SCTP = 132;
    private static final int IPPROTO_MH = 135;
    private static final int IPPROTO_UDPLITE = 136;
    private static final int IPPROTO_HIP = 139;
    private static final int IPPROTO_SHIM6 = 140;

    /** Extension headers followed at most; a real packet has a handful, this bounds the loop. */
    private static final int MAX_EXTENSION_HEADERS = 8;

    private final int seed;

    /** Seed 0: reproducible buckets (tests, captures). */
    public FlowHash() {
        this(0);
    }

    public FlowHash(int seed) {
        this.seed = seed;
    }

    /**
     * @param packet the buffer holding the packet; only absolute reads
     * @param offset index of the first byte of the IP header
     * @param length bytes of the packet; clipped to the buffer's limit
     * @return 0..{@value #BUCKETS}-1
     */
    public int bucket(ByteBuffer packet, int offset, int length) {
        int h = seed;
        if (packet == null || offset < 0 || length <= 0 || offset >= packet.limit()) {
            return finish(h);
        }
        int end = offset + Math.min(length, packet.limit() - offset);
        int version = u8(packet, offset, end) >>> 4;
        h = mix(h, version);
        if (version == 4) {
            h = hashIpv4(packet, offset, end, h);
        } else if (version == 6) {
            h = hashIpv6(packet, offset, end, h);
        }
        return finish(h);
    }

    private static int hashIpv4(ByteBuffer p, int off, int end, int h) {
        int ihl = (u8(p, off, end) & 0x0f) * 4;
        int protocol = u8(p, off + 9, end);
        int fragmentOffset = u16(p, off + 6, end) & 0x1fff;
        h = mix(h, protocol);
        h = mix(h, u32(p, off + 12, end));
        h = mix(h, u32(p, off + 16, end));
        // ihl < 20 is malformed: then there is no trustworthy place for the ports.
        if (ihl >= 20 && fragmentOffset == 0 && hasPorts(protocol)) {
            h = mix(h, u32(p, off + ihl, end));
        }
        return h;
    }

    private static int hashIpv6(ByteBuffer p, int off, int end, int h) {
        int next = u8(p, off + 6, end);
        int pos = off + 40;
        boolean nonFirstFragment = false;
        for (int i = 0; i < MAX_EXTENSION_HEADERS && pos < end && !nonFirstFragment; i++) {
            int headerLength;
            switch (next) {
                case IPPROTO_HOPOPTS, IPPROTO_ROUTING, IPPROTO_DSTOPTS, IPPROTO_MH, IPPROTO_HIP, IPPROTO_SHIM6 ->
                        headerLength = (u8(p, pos + 1, end) + 1) * 8;
                case IPPROTO_FRAGMENT -> {
                    headerLength = 8;
                    nonFirstFragment = (u16(p, pos + 2, end) >>> 3) != 0;
                }
                case IPPROTO_AH -> headerLength = (u8(p, pos + 1, end) + 2) * 4;
                default -> headerLength = -1;
            }
            if (headerLength < 0) {
                break;
            }
            next = u8(p, pos, end);
            if (headerLength > end - pos) {
                pos = end; // truncated inside an extension header: no ports readable
            } else {
                pos += headerLength;
            }
        }
        h = mix(h, next);
        for (int i = 0; i < 16; i += 4) {
            h = mix(h, u32(p, off + 8 + i, end)); // source and destination address
        }
        if (!nonFirstFragment && hasPorts(next)) {
            h = mix(h, u32(p, pos, end));
        }
        return h;
    }

    private static boolean hasPorts(int protocol) {
        return protocol == IPPROTO_TCP || protocol == IPPROTO_UDP || protocol == IPPROTO_SCTP
                || protocol == IPPROTO_DCCP || protocol == IPPROTO_UDPLITE;
    }

    private static int u8(ByteBuffer p, int i, int end) {
        return i >= 0 && i < end ? p.get(i) & 0xff : 0;
    }

    private static int u16(ByteBuffer p, int i, int end) {
        return u8(p, i, end) << 8 | u8(p, i + 1, end);
    }

    /** Big-endian whatever the buffer's order, so the bucket does not depend on it. */
    private static int u32(ByteBuffer p, int i, int end) {
        return u16(p, i, end) << 16 | u16(p, i + 2, end);
    }

    private static int mix(int h, int k) {
        k *= 0xcc9e2d51;
        k = Integer.rotateLeft(k, 15);
        k *= 0x1b873593;
        h ^= k;
        h = Integer.rotateLeft(h, 13);
        return h * 5 + 0xe6546b64;
    }

    private static int finish(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h & (BUCKETS - 1);
    }
}
