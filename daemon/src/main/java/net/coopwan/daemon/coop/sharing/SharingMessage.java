package net.coopwan.daemon.coop.sharing;

import java.util.Objects;

import net.coopwan.daemon.coop.emergency.EmergencyMessage;

/**
 * The messages of bandwidth sharing (seed 001 FIG. 3C, [0142]-[0157], claims 43-62), each naming
 * the sharer's offer it belongs to. The seed's three notifications are one {@link Offer}: "bandwidth
 * available" (the first), "change of bandwidth available" (a new {@code seq}) and "no bandwidth
 * available" (0 both ways, [0155]). The path the borrower's sessions take is the emergency's
 * neighbour path (the tunnel to the sharer and its kernel NAT): {@link Use} asks for it and renews
 * it, {@link Answer} grants it as an emergency ACK does. Wire layout: {@link SharingCodec},
 * docs/PROTOCOL.md 3.13.
 */
public sealed interface SharingMessage {

    /** The sharer's offer this message is about (unsigned 32 bits, chosen by the sharer). */
    long offerId();

    /** Why a sharer refuses a borrower's USE. */
    enum Refusal {
        /** No agreement with bandwidth_sharing in which this router is the sharer. */
        NO_AGREEMENT(1),
        /** The offer named is not this router's current one, or it offers nothing now. */
        NO_OFFER(2),
        /** Every path slot is in use (emergencies and sharing share them). */
        BUSY(3),
        /** The path could not be set up (the reason travels as text). */
        SETUP_FAILED(4);

        final int code;

        Refusal(int code) {
            this.code = code;
        }

        static Refusal of(int code) {
            for (Refusal r : values()) {
                if (r.code == code) {
                    return r;
                }
            }
            return null;
        }
    }

    /**
     * Sharer to borrower: what it can lend now, per direction of its uplink, and the window of the
     * kernel quota that enforces it. Sent when it changes and every second as the offer's lease.
     *
     * @param seq      increases with each change of the values (unsigned 32 bits, wraps)
     * @param downKbps shareable towards the borrower (downloads), 0..10 000 000
     * @param upKbps   shareable from the borrower (uploads), 0..10 000 000
     * @param windowMs the quota window on the sharer, 100..10 000
     */
    record Offer(long offerId, long seq, long downKbps, long upKbps, long windowMs) implements SharingMessage {
        public Offer {
            SharingCodec.checkU32(offerId, "offer id");
            SharingCodec.checkU32(seq, "seq");
            if (downKbps < 0 || downKbps > SharingCodec.MAX_KBPS || upKbps < 0 || upKbps > SharingCodec.MAX_KBPS) {
                throw new IllegalArgumentException("shareable rates are 0.." + SharingCodec.MAX_KBPS + " kbit/s");
            }
            if (windowMs < 100 || windowMs > SharingCodec.MAX_WINDOW_MS) {
                throw new IllegalArgumentException("window is 100..10000 ms, got " + windowMs);
            }
        }

        /** The seed's "no bandwidth available": nothing either way. */
        public boolean none() {
            return downKbps == 0 && upKbps == 0;
        }
    }

    /** Borrower to sharer: open (first) or keep (every second, the path's lease) the path under offer {@code seq}. */
    record Use(long offerId, long seq) implements SharingMessage {
        public Use {
            SharingCodec.checkU32(offerId, "offer id");
            SharingCodec.checkU32(seq, "seq");
        }
    }

    /** Sharer to borrower: the path granted, or refused with a reason. */
    record Answer(long offerId, EmergencyMessage.Grant grant, Refusal refusal, String reason) implements SharingMessage {
        public Answer {
            SharingCodec.checkU32(offerId, "offer id");
            if ((grant == null) == (refusal == null)) {
                throw new IllegalArgumentException("an answer is a grant or a refusal");
            }
            reason = reason == null ? "" : reason;
        }

        public static Answer granted(long offerId, EmergencyMessage.Grant g) {
            return new Answer(offerId, Objects.requireNonNull(g), null, "");
        }

        public static Answer refused(long offerId, Refusal r, String reason) {
            return new Answer(offerId, null, Objects.requireNonNull(r), reason);
        }

        public boolean accepted() {
            return grant != null;
        }
    }

    /** Borrower to sharer: no session of the borrower's uses the path any more; close it. */
    record Release(long offerId) implements SharingMessage {
        public Release {
            SharingCodec.checkU32(offerId, "offer id");
        }
    }

    /** Sharer to borrower: the path is closed (answers every RELEASE, also of an unknown offer). */
    record ReleaseAck(long offerId) implements SharingMessage {
        public ReleaseAck {
            SharingCodec.checkU32(offerId, "offer id");
        }
    }
}
