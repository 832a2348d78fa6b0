package net.coopwan.daemon.coop.sharing;

import java.net.InetAddress;

import net.coopwan.daemon.coop.emergency.EmergencyMessage;

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

    /** Sharer: the download quota replaced by the last {@link #setLendQuota} stops holding; never throws. */
    void settleLendQuota(String borrowerId);

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

    /** Borrower: resets (TCP RST to the LAN host) the sessions that use that path; never throws. */
    void resetSessions(String sharerId);

    /** Borrower: how many sessions use that path now (the kernel's count), -1 when unknown. */
    int sessions(String sharerId);

    /** Borrower: what went through that path since it opened. */
    Bytes borrowed(String sharerId);

    /** Borrower: removes that path; never throws. */
    void closeBorrow(String sharerId);

    /** Removes everything of both roles (stop, and start after a kill -9); never throws. */
    void clear();
}
