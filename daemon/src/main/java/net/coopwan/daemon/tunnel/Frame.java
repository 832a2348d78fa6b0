package net.coopwan.daemon.tunnel;

import java.nio.ByteBuffer;

/**
 * One reusable direct buffer holding a tunnel datagram: the {@link TunnelHeader} at offset 0,
 * the payload right after it, and the tag after the payload. Sealing and opening work in
 * place, so an inner packet read from the TUN into {@link #payloadSpace()} is sent from the
 * same memory, and a received datagram is written to the TUN from the same memory: no copy
 * and no allocation per packet. The views are made once; one thread uses one frame.
 */
public final class Frame {
    /** Largest inner packet: a 1500-byte uplink MTU leaves less, but jumbo bonds may be set. */
    public static final int MAX_PAYLOAD = 9000;
    public static final int CAPACITY = TunnelHeader.LENGTH + MAX_PAYLOAD + 16;

    private final ByteBuffer buf = ByteBuffer.allocateDirect(CAPACITY);
    final ByteBuffer aad = buf.duplicate();
    final ByteBuffer body = buf.duplicate();
    final ByteBuffer out = buf.duplicate();
    private final ByteBuffer payload = buf.duplicate();
    private final ByteBuffer datagram = buf.duplicate();
    private int length;

    /** The whole buffer, for absolute reads and writes. */
    public ByteBuffer buffer() {
        return buf;
    }

    /**
     * A view from the payload offset to the end (less room for the tag): read an inner packet
     * (or write a control payload) into it, then call {@link TunnelSession#seal} with the count.
     */
    public ByteBuffer payloadSpace() {
        payload.limit(CAPACITY - 16).position(TunnelHeader.LENGTH);
        return payload;
    }

    /** A view of the payload of an opened packet (offset LENGTH, {@code payloadLength} bytes). */
    public ByteBuffer payload(int payloadLength) {
        payload.limit(TunnelHeader.LENGTH + payloadLength).position(TunnelHeader.LENGTH);
        return payload;
    }

    /** The view to receive a datagram into (position 0, limit capacity). */
    public ByteBuffer receiveSpace() {
        datagram.clear();
        return datagram;
    }

    /** The view of the datagram to send: [0, length). */
    public ByteBuffer datagram() {
        datagram.limit(length).position(0);
        return datagram;
    }

    /** Length of the datagram held, set by seal, by the handshake, or by the receiver. */
    public int length() {
        return length;
    }

    public void length(int length) {
        if (length < 0 || length > CAPACITY) {
            throw new IllegalArgumentException("frame length " + length);
        }
        this.length = length;
    }
}
