package net.coopwan.config;

import java.util.List;

/**
 * The whole validated configuration. Immutable: a reload builds a new one and swaps it in,
 * so a bad file never leaves the daemon half-configured.
 *
 * <p>{@code concentrator} and {@code clients} are kept whatever the role, so that a file can be
 * checked before its role is switched; only a daemon whose {@link Global#role()} is
 * {@link Global.Role#CONCENTRATOR} acts on them.
 */
public record CoopwanConfig(
        Global global,
        List<Uplink> uplinks,
        PeerLink peer,
        List<CooperationOffer> offers,
        Web web,
        Snmp snmp,
        List<Bond> bonds,
        Concentrator concentrator,
        List<TunnelClient> clients,
        DataPlane dataPlane,
        Emergency emergency,
        Sharing sharing,
        Suppression suppression,
        Latency latency) {

    public CoopwanConfig {
        uplinks = List.copyOf(uplinks);
        offers = List.copyOf(offers);
        bonds = List.copyOf(bonds);
        clients = List.copyOf(clients);
        if (dataPlane == null) {
            dataPlane = DataPlane.defaults();
        }
        if (emergency == null) {
            emergency = Emergency.defaults();
        }
        if (sharing == null) {
            sharing = Sharing.defaults();
        }
        if (suppression == null) {
            suppression = Suppression.defaults();
        }
        if (latency == null) {
            latency = Latency.defaults();
        }
    }

    /** With the default latency section. */
    public CoopwanConfig(Global global, List<Uplink> uplinks, PeerLink peer, List<CooperationOffer> offers, Web web,
            Snmp snmp, List<Bond> bonds, Concentrator concentrator, List<TunnelClient> clients, DataPlane dataPlane,
            Emergency emergency, Sharing sharing, Suppression suppression) {
        this(global, uplinks, peer, offers, web, snmp, bonds, concentrator, clients, dataPlane, emergency, sharing,
                suppression, Latency.defaults());
    }

    /** With the default suppression and latency sections. */
    public CoopwanConfig(Global global, List<Uplink> uplinks, PeerLink peer, List<CooperationOffer> offers, Web web,
            Snmp snmp, List<Bond> bonds, Concentrator concentrator, List<TunnelClient> clients, DataPlane dataPlane,
            Emergency emergency, Sharing sharing) {
        this(global, uplinks, peer, offers, web, snmp, bonds, concentrator, clients, dataPlane, emergency, sharing,
                Suppression.defaults(), Latency.defaults());
    }

    /** With the default sharing section. */
    public CoopwanConfig(Global global, List<Uplink> uplinks, PeerLink peer, List<CooperationOffer> offers, Web web,
            Snmp snmp, List<Bond> bonds, Concentrator concentrator, List<TunnelClient> clients, DataPlane dataPlane,
            Emergency emergency) {
        this(global, uplinks, peer, offers, web, snmp, bonds, concentrator, clients, dataPlane, emergency,
                Sharing.defaults());
    }

    /** With the default emergency section. */
    public CoopwanConfig(Global global, List<Uplink> uplinks, PeerLink peer, List<CooperationOffer> offers, Web web,
            Snmp snmp, List<Bond> bonds, Concentrator concentrator, List<TunnelClient> clients, DataPlane dataPlane) {
        this(global, uplinks, peer, offers, web, snmp, bonds, concentrator, clients, dataPlane, Emergency.defaults());
    }

    /** A configuration without a concentrator, without clients, with the default data plane. */
    public CoopwanConfig(Global global, List<Uplink> uplinks, PeerLink peer, List<CooperationOffer> offers, Web web,
            Snmp snmp, List<Bond> bonds) {
        this(global, uplinks, peer, offers, web, snmp, bonds, null, List.of(), DataPlane.defaults());
    }
}
