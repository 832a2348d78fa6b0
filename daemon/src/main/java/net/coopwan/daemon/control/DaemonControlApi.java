package net.coopwan.daemon.control;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;

import net.coopwan.config.CoopwanConfig;
import net.coopwan.config.Uplink;
import net.coopwan.daemon.api.BondRequest;
import net.coopwan.daemon.api.BondStatus;
import net.coopwan.daemon.api.BondUpdate;
import net.coopwan.daemon.api.ControlApi;
import net.coopwan.daemon.api.Event;
import net.coopwan.daemon.api.NetInterface;
import net.coopwan.daemon.api.ReloadResult;
import net.coopwan.daemon.api.StateChange;
import net.coopwan.daemon.api.Status;
import net.coopwan.daemon.api.UplinkStatus;
import net.coopwan.daemon.bond.BondManager;
import net.coopwan.daemon.bond.BondRules;
import net.coopwan.daemon.kernel.KernelInterfaces;
import net.coopwan.daemon.main.ConfigHolder;
import net.coopwan.daemon.main.Version;
import net.coopwan.daemon.store.EventLog;

/** The ControlApi every front-end calls. Holds no state of its own beyond what it is given. */
public final class DaemonControlApi implements ControlApi {

    private final ConfigHolder config;
    private final KernelInterfaces kernel;
    private final EventLog events;
    private final Clock clock;
    private final Instant startedAt;
    private final String hostname;
    private final List<String> frontEnds = new CopyOnWriteArrayList<>();
    private final Supplier<ReloadResult> reloader;
    private final BondManager bonds;
    private final StateChanges changes;

    /** @param changes where the daemon's monitors publish; {@link #subscribe} adds listeners to it */
    public DaemonControlApi(ConfigHolder config, KernelInterfaces kernel, EventLog events, Clock clock,
                            String hostname, Supplier<ReloadResult> reloader, BondManager bonds,
                            StateChanges changes) {
        this.changes = changes;
        this.bonds = bonds;
        this.config = config;
        this.kernel = kernel;
        this.events = events;
        this.clock = clock;
        this.startedAt = clock.instant();
        this.hostname = hostname;
        this.reloader = reloader;
    }

    private volatile java.util.function.Function<String, net.coopwan.daemon.api.LinkMeasurement> measurements = u -> null;

    /** Where uplinks' tunnel measurements come from (the bonds' data paths). */
    public void measurements(java.util.function.Function<String, net.coopwan.daemon.api.LinkMeasurement> source) {
        this.measurements = java.util.Objects.requireNonNull(source);
    }

    private volatile Supplier<net.coopwan.daemon.api.DiscoveryStatus> discovery = () -> null;

    /** Where the discovery status comes from; the source returns null while discovery is off. */
    public void discovery(Supplier<net.coopwan.daemon.api.DiscoveryStatus> source) {
        this.discovery = java.util.Objects.requireNonNull(source);
    }

    private volatile Supplier<net.coopwan.daemon.coop.channel.ChannelService> channel = () -> null;

    /** Where the secure channel service is; the source returns null while the peer link is off. */
    public void channel(Supplier<net.coopwan.daemon.coop.channel.ChannelService> source) {
        this.channel = java.util.Objects.requireNonNull(source);
    }

    private net.coopwan.daemon.coop.channel.ChannelService channelOrRefuse() {
        return peerLinkOrRefuse(channel);
    }

    /** What {@code source} gives, or a refusal naming the option when the peer link is off. */
    private static <T> T peerLinkOrRefuse(Supplier<T> source) {
        T t = source.get();
        if (t == null) {
            throw new net.coopwan.daemon.api.ControlException(net.coopwan.daemon.api.ControlException.Reason.RESOURCE_UNAVAILABLE,
                    "the peer link is off (config peer: option enabled 1)");
        }
        return t;
    }

    @Override
    public net.coopwan.daemon.api.PeersStatus peers() {
        net.coopwan.daemon.coop.channel.ChannelService c = channel.get();
        return c == null ? net.coopwan.daemon.api.PeersStatus.off() : c.status();
    }

    @Override
    public net.coopwan.daemon.api.PairingStarted pairStart(String peerAddress) {
        return channelOrRefuse().pairStart(peerAddress);
    }

    @Override
    public net.coopwan.daemon.api.PairingResult pairEnter(String peerAddress, String code) {
        return channelOrRefuse().pairEnter(peerAddress, code);
    }

    private volatile Supplier<net.coopwan.daemon.coop.emergency.EmergencyService> emergency = () -> null;

    private volatile Supplier<net.coopwan.daemon.coop.sharing.SharingService> sharing = () -> null;

    private volatile Supplier<net.coopwan.daemon.api.LatencyStatus> latency = () -> null;

    /** Where the latency status comes from (null while the peer link is off); it must not block. */
    public void latency(Supplier<net.coopwan.daemon.api.LatencyStatus> source) {
        this.latency = java.util.Objects.requireNonNull(source);
    }

    @Override
    public net.coopwan.daemon.api.LatencyStatus latency() {
        net.coopwan.daemon.api.LatencyStatus s = latency.get();
        return s == null ? net.coopwan.daemon.api.LatencyStatus.off() : s;
    }

    /** Where the sharing service is (null while the peer link is off). */
    public void sharing(Supplier<net.coopwan.daemon.coop.sharing.SharingService> source) {
        this.sharing = java.util.Objects.requireNonNull(source);
    }

    @Override
    public net.coopwan.daemon.api.SharingStatus sharing() {
        net.coopwan.daemon.coop.sharing.SharingService s = sharing.get();
        return s == null ? net.coopwan.daemon.api.SharingStatus.off() : s.status();
    }

    @Override
    public void stopLending(String peerId, String via) {
        lendingChange(peerId, via, true);
    }

    @Override
    public void resumeLending(String peerId, String via) {
        lendingChange(peerId, via, false);
    }

    /** The owner's stop or resume of lending to {@code peerId}, with endEmergency's refusals. */
    private void lendingChange(String peerId, String via, boolean stop) {
        net.coopwan.daemon.coop.sharing.SharingService s = peerLinkOrRefuse(sharing);
        if (peerId == null || peerId.isEmpty()) {
            throw new net.coopwan.daemon.api.ControlException(net.coopwan.daemon.api.ControlException.Reason.INVALID_VALUE,
                    "give the neighbour to " + (stop ? "stop" : "resume") + " lending to");
        }
        boolean known;
        try {
            String v = via == null ? "cli" : via;
            known = stop ? s.stopLending(peerId, v) : s.resumeLending(peerId, v);
        } catch (IllegalStateException e) {
            throw new net.coopwan.daemon.api.ControlException(
                    net.coopwan.daemon.api.ControlException.Reason.RESOURCE_UNAVAILABLE, e.getMessage());
        }
        if (!known) {
            throw new net.coopwan.daemon.api.ControlException(net.coopwan.daemon.api.ControlException.Reason.NOT_FOUND,
                    "'" + peerId + "' borrows nothing from this router (no bandwidth_sharing agreement in which it lends)");
        }
    }

    /** Where the emergency service is (null while the peer link is off). */
    public void emergency(Supplier<net.coopwan.daemon.coop.emergency.EmergencyService> source) {
        this.emergency = java.util.Objects.requireNonNull(source);
    }

    @Override
    public net.coopwan.daemon.api.EmergencyStatus emergency() {
        net.coopwan.daemon.coop.emergency.EmergencyService e = emergency.get();
        return e == null ? net.coopwan.daemon.api.EmergencyStatus.off(java.time.Instant.now()) : e.status();
    }

    @Override
    public void endEmergency(String peerId, String via) {
        net.coopwan.daemon.coop.emergency.EmergencyService e = peerLinkOrRefuse(emergency);
        if (peerId == null || peerId.isEmpty()) {
            throw new net.coopwan.daemon.api.ControlException(net.coopwan.daemon.api.ControlException.Reason.INVALID_VALUE,
                    "give the neighbour whose emergency to end");
        }
        if (!e.endHelp(peerId, via == null ? "cli" : via)) {
            throw new net.coopwan.daemon.api.ControlException(net.coopwan.daemon.api.ControlException.Reason.NOT_FOUND,
                    "this router carries no emergency for '" + peerId + "'");
        }
    }

    private volatile Supplier<net.coopwan.daemon.coop.negotiation.Negotiation> negotiation = () -> null;
    private volatile Supplier<net.coopwan.daemon.store.AgreementStore> agreementStore = () -> null;

    /**
     * Where the cooperation handshake is (null while the peer link is off) and the store of
     * agreements (null until the store is open): agreements and pending approvals stay readable
     * with the peer link off.
     */
    public void negotiation(Supplier<net.coopwan.daemon.coop.negotiation.Negotiation> source,
            Supplier<net.coopwan.daemon.store.AgreementStore> store) {
        this.negotiation = java.util.Objects.requireNonNull(source);
        this.agreementStore = java.util.Objects.requireNonNull(store);
    }

    private net.coopwan.daemon.coop.negotiation.Negotiation negotiationOrRefuse() {
        return peerLinkOrRefuse(negotiation);
    }

    @Override
    public List<net.coopwan.daemon.api.AgreementStatus> agreements() {
        net.coopwan.daemon.store.AgreementStore s = agreementStore.get();
        return s == null ? List.of() : net.coopwan.daemon.coop.negotiation.AgreementViews.agreements(s);
    }

    @Override
    public List<net.coopwan.daemon.api.PendingApproval> pendingRequests() {
        net.coopwan.daemon.store.AgreementStore s = agreementStore.get();
        return s == null ? List.of() : net.coopwan.daemon.coop.negotiation.AgreementViews.pending(s);
    }

    @Override
    public net.coopwan.daemon.api.OfferSent requestCooperation(String peerId) {
        return negotiationOrRefuse().requestCooperation(peerId);
    }

    @Override
    public net.coopwan.daemon.api.AgreementStatus approve(String peerId, java.util.Map<String, java.util.Map<String, Long>> types,
            String via) {
        return negotiationOrRefuse().approve(peerId, types, via);
    }

    @Override
    public void reject(String peerId, String reason) {
        negotiationOrRefuse().reject(peerId, reason);
    }

    @Override
    public net.coopwan.daemon.api.InfoRequested requestInfo(String peerId) {
        return negotiationOrRefuse().requestInfo(peerId);
    }

    @Override
    public net.coopwan.daemon.api.PeerInfo peerInfo(String peerId) {
        return negotiationOrRefuse().peerInfo(peerId);
    }

    /** Called by the daemon as each front-end comes up. */
    public void frontEndStarted(String where) {
        frontEnds.add(where);
    }

    @Override
    public Status status() {
        List<UplinkStatus> ups = uplinks();
        int up = 0;
        int total = 0;
        for (UplinkStatus u : ups) {
            if (u.enabled()) {
                total++;
                if (u.state() == UplinkStatus.State.UP) {
                    up++;
                }
            }
        }
        CoopwanConfig c = config.current();
        return new Status(Version.get(), hostname, c.global().role().name().toLowerCase(), startedAt,
                Duration.between(startedAt, clock.instant()).toSeconds(), config.sourceName(), up, total,
                new ArrayList<>(frontEnds));
    }

    @Override
    public List<UplinkStatus> uplinks() {
        List<UplinkStatus> out = new ArrayList<>();
        for (Uplink u : config.current().uplinks()) {
            out.add(UplinkStates.of(u, kernel.byName(u.device()).orElse(null), measurements.apply(u.name())));
        }
        return out;
    }

    @Override
    public List<NetInterface> interfaces() {
        return kernel.list();
    }

    @Override
    public List<Event> events(int limit) {
        if (limit < 1 || limit > 1000) {
            throw new IllegalArgumentException("limit must be 1-1000, got " + limit);
        }
        return events.newest(limit);
    }

    @Override
    public CoopwanConfig config() {
        return config.current();
    }

    @Override
    public ReloadResult reload() {
        return reloader.get();
    }

    @Override
    public List<BondStatus> bonds() {
        return bonds.list();
    }

    @Override
    public BondStatus createBond(BondRequest request) {
        return bonds.create(request);
    }

    @Override
    public void destroyBond(String name) {
        bonds.destroy(name);
    }

    @Override
    public BondStatus updateBond(String name, BondUpdate update) {
        return bonds.update(name, update);
    }

    @Override
    public BondStatus addBondMember(String bond, String uplink) {
        return bonds.addMember(bond, uplink);
    }

    @Override
    public BondStatus removeBondMember(String bond, String uplink) {
        return bonds.removeMember(bond, uplink);
    }

    @Override
    public BondStatus setBondActive(String name, boolean active) {
        return bonds.setActive(name, active);
    }

    @Override
    public void checkBond(BondRequest request) {
        bonds.checkCreate(request);
    }

    @Override
    public void checkBondValues(BondRequest request) {
        if (request.name() != null) {
            BondRules.checkName(request.name());
        }
        BondRules.checkMode(request.mode());
        BondRules.checkMtu(request.mtu());
    }

    @Override
    public void checkBondUpdate(String name, BondUpdate update) {
        bonds.checkUpdate(name, update);
    }

    @Override
    public void checkBondMember(String bond, String uplink) {
        bonds.checkAddMember(bond, uplink);
    }

    @Override
    public net.coopwan.daemon.api.DiscoveryStatus discovery() {
        net.coopwan.daemon.api.DiscoveryStatus d = discovery.get();
        if (d != null) {
            return d;
        }
        CoopwanConfig c = config.current();
        return net.coopwan.daemon.api.DiscoveryStatus.off(c.peer().device(), c.peer().port());
    }

    @Override
    public AutoCloseable subscribe(Consumer<? super StateChange> listener) {
        return changes.subscribe(listener);
    }
}
