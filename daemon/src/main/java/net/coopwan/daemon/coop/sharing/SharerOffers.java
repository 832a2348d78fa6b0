package net.coopwan.daemon.coop.sharing;

import java.util.HashMap;
import java.util.Map;

/**
 * The offers a sharer makes, one per borrower: the spare of its uplink ({@link ShareableBandwidth},
 * per direction, without caps) divided among the borrowers that have an agreement, each share
 * capped by that borrower's agreement ({@code bandwidth_kbps}, and {@code max_share_percent} of the
 * capacity). The offer id is this run's (random at start: a borrower sees a restart); each
 * borrower's {@code seq} goes up only when its values change, so a repeated offer is recognisably
 * the same.
 */
public final class SharerOffers {

    /** One borrower's agreement: the ceilings its owner approved. */
    public record Caps(long agreedKbps, int maxSharePercent) {
        public Caps {
            if (agreedKbps < 0 || maxSharePercent < 0 || maxSharePercent > 100) {
                throw new IllegalArgumentException("caps out of range: " + agreedKbps + " kbit/s, " + maxSharePercent + " %");
            }
        }
    }

    private final long offerId;
    private final long windowMs;
    private final Map<String, SharingMessage.Offer> last = new HashMap<>();

    public SharerOffers(long offerId, long windowMs) {
        this.offerId = offerId;
        this.windowMs = windowMs;
    }

    public long offerId() {
        return offerId;
    }

    /**
     * The offer to {@code borrowerId} now.
     *
     * @param spareDownKbps the uplink's spare towards the borrowers (their downloads), uncapped
     * @param capacityDownKbps the capacity the percentage cap refers to (0: unknown, nothing offered)
     * @param borrowers how many borrowers share the spare (at least 1)
     */
    public SharingMessage.Offer offer(String borrowerId, Caps caps, long spareDownKbps, long spareUpKbps,
            long capacityDownKbps, long capacityUpKbps, int borrowers) {
        int n = Math.max(1, borrowers);
        long down = cap(spareDownKbps / n, caps, capacityDownKbps);
        long up = cap(spareUpKbps / n, caps, capacityUpKbps);
        return next(borrowerId, down, up);
    }

    /**
     * The offer to a neighbour whose agreement enables duplication alone: its {@code bandwidth_kbps}
     * both ways, whatever the spare (docs/latency.md section 8); 0 is "no bandwidth available".
     */
    public SharingMessage.Offer fixed(String borrowerId, long kbps) {
        long v = Math.max(0, Math.min(SharingCodec.MAX_KBPS, kbps));
        return next(borrowerId, v, v);
    }

    /** The offer of {@code down}/{@code up}, its seq one more than the last one's when they changed. */
    private SharingMessage.Offer next(String borrowerId, long down, long up) {
        SharingMessage.Offer before = last.get(borrowerId);
        long seq = before == null ? 1 : before.seq();
        if (before != null && (before.downKbps() != down || before.upKbps() != up)) {
            seq = (seq + 1) & 0xffff_ffffL;
        }
        SharingMessage.Offer o = new SharingMessage.Offer(offerId, seq, down, up, windowMs);
        last.put(borrowerId, o);
        return o;
    }

    /** The last offer made to {@code borrowerId}, or null. */
    public SharingMessage.Offer last(String borrowerId) {
        return last.get(borrowerId);
    }

    /** Forgets a borrower whose agreement is gone. */
    public void forget(String borrowerId) {
        last.remove(borrowerId);
    }

    private static long cap(long spare, Caps caps, long capacity) {
        if (capacity <= 0) {
            return 0;
        }
        long v = Math.min(spare, Math.min(caps.agreedKbps(), capacity * caps.maxSharePercent() / 100));
        return Math.max(0, Math.min(SharingCodec.MAX_KBPS, v));
    }
}
