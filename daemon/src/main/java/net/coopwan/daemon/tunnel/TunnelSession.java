package net.coopwan.daemon.tunnel;

import java.nio.ByteBuffer;

import net.coopwan.daemon.secure.AeadOpener;
import net.coopwan.daemon.secure.AeadSealer;
import net.coopwan.daemon.secure.OpenStatus;
import net.coopwan.daemon.secure.SealStatus;
import net.coopwan.daemon.secure.SessionKeys;

/**
 * The keys of one established tunnel session, per member link: one {@link AeadSealer} and one
 * {@link AeadOpener} (with its replay window) for each link, because every link numbers its
 * packets from 0 (the packet number doubles as the link's sequence number for loss counting)
 * and loses and reorders on its own.
 *
 * <p>Each link's sealer and opener is guarded by its own lock: a link is sealed by the data
 * thread and by the keep-alive timer; the locks are uncontended almost always.
 */
public final class TunnelSession {
    private final int tunnelId;
    private final AeadSealer[] sealers = new AeadSealer[TunnelHeader.MAX_LINKS];
    private final AeadOpener[] openers = new AeadOpener[TunnelHeader.MAX_LINKS];

    public TunnelSession(SessionKeys keys, int windowBits) {
        this.tunnelId = keys.keyId();
        for (int i = 0; i < TunnelHeader.MAX_LINKS; i++) {
            sealers[i] = keys.newSealer(i);
            openers[i] = keys.newOpener(i, windowBits);
        }
    }

    public TunnelSession(SessionKeys keys) {
        this(keys, net.coopwan.daemon.secure.ReplayWindow.DEFAULT_BITS);
    }

    /** The id in every header of this session. */
    public int tunnelId() {
        return tunnelId;
    }

    /**
     * Seals the {@code payloadLength} bytes at the payload offset of {@code f} in place: writes
     * the header with the link's next packet number, encrypts, appends the tag and sets the
     * frame's length. On anything but OK the frame is unusable and nothing was sent.
     *
     * @return the packet number used, or -1 if the link's numbers are exhausted (rekey)
     */
    public long seal(Frame f, int payloadLength, int link, PacketType type, int bucket, int flowSeq, int sendMicros) {
        if (link < 0 || link >= TunnelHeader.MAX_LINKS) {
            throw new IllegalArgumentException("link " + link);
        }
        if (payloadLength < 0 || payloadLength > Frame.MAX_PAYLOAD) {
            throw new IllegalArgumentException("payload length " + payloadLength);
        }
        ByteBuffer b = f.buffer();
        AeadSealer s = sealers[link];
        synchronized (s) {
            long pn = s.nextPacketNumber();
            TunnelHeader.write(b, 0, type, link, tunnelId, pn, bucket, flowSeq, sendMicros);
            f.aad.limit(TunnelHeader.LENGTH).position(0);
            f.body.limit(TunnelHeader.LENGTH + payloadLength).position(TunnelHeader.LENGTH);
            f.out.limit(Frame.CAPACITY).position(TunnelHeader.LENGTH);
            SealStatus st = s.seal(f.aad, f.body, f.out);
            if (st != SealStatus.OK) {
                return -1;
            }
            f.length(TunnelHeader.LENGTH + payloadLength + 16);
            return pn;
        }
    }

    /**
     * Opens the datagram of {@link Frame#length()} bytes held in {@code f} in place. The caller
     * has checked the header ({@link TunnelHeader#check}) and that its tunnel id is this
     * session's. On success returns null and the plaintext is at the payload offset, {@link
     * #payloadLength(Frame)} bytes long; otherwise the drop reason.
     */
    public TunnelDrop open(Frame f) {
        ByteBuffer b = f.buffer();
        int link = TunnelHeader.link(b, 0);
        long pn = TunnelHeader.packetNumber(b, 0);
        AeadOpener o = openers[link];
        synchronized (o) {
            f.aad.limit(TunnelHeader.LENGTH).position(0);
            f.body.limit(f.length()).position(TunnelHeader.LENGTH);
            f.out.limit(Frame.CAPACITY).position(TunnelHeader.LENGTH);
            OpenStatus st = o.open(pn, f.aad, f.body, f.out);
            return switch (st) {
                case OK -> null;
                case REPLAYED -> TunnelDrop.REPLAYED;
                case TOO_OLD -> TunnelDrop.TOO_OLD;
                case TRUNCATED, OUTPUT_TOO_SMALL -> TunnelDrop.TRUNCATED;
                default -> TunnelDrop.TAG_MISMATCH;
            };
        }
    }

    /** Payload length of an opened frame. */
    public static int payloadLength(Frame f) {
        return f.length() - TunnelHeader.OVERHEAD;
    }
}
