package net.coopwan.config;

import java.util.List;

/**
 * The whole validated configuration. Immutable: a reload builds a new one and swaps it in,
 * so a bad file never leaves the daemon half-configured.
 */
public record CoopwanConfig(
        Global global,
        List<Uplink> uplinks,
        PeerLink peer,
        List<CooperationOffer> offers,
        Web web,
        Snmp snmp,
        List<Bond> bonds) {

    public CoopwanConfig {
        uplinks = List.copyOf(uplinks);
        offers = List.copyOf(offers);
        bonds = List.copyOf(bonds);
    }
}
