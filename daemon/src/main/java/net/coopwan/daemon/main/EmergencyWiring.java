package net.coopwan.daemon.main;

import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import net.coopwan.config.CooperationType;
import net.coopwan.config.CoopwanConfig;
import net.coopwan.config.Emergency;
import net.coopwan.config.Uplink;
import net.coopwan.daemon.api.EmergencyChanged;
import net.coopwan.daemon.coop.agreement.Agreement;
import net.coopwan.daemon.coop.agreement.Role;
import net.coopwan.daemon.coop.channel.ChannelHeader;
import net.coopwan.daemon.coop.channel.ChannelService;
import net.coopwan.daemon.coop.channel.ChannelState;
import net.coopwan.daemon.coop.channel.PeerChannel;
import net.coopwan.daemon.coop.emergency.EmergencyMessage;
import net.coopwan.daemon.coop.emergency.EmergencyPaths;
import net.coopwan.daemon.coop.emergency.EmergencyService;
import net.coopwan.daemon.store.AgreementStore;
import net.coopwan.daemon.store.StoreException;

/**
 * Builds the emergency connection of a daemon whose peer link is on: the service on the channel
 * (kind EMERGENCY), its paths, and the watch of the own uplink that tells it when to ask for help.
 * Kept out of {@link Daemon} so the lifecycle stays readable.
 */
final class EmergencyWiring {

    private EmergencyWiring() {
    }

    /** The uplink this router watches as requester and carries neighbours on as helper: the configured one, else the first. */
    static Optional<Uplink> uplink(CoopwanConfig c) {
        Emergency e = c.emergency();
        for (Uplink u : c.uplinks()) {
            if (e.uplink() == null || e.uplink().equals(u.name())) {
                return Optional.of(u);
            }
        }
        return Optional.empty();
    }

    static int address(String dotted) {
        int v = 0;
        for (String p : dotted.split("\\.")) {
            v = v << 8 | Integer.parseInt(p);
        }
        return v;
    }

    /** The service, registered on {@code channel}; the caller closes it before the channel. */
    static EmergencyService start(CoopwanConfig c, ChannelService channel, AgreementStore store, EmergencyPaths paths,
            Consumer<String> log, Consumer<EmergencyChanged> publish) {
        Emergency e = c.emergency();
        EmergencyMessage.Mode mode = e.mode() == Emergency.Mode.CONCENTRATOR ? EmergencyMessage.Mode.CONCENTRATOR
                : EmergencyMessage.Mode.DIRECT;
        EmergencyService.Settings settings = new EmergencyService.Settings(e.enabled(), mode, e.helperPort(),
                address(e.tunnelNetwork()), e.tunnelPrefix());
        EmergencyService service = new EmergencyService(settings, peers(channel, store), paths, log, publish,
                Clock.systemUTC(), System::nanoTime, new SecureRandom());
        channel.messages(ChannelHeader.Kind.EMERGENCY, service);
        return service;
    }

    /** The channel and the store as the service needs them; called under the channel's lock. */
    private static EmergencyService.Peers peers(ChannelService channel, AgreementStore store) {
        return new EmergencyService.Peers() {
            @Override
            public List<String> helpers() {
                List<String> out = new ArrayList<>();
                try {
                    for (Agreement a : store.agreements()) {
                        if (a.localRole() == Role.REQUESTER && a.enables(CooperationType.EMERGENCY)) {
                            out.add(a.peerId());
                        }
                    }
                } catch (StoreException ex) {
                    // no helper known this time; asked again on the next try
                }
                return out;
            }

            @Override
            public Optional<Agreement> agreement(String peerId, Role role) {
                try {
                    return store.agreement(peerId, role);
                } catch (StoreException ex) {
                    return Optional.empty();
                }
            }

            @Override
            public boolean established(String peerId) {
                PeerChannel p = channel.peer(peerId);
                return p != null && p.state() == ChannelState.ESTABLISHED;
            }

            @Override
            public InetAddress address(String peerId) {
                PeerChannel p = channel.peer(peerId);
                return p == null ? null : p.address().getAddress();
            }
        };
    }
}
