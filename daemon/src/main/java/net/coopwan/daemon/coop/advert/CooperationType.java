package net.coopwan.daemon.coop.advert;

/**
 * Cooperation types a router offers in its advert (seed 001 [0098], notes section 2), one flag
 * bit each in the 48 bits of information. Latency optimisation is split into its two halves
 * (duplication and suppression, FIG. 3D) because an owner may lend one without the other.
 */
public enum CooperationType {
    /** Emergency connection: lend the uplink when the neighbour's WAN fails (FIG. 3B). */
    EMERGENCY_CONNECTION(41),
    /** Bandwidth sharing: new sessions of the borrower use the sharer's spare bandwidth (FIG. 3C). */
    BANDWIDTH_SHARING(40),
    /** Proxied bandwidth sharing, the variant of [0158]. */
    PROXIED_BANDWIDTH_SHARING(39),
    /** Latency optimisation by duplication of latency-critical packets (FIG. 3D). */
    LC_DUPLICATION(38),
    /** Latency optimisation by suppression of other traffic while LC sessions run ([0173]-[0178]). */
    SUPPRESSION(37);

    private final int bit;

    CooperationType(int bit) {
        this.bit = bit;
    }

    /** Bit number inside the 48-bit information field (47 = most significant). */
    public int bit() {
        return bit;
    }

    long mask() {
        return 1L << bit;
    }
}
