package net.coopwan.daemon.api;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Bandwidth sharing in both roles (docs/PROTOCOL.md 3.13): what this router offers to each
 * borrower and whether its path is open, what each sharer offers it and how many of its new
 * sessions go there, and what went through each (docs/management.md). Bytes and sessions are the
 * kernel's counters (never estimates); byte and moved-session totals are kept across restarts and
 * kill -9 (the state store), so they only grow. Directions: down is towards the borrower's LAN, up
 * from it, in both roles.
 *
 * @param lend      this router may lend ({@code config sharing}'s {@code lend})
 * @param borrow    this router may borrow
 * @param spareDownKbps the sharer's estimate of its idle capacity towards its borrowers, before caps
 * @param spareUpKbps   likewise from them
 * @param lending   per borrower
 * @param borrowing per sharer
 * @param counters  refusals and drops by reason
 * @param totals    both roles summed over every neighbour, also those no longer listed
 */
public record SharingStatus(boolean lend, boolean borrow, long spareDownKbps, long spareUpKbps, List<Lending> lending,
                            List<Borrowing> borrowing, Map<String, Long> counters, Totals totals) {

    public SharingStatus {
        lending = List.copyOf(lending);
        borrowing = List.copyOf(borrowing);
        counters = Map.copyOf(counters);
        Objects.requireNonNull(totals, "totals");
    }

    /** Without totals (nothing went through any path). */
    public SharingStatus(boolean lend, boolean borrow, long spareDownKbps, long spareUpKbps, List<Lending> lending,
            List<Borrowing> borrowing, Map<String, Long> counters) {
        this(lend, borrow, spareDownKbps, spareUpKbps, lending, borrowing, counters, Totals.NONE);
    }

    /** No sharing service (the peer link is off). */
    public static SharingStatus off() {
        return new SharingStatus(false, false, 0, 0, List.of(), List.of(), Map.of());
    }

    /**
     * Both roles summed over every neighbour.
     *
     * @param sessionsLent      connections of borrowers this router carries now
     * @param sessionsBorrowed  connections of this router's LAN moved onto a sharer now
     * @param sessionsMoved     connections moved onto sharers in total (kept across restarts)
     * @param bytesLentDown     lent towards the borrowers, in total
     * @param bytesLentUp       lent from them (their uploads out of this router's uplink), in total
     * @param bytesBorrowedDown received through sharers, in total
     * @param bytesBorrowedUp   sent through sharers, in total
     */
    public record Totals(long sessionsLent, long sessionsBorrowed, long sessionsMoved, long bytesLentDown,
                         long bytesLentUp, long bytesBorrowedDown, long bytesBorrowedUp) {
        public static final Totals NONE = new Totals(0, 0, 0, 0, 0, 0, 0);

        /** Bytes lent, both ways (SNMP coopSharingBytesLent). */
        public long bytesLent() {
            return bytesLentDown + bytesLentUp;
        }

        /** Bytes borrowed, both ways (SNMP coopSharingBytesBorrowed). */
        public long bytesBorrowed() {
            return bytesBorrowedDown + bytesBorrowedUp;
        }

        /** Connections moved or carried now, both roles (SNMP coopSharingSessions). */
        public long sessionsNow() {
            return sessionsLent + sessionsBorrowed;
        }
    }

    /**
     * One borrower.
     *
     * @param state      PREPARING, LENDING, or NONE (offered, no path)
     * @param quotaBytes the kernel quota per window on the path (0 without one)
     * @param stopped    this router's owner stopped lending to it: it is offered nothing and its USE is refused
     * @param sessions   its connections through this router now
     * @param rateDownKbps what the path carries towards it now (the last window's average)
     * @param rateUpKbps   what it carries from it now
     * @param bytesDown  lent towards it, in total
     * @param bytesUp    lent from it, in total
     */
    public record Lending(String peerId, long offerDownKbps, long offerUpKbps, String state, long quotaBytes,
                          boolean stopped, long sessions, long rateDownKbps, long rateUpKbps, long bytesDown,
                          long bytesUp) {
        /** Without counters. */
        public Lending(String peerId, long offerDownKbps, long offerUpKbps, String state, long quotaBytes) {
            this(peerId, offerDownKbps, offerUpKbps, state, quotaBytes, false, 0, 0, 0, 0, 0);
        }
    }

    /**
     * One sharer.
     *
     * @param state    IDLE, ASKING, OPENING, BORROWING, DRAINING or RELEASING
     * @param perMille the share of eligible new sessions the kernel moves to this sharer now
     * @param sessions the connections moved onto it that live now
     * @param sessionsMoved connections moved onto it in total
     * @param rateDownKbps what the path carries towards this router now (the last window's average)
     * @param rateUpKbps   what it carries from this router now
     * @param bytesDown received through it, in total
     * @param bytesUp   sent through it, in total
     */
    public record Borrowing(String peerId, String state, long offerDownKbps, long offerUpKbps, int perMille,
                            long sessions, long sessionsMoved, long rateDownKbps, long rateUpKbps, long bytesDown,
                            long bytesUp) {
        /** Without counters. */
        public Borrowing(String peerId, String state, long offerDownKbps, long offerUpKbps, int perMille) {
            this(peerId, state, offerDownKbps, offerUpKbps, perMille, 0, 0, 0, 0, 0, 0);
        }
    }
}
