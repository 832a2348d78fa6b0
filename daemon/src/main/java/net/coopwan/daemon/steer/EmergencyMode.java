package net.coopwan.daemon.steer;

/**
 * How a requester's traffic reaches the helper, which decides only what the helper matches on;
 * the rules are the same either way.
 */
public enum EmergencyMode {
    /**
     * The requester's LAN traffic comes out of the helper's tunnel device with the requester's
     * inner tunnel address as source, to any destination or a list.
     */
    DIRECT,
    /**
     * The requester bonds through a concentrator: its already encrypted UDP tunnel packets arrive
     * on the helper's peer-link device from the requester's peer-link address, and may go only to
     * listed concentrator address:port pairs.
     */
    CONCENTRATOR
}
