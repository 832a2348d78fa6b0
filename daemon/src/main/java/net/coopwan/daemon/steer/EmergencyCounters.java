package net.coopwan.daemon.steer;

/**
 * One requester's counters in the helper's table, read back from the kernel. Bytes are IPv4
 * packet lengths, as in {@link EmergencyQuota}.
 *
 * @param name                    the requester ({@link EmergencyGrant#name()})
 * @param carriedBytes            forwarded out of the uplink
 * @param carriedPackets          forwarded out of the uplink
 * @param droppedOverQuotaBytes   dropped because the quota was used up
 * @param droppedOverQuotaPackets dropped because the quota was used up
 * @param refusedPackets          dropped before the quota: a destination not allowed, a way out
 *                                other than the uplink, or unsolicited traffic from the uplink
 *                                towards the requester
 */
public record EmergencyCounters(String name, long carriedBytes, long carriedPackets, long droppedOverQuotaBytes,
                                long droppedOverQuotaPackets, long refusedPackets) {
}
