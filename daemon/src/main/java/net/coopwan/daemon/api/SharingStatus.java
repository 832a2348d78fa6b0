package net.coopwan.daemon.api;

import java.util.List;
import java.util.Map;

/**
 * Bandwidth sharing in both roles (docs/PROTOCOL.md 3.13): what this router offers to each
 * borrower and whether its path is open, and what each sharer offers it and how many of its new
 * sessions go there.
 *
 * @param lend      this router may lend ({@code config sharing}'s {@code lend})
 * @param borrow    this router may borrow
 * @param spareDownKbps the sharer's estimate of its idle capacity towards its borrowers, before caps
 * @param spareUpKbps   likewise from them
 * @param lending   per borrower
 * @param borrowing per sharer
 * @param counters  refusals and drops by reason
 */
public record SharingStatus(boolean lend, boolean borrow, long spareDownKbps, long spareUpKbps, List<Lending> lending,
                            List<Borrowing> borrowing, Map<String, Long> counters) {

    public SharingStatus {
        lending = List.copyOf(lending);
        borrowing = List.copyOf(borrowing);
        counters = Map.copyOf(counters);
    }

    /** No sharing service (the peer link is off). */
    public static SharingStatus off() {
        return new SharingStatus(false, false, 0, 0, List.of(), List.of(), Map.of());
    }

    /**
     * @param state PREPARING, LENDING, or NONE (offered, no path)
     * @param quotaBytes the kernel quota per window on the path (0 without one)
     */
    public record Lending(String peerId, long offerDownKbps, long offerUpKbps, String state, long quotaBytes) {
    }

    /**
     * @param state    IDLE, ASKING, OPENING, BORROWING, DRAINING or RELEASING
     * @param perMille the share of eligible new sessions the kernel moves to this sharer now
     */
    public record Borrowing(String peerId, String state, long offerDownKbps, long offerUpKbps, int perMille) {
    }
}
