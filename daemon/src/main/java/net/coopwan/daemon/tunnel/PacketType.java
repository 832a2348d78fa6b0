package net.coopwan.daemon.tunnel;

/**
 * What a tunnel packet carries; the second byte of the header. Codes are stable on the wire:
 * never renumber, only add. 0 is never used, so an all-zero datagram is not a valid packet.
 */
public enum PacketType {
    /** Router to concentrator: client id + ephemeral X25519 key, MAC under the pre-shared key. */
    HANDSHAKE_INIT(1, false),
    /** Concentrator to router: ephemeral X25519 key, MAC, echoes the init's id. */
    HANDSHAKE_RESPONSE(2, false),
    /** One inner IP packet, either direction. */
    DATA(3, true),
    /** Keep-alive probe of one link; answered by PROBE_ECHO on the same link. */
    PROBE(4, true),
    /** Answer to a PROBE: the probe's packet number and send time. */
    PROBE_ECHO(5, true),
    /** One packet of a SLoPS stream (seed 002 p.49-50): stream id, index, padding to L bits. */
    SLOPS_PROBE(6, true),
    /** The receiver's verdict on one SLoPS stream: OWD increasing or not. */
    SLOPS_VERDICT(7, true),
    /** Router asks the concentrator to send a SLoPS stream (downstream measurement). */
    SLOPS_REQUEST(8, true),
    /** Router tells the concentrator the weights for the concentrator-to-router direction. */
    WEIGHTS(9, true),
    /**
     * Router tells the concentrator the cap per member for the concentrator-to-router direction
     * (the member through a bandwidth sharer, at the sharer's downstream offer): u32 kbit/s per
     * member in member order, 0xFFFFFFFF for none. docs/PROTOCOL.md 4.2.
     */
    CAPS(10, true),
    /**
     * One copy of a latency-critical packet, either direction (issue 17): LC session id, packet id,
     * RAIC part and original length, then the inner packet or its RAIC-5 part
     * ({@code coop.duplication.LcCopyCodec}, docs/PROTOCOL.md 4.7). Bypasses the reorder buffer:
     * the receiver delivers the first copy at once and drops the rest by packet id.
     */
    LC_COPY(11, true),
    /**
     * The receiver's report of packet numbers missing on member links, either direction (issue 18):
     * groups of link, highest missing number and a bitmap of the 64 below it
     * ({@code recovery.NackCodec}, docs/PROTOCOL.md 4.8). The sender seals each packet still held
     * again as a new DATA packet. Code 16: 12-15 stay reserved for the cooperation issues.
     */
    NACK(16, true);

    private static final PacketType[] BY_CODE = new PacketType[32];

    static {
        for (PacketType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    private final int code;
    private final boolean sealed;

    PacketType(int code, boolean sealed) {
        this.code = code;
        this.sealed = sealed;
    }

    public int code() {
        return code;
    }

    /** True when the payload is AEAD-sealed under the session keys (all but the handshake). */
    public boolean sealed() {
        return sealed;
    }

    /** The type of a wire code, or null for an unknown code. */
    public static PacketType ofCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
