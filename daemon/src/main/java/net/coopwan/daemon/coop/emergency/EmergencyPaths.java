package net.coopwan.daemon.coop.emergency;

import java.net.InetAddress;

/**
 * What the emergency protocol asks of the data plane and the kernel: on the helper, a path that
 * carries one requester's traffic within a quota; on the requester, its LAN moved onto that path
 * and back. The real one is {@code datapath.EmergencyDataPaths} (a tunnel from the bonding data
 * plane, kernel rules through {@code steer}); protocol tests use a recording fake.
 *
 * <p>Called on the service's own worker thread, never under the channel's lock: each call may
 * run commands for tens of milliseconds. Every method is idempotent.
 */
public interface EmergencyPaths {

    /**
     * Helper: makes the path for {@code requesterId} ready under {@code grant}; throws with the
     * reason. Mode concentrator: the requester's sealed packets from {@code requesterAddress} may
     * go to {@code destinations} only.
     *
     * @return the path's name: what its counters are called in the kernel (for the ledger)
     */
    String openHelp(String requesterId, InetAddress requesterAddress, EmergencyMessage.Mode mode,
            EmergencyMessage.Grant grant, java.util.List<EmergencyMessage.Destination> destinations) throws Exception;

    /** Helper: removes that path; never throws. @return its counters read just before, zeros when there was none */
    PathCounters closeHelp(String requesterId);

    /**
     * Requester: carries the LAN through {@code helperId} at {@code helperAddress} as granted.
     *
     * @return the path's name (for the ledger)
     */
    String carry(String helperId, InetAddress helperAddress, EmergencyMessage.Mode mode, EmergencyMessage.Grant grant)
            throws Exception;

    /** Requester: back to the own uplink; never throws. @return the path's counters read just before, or zeros */
    PathCounters uncarry(String helperId);

    /** Counters of one path, zeros when there is none. */
    PathCounters counters(String peerId, boolean asHelper);

    /**
     * Removes everything, this run's paths and what a killed earlier run left in the kernel
     * (stop, and start after a kill -9); never throws.
     *
     * @return the final counters of every path removed, by path name
     */
    java.util.Map<String, PathCounters> clear();

    /**
     * Byte and packet counts of one path. {@code sessions}: the connections moved onto the path
     * (bandwidth sharing's borrower, which keeps its totals in the same ledger); 0 for the emergency.
     */
    record PathCounters(long bytesOut, long bytesIn, long bytesDropped, long packetsRefused, long bytesLastWindow,
            long sessions) {
        public static final PathCounters ZERO = new PathCounters(0, 0, 0, 0, 0, 0);

        /** An emergency path's: no sessions counted. */
        public PathCounters(long bytesOut, long bytesIn, long bytesDropped, long packetsRefused, long bytesLastWindow) {
            this(bytesOut, bytesIn, bytesDropped, packetsRefused, bytesLastWindow, 0);
        }
    }
}
