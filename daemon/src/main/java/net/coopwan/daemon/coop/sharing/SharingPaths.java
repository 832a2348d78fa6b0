package net.coopwan.daemon.coop.sharing;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;

import net.coopwan.daemon.coop.emergency.EmergencyMessage;
import net.coopwan.daemon.coop.emergency.EmergencyPaths;

/**
 * What bandwidth sharing asks of the data plane and the kernel. On the sharer: a path for one
 * borrower (the emergency helper's: tunnel end, kernel NAT, quota) and what it carried. On the
 * borrower: the path to one sharer, the share of new sessions the kernel moves onto it, the
 * sessions that use it. The real one builds on {@code datapath.EmergencyDataPaths} and {@code
 * steer}; protocol tests use a recording fake.
 *
 * <p>Called on the service's worker thread only, readings included (commands take milliseconds, and
 * the channel's lock must never wait for one). Every method is idempotent.
 */
public interface SharingPaths {

    /** Bytes both ways, since the path was opened (towards the borrower = down). */
    record Bytes(long down, long up) {
        public static final Bytes ZERO = new Bytes(0, 0);
    }

    /**
     * One session the kernel moved to a sharer, as conntrack sees it on the borrower.
     *
     * @param flow       its identity (the original direction's addresses and ports), opaque here
     * @param ageSeconds since conntrack created it, -1 when unknown
     * @param bytesUp    from the LAN host (the original direction), since it started
     * @param bytesDown  to the LAN host
     */
    record MovedSession(String flow, long ageSeconds, long bytesUp, long bytesDown) {
    }

    // ----------------------------------------------------------------- sharer

    /**
     * Sharer: a grant for {@code borrowerId} at this quota (tunnel port, inner addresses, key from the
     * same slots as the emergency's); throws with the reason when no slot is free.
     */
    EmergencyMessage.Grant grant(String borrowerId, long quotaBytes, long windowMs) throws Exception;

    /** Sharer: opens the path for the borrower at {@code address} under {@code grant}; throws with the reason. */
    void openLend(String borrowerId, InetAddress address, EmergencyMessage.Grant grant) throws Exception;

    /** Sharer: the kernel quotas of that path, towards the borrower and from it; throws with the reason. */
    void setLendQuota(String borrowerId, long downQuotaBytes, long upQuotaBytes, long windowMs) throws Exception;

    /** Sharer: removes that path; never throws. */
    void closeLend(String borrowerId);

    /** Sharer: what every path carried since it opened, summed (the estimate's borrowed bytes). */
    Bytes lent();

    /** Sharer: the uplink device's bytes (received = down, sent = up), for the estimate. */
    Bytes uplink();

    // ----------------------------------------------------------------- borrower

    /** Borrower: opens the path to the sharer at {@code address} under {@code grant}; no new session moves yet. */
    void openBorrow(String sharerId, InetAddress address, EmergencyMessage.Grant grant) throws Exception;

    /** Borrower: the per mille of eligible new sessions the kernel moves onto that path (0: none). */
    void setShare(String sharerId, int perMille) throws Exception;

    /**
     * Borrower: the sharer's offer in force ({@code 0, 0}: none, or not BORROWING), called at once
     * on every change. A borrower whose bond goes through a concentrator puts the path through the
     * sharer into the bond at these rates (the per-packet variant, docs/PROTOCOL.md 3.13); one
     * without does nothing here.
     */
    default void setOffer(String sharerId, long downKbps, long upKbps) throws Exception {
    }

    /**
     * As {@link #setOffer(String, long, long)}; {@code lcOnly}: the sharer lends for duplication
     * alone (its agreement enables {@code duplication}, not {@code bandwidth_sharing}), so the member
     * carries LC copies only, never ordinary bonded traffic, and no session moves.
     */
    default void setOffer(String sharerId, long downKbps, long upKbps, boolean lcOnly) throws Exception {
        setOffer(sharerId, downKbps, upKbps);
    }

    /** Borrower: resets (TCP RST to the LAN host) the sessions that use that path; never throws. */
    void resetSessions(String sharerId);

    /** Borrower: resets (TCP RST to the LAN host) these of the sessions that use that path; never throws. */
    void resetSessions(String sharerId, List<MovedSession> sessions);

    /** Borrower: the sessions that use that path now, with their bytes and age; null when unknown. */
    List<MovedSession> movedSessions(String sharerId);

    /**
     * Borrower: the sessions to the ports that may move, from one reading: those moved to that
     * sharer and those that stayed home (the split compares what one of each gets); null when
     * unknown (the default: a path without conntrack).
     */
    default SessionSample sessionSample(String sharerId) {
        return null;
    }

    /**
     * The moved and the home sessions of one reading, in {@link MovedSession}'s terms, and the
     * eligible new sessions the kernel has seen since the path opened (moved or not; -1 unknown).
     */
    record SessionSample(List<MovedSession> moved, List<MovedSession> home, long eligibleNew) {
    }

    /** Borrower: how many sessions use that path now (the kernel's count), -1 when unknown. */
    int sessions(String sharerId);

    /** Borrower: what went through that path since it opened. */
    Bytes borrowed(String sharerId);

    /** Borrower: removes that path; never throws. */
    void closeBorrow(String sharerId);

    /** Removes everything of both roles (stop, and start after a kill -9); never throws. */
    void clear();

    // ----------------------------------------------------------------- totals (the front-ends' counters)

    /**
     * What the path with {@code peerId} carried since it opened, from the kernel (never estimated),
     * in the ledger's terms: {@code bytesOut} up (the borrower's uploads, into the sharer's
     * uplink), {@code bytesIn} down (towards the borrower), {@code bytesDropped} what the sharer
     * dropped over its quota down, {@code sessions} the connections the borrower moved onto it.
     * ZERO without that path. The default: the borrower's {@link #borrowed} bytes only.
     *
     * @param lending this router is the sharer ({@code peerId} the borrower), else the borrower
     */
    default EmergencyPaths.PathCounters carried(String peerId, boolean lending) {
        Bytes b = lending ? Bytes.ZERO : borrowed(peerId);
        return new EmergencyPaths.PathCounters(b.up(), b.down(), 0, 0, 0, 0);
    }

    /**
     * The name of that open path's counters in the kernel, for the ledger: a kill -9 leaves them
     * there and {@link #leftovers} finds them by it. Null when there is no such path (or, the
     * default, nothing the kernel keeps: then nothing is recorded).
     */
    default String pathName(String peerId, boolean lending) {
        return null;
    }

    /** Sharer: the connections of {@code borrowerId} through this router now (conntrack), -1 when unknown. */
    default int lentSessions(String borrowerId) {
        return -1;
    }

    /**
     * Every sharing path's counters in the kernel now, this run's and what a killed earlier run
     * left, by {@link #pathName}; read just before {@link #clear} so that their bytes are kept.
     */
    default Map<String, EmergencyPaths.PathCounters> leftovers() {
        return Map.of();
    }
}
