package net.coopwan.daemon.coop.latency;

/** Why a session is latency-critical: which rule of [0229]-[0237] said so. */
public enum Origin {
    /** A configured application type: protocol, port ranges, destinations ([0230]). */
    APP,
    /** The packet's DSCP under the configured rule ([0233]). */
    DSCP,
    /** Its (address, port) was learned from an earlier ad hoc session ([0237]): LC from its first packet. */
    LEARNED,
    /** Upgraded mid-session by the ad hoc rule ([0235]-[0236]): proxy-related features must not apply. */
    AD_HOC
}
