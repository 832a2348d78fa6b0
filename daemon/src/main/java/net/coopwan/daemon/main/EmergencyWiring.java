package net.coopwan.daemon.main;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

import net.coopwan.config.CooperationType;
import net.coopwan.config.CoopwanConfig;
import net.coopwan.config.Emergency;
import net.coopwan.config.Uplink;
import net.coopwan.daemon.api.EmergencyChanged;
import net.coopwan.daemon.api.EmergencyStatus;
import net.coopwan.daemon.coop.agreement.Agreement;
import net.coopwan.daemon.coop.agreement.Role;
import net.coopwan.daemon.coop.channel.ChannelHeader;
import net.coopwan.daemon.coop.channel.ChannelService;
import net.coopwan.daemon.coop.channel.ChannelState;
import net.coopwan.daemon.coop.channel.PeerChannel;
import net.coopwan.daemon.coop.emergency.EmergencyLedger;
import net.coopwan.daemon.coop.emergency.EmergencyMessage;
import net.coopwan.daemon.coop.emergency.EmergencyPaths;
import net.coopwan.daemon.coop.emergency.EmergencyService;
import net.coopwan.daemon.store.AgreementStore;
import net.coopwan.daemon.store.EmergencyStore;
import net.coopwan.daemon.store.StoreException;
import net.coopwan.daemon.uplink.failure.DeviceReader;
import net.coopwan.daemon.uplink.failure.ProbeTarget;
import net.coopwan.daemon.uplink.failure.Prober;
import net.coopwan.daemon.uplink.failure.UplinkFailureRunner;
import net.coopwan.daemon.uplink.failure.UplinkFailureSettings;
import net.coopwan.daemon.uplink.failure.UplinkVerdict;

/**
 * Builds the emergency connection of a daemon whose peer link is on: the service on the channel
 * (kind EMERGENCY), its paths, and the watch of the own uplink that tells it when to ask for help.
 * Kept out of {@link Daemon} so the lifecycle stays readable.
 */
final class EmergencyWiring {

    private EmergencyWiring() {
    }

    /**
     * What the emergency was built from: a reload that changes none of it leaves the service
     * running (an emergency in progress goes on); any change restarts it.
     */
    record Fingerprint(Emergency failover, List<Uplink> uplinks, List<net.coopwan.config.Bond> bonds,
                       net.coopwan.config.Sharing sharing, net.coopwan.config.Suppression suppression,
                       net.coopwan.config.Latency latency) {
        static Fingerprint of(CoopwanConfig c) {
            return new Fingerprint(c.emergency(), c.uplinks(), c.bonds(), c.sharing(), c.suppression(), c.latency());
        }
    }

    /**
     * A running neighbour path: the emergency service and the watch of the own uplink, and
     * bandwidth sharing on the same paths.
     */
    record Running(Fingerprint fingerprint, EmergencyService service, UplinkFailureRunner watch,
                   net.coopwan.daemon.coop.sharing.SharingService sharing, SuppressionWiring.Running suppression,
                   LatencyWiring latency, CommonIspWiring.Running commonIsp)
            implements AutoCloseable {

        Running(Fingerprint fingerprint, EmergencyService service, UplinkFailureRunner watch,
                net.coopwan.daemon.coop.sharing.SharingService sharing) {
            this(fingerprint, service, watch, sharing, null, null, null);
        }

        /** What duplication consults per neighbour: the common-ISP verdicts, or none gating (not running). */
        net.coopwan.daemon.coop.commonisp.CommonIspGate ispGate() {
            return commonIsp == null ? net.coopwan.daemon.coop.commonisp.CommonIspGate.OPEN : commonIsp.gate();
        }

        /** Latency-critical traffic as the ControlApi shows it; never blocks (see LatencyStatusView). */
        net.coopwan.daemon.api.LatencyStatus latencyStatus() {
            return LatencyStatusView.of(latency, suppression == null ? null : suppression.service(),
                    suppression == null ? null : suppression.kernel().get(),
                    commonIsp == null ? null : commonIsp.service());
        }

        /**
         * Stops watching first, so no new emergency starts while the services remove their paths;
         * sharing's paths go before the emergency's, which are the same tunnels underneath.
         */
        @Override
        public void close() {
            if (watch != null) {
                watch.close();
            }
            if (latency != null) {
                latency.close();
            }
            if (commonIsp != null) {
                commonIsp.close();
            }
            if (suppression != null) {
                try {
                    suppression.close();
                } catch (RuntimeException e) {
                    // best effort: the next start removes the table
                }
            }
            if (sharing != null) {
                sharing.close();
            }
            service.close();
        }
    }

    /** The uplink this router watches as requester and carries neighbours on as helper. */
    static Optional<Uplink> uplink(CoopwanConfig c) {
        return c.emergency().watchedUplink(c.uplinks());
    }

    static int address(String dotted) {
        int v = 0;
        for (String p : dotted.split("\\.")) {
            v = v << 8 | Integer.parseInt(p);
        }
        return v;
    }

    /**
     * The watch of the own uplink (docs/emergency.md, docs/failure-detection.md) that tells
     * {@code service} when it fails and recovers; null when emergency requests are off or there
     * is no uplink. A failure to open the probes is logged and the watch runs without them
     * (carrier and black-hole still work).
     */
    static UplinkFailureRunner watch(CoopwanConfig c, EmergencyService service, DeviceReader devices,
            Function<String, Optional<Inet4Address>> gatewayOf, Consumer<String> log) {
        Emergency e = c.emergency();
        Optional<Uplink> u = uplink(c);
        if (!e.enabled() || u.isEmpty()) {
            return null;
        }
        String device = u.get().device();
        List<ProbeTarget> targets = new ArrayList<>();
        for (Emergency.ProbeTarget t : e.probes()) {
            Inet4Address a = (Inet4Address) ipv4(t.address());
            targets.add(t.kind() == Emergency.ProbeTarget.Kind.ICMP ? ProbeTarget.icmp(a) : ProbeTarget.udp(a, t.port()));
        }
        String probing = "";
        if (targets.isEmpty()) {
            // Without replies to wait for, one-way traffic (a UDP upload) would look like a
            // black-hole: the uplink's gateway answers pings on any healthy line, so it is probed.
            Optional<Inet4Address> gw = u.get().gateway() == null || u.get().gateway().isEmpty()
                    ? gatewayOf.apply(device) : Optional.of((Inet4Address) ipv4(u.get().gateway()));
            if (gw.isPresent()) {
                targets.add(ProbeTarget.icmp(gw.get()));
                probing = " (no list probe: the gateway " + gw.get().getHostAddress() + ")";
            }
        }
        UplinkFailureSettings d = UplinkFailureSettings.DEFAULTS;
        UplinkFailureSettings settings = new UplinkFailureSettings(targets, e.probeIntervalMs(), e.probeTimeoutMs(),
                e.probeDownCount(), e.probeThreshold(), e.blackholeMs(), e.recoverMs(), d.flapWindowMs(),
                d.maxFlapFactor(), d.flapResetMs(), Math.min(d.tickMs(), e.probeIntervalMs()));
        List<Prober> probers = List.of();
        try {
            probers = UplinkFailureRunner.openProbers(settings, device, null);
        } catch (java.io.IOException | RuntimeException ex) {
            log.accept("emergency: uplink " + u.get().name() + " (" + device + "): probes not opened, watching carrier and "
                    + "black-hole only: " + ex.getMessage());
            settings = settings.withTargets(List.of());
        }
        DeviceReader seen = e.carrier() ? devices : carrierIgnored(devices);
        String name = u.get().name();
        UplinkFailureRunner runner = new UplinkFailureRunner(device, settings, seen, probers, (dev, v) -> {
            if (v.state() == UplinkVerdict.State.FAILED) {
                service.uplinkFailed(cause(v.reason()), "uplink " + name + " " + v.line());
            } else {
                service.uplinkRecovered("uplink " + name + " " + v.line());
            }
        });
        runner.start();
        log.accept("emergency: watching uplink " + name + " (" + device + "): carrier " + (e.carrier() ? "on" : "off")
                + ", black-hole after " + e.blackholeMs() + " ms, " + (settings.targets().isEmpty() ? "no probes"
                : settings.targets().size() + " probe target(s) every " + e.probeIntervalMs() + " ms" + probing));
        return runner;
    }

    private static EmergencyMessage.Cause cause(String reason) {
        if (reason.startsWith("carrier")) {
            return EmergencyMessage.Cause.CARRIER;
        }
        return reason.startsWith("black") ? EmergencyMessage.Cause.BLACKHOLE : EmergencyMessage.Cause.PROBES;
    }

    private static InetAddress ipv4(String literal) {
        try {
            return InetAddress.getByName(literal); // a validated IPv4 literal: no lookup
        } catch (java.net.UnknownHostException ex) {
            throw new IllegalArgumentException(literal, ex);
        }
    }

    /** {@code option carrier '0'}: the device's carrier is read as up, so only the other methods decide. */
    private static DeviceReader carrierIgnored(DeviceReader d) {
        return device -> {
            DeviceReader.Reading r = d.read(device);
            return r == null ? null : new DeviceReader.Reading(true, r.rxPackets(), r.txPackets());
        };
    }

    /** The service, registered on {@code channel}; the caller closes it before the channel. */
    static EmergencyService start(CoopwanConfig c, ChannelService channel, AgreementStore store,
            net.coopwan.daemon.store.Store agreementsStore, EmergencyPaths paths, Consumer<String> log,
            Consumer<EmergencyChanged> publish) {
        Emergency e = c.emergency();
        EmergencyMessage.Mode mode = e.mode() == Emergency.Mode.CONCENTRATOR ? EmergencyMessage.Mode.CONCENTRATOR
                : EmergencyMessage.Mode.DIRECT;
        List<EmergencyMessage.Destination> own = new ArrayList<>();
        for (net.coopwan.config.Bond b : c.bonds()) {
            net.coopwan.config.BondTunnel t = b.tunnel();
            if (t != null && t.concentratorHost().matches("[0-9.]+")) {
                EmergencyMessage.Destination d = new EmergencyMessage.Destination(address(t.concentratorHost()),
                        t.concentratorPort());
                if (!own.contains(d) && own.size() < net.coopwan.daemon.coop.emergency.EmergencyCodec.MAX_DESTINATIONS) {
                    own.add(d);
                }
            }
        }
        List<EmergencyMessage.Destination> allowed = new ArrayList<>();
        for (String hp : e.concentrators()) {
            allowed.add(EmergencyMessage.Destination.parse(hp));
        }
        EmergencyService.Settings settings = new EmergencyService.Settings(e.enabled(), mode, e.helperPort(),
                address(e.tunnelNetwork()), e.tunnelPrefix(), own, allowed);
        EmergencyService service = new EmergencyService(settings, peers(channel, store), paths,
                agreementsStore == null ? EmergencyLedger.inMemory()
                        : ledger(new EmergencyStore(agreementsStore), "emergency", EmergencyStore.EMERGENCY_ROLES, log), log,
                publish, Clock.systemUTC(), System::nanoTime,
                new SecureRandom());
        channel.messages(ChannelHeader.Kind.EMERGENCY, service);
        service.wake(channel::kick);
        return service;
    }

    /**
     * The counters in the state store, of the paths whose role is one of {@code roles} only: the
     * emergency and bandwidth sharing keep theirs in the same tables (one start / end / kill -9
     * bookkeeping), and neither ends or shows the other's paths. A write that fails is logged and
     * the service goes on: the LAN matters more than its statistics.
     *
     * @param what the service, for the log line
     */
    static EmergencyLedger ledger(EmergencyStore store, String what, java.util.Set<String> roles, Consumer<String> log) {
        return new EmergencyLedger() {
            @Override
            public void started(String pathName, String peerId, String role) {
                try {
                    store.started(pathName, peerId, role, java.time.Instant.now());
                } catch (StoreException ex) {
                    log.accept(what + ": start with " + peerId + " not counted in the store: " + ex.getMessage());
                }
            }

            @Override
            public void ended(String pathName, EmergencyPaths.PathCounters last) {
                try {
                    store.ended(pathName, last.bytesOut(), last.bytesIn(), last.bytesDropped(), last.packetsRefused(),
                            last.sessions());
                } catch (StoreException ex) {
                    log.accept(what + ": counters of " + pathName + " not kept in the store: " + ex.getMessage());
                }
            }

            @Override
            public List<String> running() {
                try {
                    return store.running().stream().filter(r -> roles.contains(r.role()))
                            .map(EmergencyStore.Running::pathName).toList();
                } catch (StoreException ex) {
                    return List.of();
                }
            }

            @Override
            public List<EmergencyStatus.Total> totals() {
                try {
                    return store.totals().stream().filter(t -> roles.contains(t.role()))
                            .map(t -> new EmergencyStatus.Total(t.peerId(), t.role(), t.started(), t.bytesOut(),
                                    t.bytesIn(), t.bytesDropped(), t.packetsRefused(), t.sessions())).toList();
                } catch (StoreException ex) {
                    return List.of();
                }
            }
        };
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
                return agreementWith(store, peerId, role);
            }

            @Override
            public boolean established(String peerId) {
                return EmergencyWiring.established(channel, peerId);
            }

            @Override
            public InetAddress address(String peerId) {
                return addressOf(channel, peerId);
            }
        };
    }

    /** Duplication's view of the agreements (this router as requester) and the channel. */
    static DuplicationWiring.Neighbours duplicationNeighbours(ChannelService channel, AgreementStore store,
            net.coopwan.daemon.coop.commonisp.CommonIspGate isp) {
        return new DuplicationWiring.Neighbours() {
            @Override
            public boolean ispAllows(String peerId) {
                return isp == null || isp.duplicationVia(peerId);
            }

            @Override
            public String withDuplication() {
                try {
                    for (Agreement a : store.agreements()) {
                        if (a.localRole() == Role.REQUESTER && a.enables(CooperationType.DUPLICATION)) {
                            return a.peerId();
                        }
                    }
                } catch (StoreException ex) {
                    // none this time; asked again at the next tick
                }
                return null;
            }

            @Override
            public boolean established(String peerId) {
                return EmergencyWiring.established(channel, peerId);
            }

            @Override
            public long duplicationKbps(String peerId) {
                return agreementWith(store, peerId, Role.REQUESTER)
                        .map(a -> a.enabled().getOrDefault(CooperationType.DUPLICATION, java.util.Map.of()))
                        .map(v -> v.getOrDefault("bandwidth_kbps", 0L)).orElse(0L);
            }
        };
    }

    /** The stored agreement with {@code peerId} in {@code role}; empty also when the store cannot be read. */
    static Optional<Agreement> agreementWith(AgreementStore store, String peerId, Role role) {
        try {
            return store.agreement(peerId, role);
        } catch (StoreException ex) {
            return Optional.empty();
        }
    }

    /** Whether the secure channel to {@code peerId} is ESTABLISHED. */
    static boolean established(ChannelService channel, String peerId) {
        PeerChannel p = channel.peer(peerId);
        return p != null && p.state() == ChannelState.ESTABLISHED;
    }

    /** The peer's address on the peer link, or null. */
    static InetAddress addressOf(ChannelService channel, String peerId) {
        PeerChannel p = channel.peer(peerId);
        return p == null ? null : p.address().getAddress();
    }
}
