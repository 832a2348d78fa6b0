package net.coopwan.webui;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import net.coopwan.config.CoopwanConfig;
import net.coopwan.daemon.api.BondRequest;
import net.coopwan.daemon.api.BondStatus;
import net.coopwan.daemon.api.BondUpdate;
import net.coopwan.daemon.api.ControlApi;
import net.coopwan.daemon.api.Event;
import net.coopwan.daemon.api.NetInterface;
import net.coopwan.daemon.api.ReloadResult;
import net.coopwan.daemon.api.Status;
import net.coopwan.daemon.api.UplinkStatus;

/**
 * The real daemon's ControlApi, counting reloads: a refused write must not reach the daemon at
 * all, and a reload of a daemon without a config file leaves no event to look for. Public for the
 * browser tests, which need an emergency the test daemon cannot have ({@link #emergency}).
 */
public final class CountingApi implements ControlApi {

    private final ControlApi real;
    private final CoopwanConfig config;
    private final AtomicInteger reloads = new AtomicInteger();

    /** @param config what {@link #config()} answers: the configuration this front-end was started with */
    public CountingApi(ControlApi real, CoopwanConfig config) {
        this.real = real;
        this.config = config;
    }

    /** What {@link #discovery()} answers instead of the daemon when set (the test daemon's peer link is off). */
    volatile net.coopwan.daemon.api.DiscoveryStatus discovery;

    @Override
    public net.coopwan.daemon.api.DiscoveryStatus discovery() {
        net.coopwan.daemon.api.DiscoveryStatus d = discovery;
        return d != null ? d : real.discovery();
    }

    /**
     * What {@link #emergency()} answers instead of the daemon when set; then {@link #endEmergency}
     * drops that neighbour from it and records the call, or refuses as the daemon does (NOT_FOUND)
     * for a neighbour not carried. Unset, both go to the daemon (whose peer link is off).
     */
    public volatile net.coopwan.daemon.api.EmergencyStatus emergency;

    /** What {@link #latency()} answers instead of the daemon when set. */
    public volatile net.coopwan.daemon.api.LatencyStatus latency;

    @Override
    public net.coopwan.daemon.api.LatencyStatus latency() {
        net.coopwan.daemon.api.LatencyStatus l = latency;
        return l != null ? l : real.latency();
    }

    /** What {@link #sharing()} answers instead of the daemon when set. */
    public volatile net.coopwan.daemon.api.SharingStatus sharing;

    @Override
    public net.coopwan.daemon.api.SharingStatus sharing() {
        net.coopwan.daemon.api.SharingStatus s = sharing;
        return s != null ? s : real.sharing();
    }
    private final List<String> lendingChanges = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * With {@link #sharing} set: flips that borrower's {@code stopped} and records "stop PEER via
     * VIA", or refuses as the daemon does (NOT_FOUND) for a neighbour that is no borrower. Unset:
     * the daemon's (peer link off).
     */
    @Override
    public synchronized void stopLending(String peerId, String via) {
        lendingChange(peerId, via, true);
    }

    @Override
    public synchronized void resumeLending(String peerId, String via) {
        lendingChange(peerId, via, false);
    }

    private void lendingChange(String peerId, String via, boolean stop) {
        net.coopwan.daemon.api.SharingStatus s = sharing;
        if (s == null) {
            if (stop) {
                real.stopLending(peerId, via);
            } else {
                real.resumeLending(peerId, via);
            }
            return;
        }
        List<net.coopwan.daemon.api.SharingStatus.Lending> rows = new java.util.ArrayList<>();
        boolean found = false;
        for (net.coopwan.daemon.api.SharingStatus.Lending l : s.lending()) {
            if (l.peerId().equals(peerId)) {
                found = true;
                l = new net.coopwan.daemon.api.SharingStatus.Lending(l.peerId(), stop ? 0 : l.offerDownKbps(),
                        stop ? 0 : l.offerUpKbps(), l.state(), l.quotaBytes(), stop, l.sessions(), l.rateDownKbps(),
                        l.rateUpKbps(), l.bytesDown(), l.bytesUp());
            }
            rows.add(l);
        }
        if (!found) {
            throw new net.coopwan.daemon.api.ControlException(net.coopwan.daemon.api.ControlException.Reason.NOT_FOUND,
                    "'" + peerId + "' borrows nothing from this router");
        }
        lendingChanges.add((stop ? "stop " : "resume ") + peerId + " via " + via);
        sharing = new net.coopwan.daemon.api.SharingStatus(s.lend(), s.borrow(), s.spareDownKbps(), s.spareUpKbps(), rows,
                s.borrowing(), s.counters(), s.totals());
    }

    /** "stop PEER via VIA" or "resume ..." per change made while {@link #sharing} was set, in order. */
    public List<String> lendingChanges() {
        return List.copyOf(lendingChanges);
    }

    /** Back to the daemon's sharing, with no change recorded. */
    public void sharingFromTheDaemon() {
        sharing = null;
        lendingChanges.clear();
    }

    /**
     * Lends to {@code borrower} (3 sessions, 2 MiB down and 200 KiB up in all, 1500 / 150 kbit/s
     * now) and borrows from {@code sharer} (2 sessions now, 9 moved, 5 MiB down, 300 KiB up).
     */
    public static net.coopwan.daemon.api.SharingStatus sharingBothRoles(String borrower, String sharer) {
        return new net.coopwan.daemon.api.SharingStatus(true, true, 7000, 900,
                List.of(new net.coopwan.daemon.api.SharingStatus.Lending(borrower, 5000, 450, "LENDING", 625_000, false, 3,
                        1500, 150, 2L * 1024 * 1024, 200L * 1024)),
                List.of(new net.coopwan.daemon.api.SharingStatus.Borrowing(sharer, "BORROWING", 4000, 400, 833, 2, 9, 3000,
                        200, 5L * 1024 * 1024, 300L * 1024)),
                java.util.Map.of(), new net.coopwan.daemon.api.SharingStatus.Totals(3, 2, 9, 2L * 1024 * 1024, 200L * 1024,
                        5L * 1024 * 1024, 300L * 1024));
    }

    /**
     * Every part of the latency status on: classification (rule b, LC traffic current, 777 LC
     * packets, game 3 and voip 1, dscp 2, learned 1, ad hoc 4), suppression ENFORCING at 20 % for
     * this router and {@code neighbour} at 10 % (250 dropped, 60 ECN-marked), duplication on through {@code neighbour} (its path
     * in use; 9 LC sessions started, 500 LC packets, 1000 copies, 480 delivered, 470 duplicates dropped) and the common
     * ISP: {@code neighbour} DIFFERENT, 1 of 5 hops (0.20), both gated on.
     */
    public static net.coopwan.daemon.api.LatencyStatus latencyAllOn(String neighbour) {
        return new net.coopwan.daemon.api.LatencyStatus(
                new net.coopwan.daemon.api.LatencyStatus.Classification(true, "b", true, 777,
                        java.util.Map.of("game", 3L, "voip", 1L), 2, 1, 4, 6, 0, 0, 3, 5, 2),
                new net.coopwan.daemon.api.LatencyStatus.Suppression(true, "ENFORCING", "rtt rising", 20,
                        java.util.Map.of("", 20, neighbour, 10), java.util.Map.of("SUPPRESSION_NO_AGREEMENT", 1L), 250, 60),
                new net.coopwan.daemon.api.LatencyStatus.Duplication(true, "bond bond0, agreement enables duplication",
                        neighbour, true, 7, 9, 500, 1000, 480, 470, 3, 0),
                new net.coopwan.daemon.api.LatencyStatus.CommonIsp(true, true, "198.18.0.1",
                        List.of(new net.coopwan.daemon.api.LatencyStatus.IspNeighbour(neighbour, "DIFFERENT",
                                "common suffix 1 of 5/5 hops", 1, 0.2, "198.18.0.1", "[100.64.0.1 198.18.0.1]",
                                "[100.64.2.1 198.18.0.1]", null, null, true, true, null, false, "0 and 0")),
                        java.util.Map.of()));
    }

    private final List<String> endedEmergencies = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public net.coopwan.daemon.api.EmergencyStatus emergency() {
        net.coopwan.daemon.api.EmergencyStatus e = emergency;
        return e != null ? e : real.emergency();
    }

    @Override
    public synchronized void endEmergency(String peerId, String via) {
        net.coopwan.daemon.api.EmergencyStatus e = emergency;
        if (e == null) {
            real.endEmergency(peerId, via);
            return;
        }
        List<net.coopwan.daemon.api.EmergencyStatus.Helping> left = new java.util.ArrayList<>(e.helping());
        if (!left.removeIf(h -> h.peerId().equals(peerId))) {
            throw new net.coopwan.daemon.api.ControlException(net.coopwan.daemon.api.ControlException.Reason.NOT_FOUND,
                    "this router carries no emergency for '" + peerId + "'");
        }
        endedEmergencies.add(peerId + " via " + via);
        emergency = new net.coopwan.daemon.api.EmergencyStatus(e.requester(), left, e.started(), e.counters());
    }

    /** Back to the daemon's emergency, with no call recorded. */
    public void emergencyFromTheDaemon() {
        emergency = null;
        endedEmergencies.clear();
    }

    /** "PEER via VIA" per emergency ended while {@link #emergency} was set, in order. */
    public List<String> endedEmergencies() {
        return List.copyOf(endedEmergencies);
    }

    /**
     * Carried by {@code helper} since 2026-11-01 12:00:05 UTC and carrying {@code carried}
     * since 12:01:00 at 37 % of a 50 MB quota per second.
     */
    public static net.coopwan.daemon.api.EmergencyStatus emergencyBothRoles(String helper, String carried) {
        return new net.coopwan.daemon.api.EmergencyStatus(
                new net.coopwan.daemon.api.EmergencyStatus.Requester("CARRIED", helper,
                        java.time.Instant.parse("2026-11-01T12:00:05.500Z"), "wan down: 3 probes lost", "direct",
                        50_000_000, 1000, 1536, 12L * 1024 * 1024),
                List.of(new net.coopwan.daemon.api.EmergencyStatus.Helping(carried, "HELPING",
                        java.time.Instant.parse("2026-11-01T12:01:00Z"), "lte down", 50_000_000, 1000, 12L * 1024 * 1024, 0,
                        3, 37)),
                2, java.util.Map.of("NO_AGREEMENT", 1L));
    }

    @Override
    public List<net.coopwan.daemon.api.AgreementStatus> agreements() {
        return real.agreements();
    }

    @Override
    public List<net.coopwan.daemon.api.PendingApproval> pendingRequests() {
        return real.pendingRequests();
    }

    @Override
    public net.coopwan.daemon.api.OfferSent requestCooperation(String peerId) {
        return real.requestCooperation(peerId);
    }

    @Override
    public net.coopwan.daemon.api.AgreementStatus approve(String peerId, java.util.Map<String, java.util.Map<String, Long>> types,
            String via) {
        return real.approve(peerId, types, via);
    }

    @Override
    public void reject(String peerId, String reason) {
        real.reject(peerId, reason);
    }

    @Override
    public net.coopwan.daemon.api.InfoRequested requestInfo(String peerId) {
        return real.requestInfo(peerId);
    }

    @Override
    public net.coopwan.daemon.api.PeerInfo peerInfo(String peerId) {
        return real.peerInfo(peerId);
    }

    int reloads() {
        return reloads.get();
    }

    @Override
    public Status status() {
        return real.status();
    }

    @Override
    public List<UplinkStatus> uplinks() {
        return real.uplinks();
    }

    @Override
    public List<NetInterface> interfaces() {
        return real.interfaces();
    }

    @Override
    public List<Event> events(int limit) {
        return real.events(limit);
    }

    @Override
    public CoopwanConfig config() {
        return config;
    }

    @Override
    public ReloadResult reload() {
        reloads.incrementAndGet();
        return real.reload();
    }

    @Override
    public List<BondStatus> bonds() {
        return real.bonds();
    }

    @Override
    public BondStatus createBond(BondRequest request) {
        return real.createBond(request);
    }

    @Override
    public void destroyBond(String name) {
        real.destroyBond(name);
    }

    @Override
    public BondStatus updateBond(String name, BondUpdate update) {
        return real.updateBond(name, update);
    }

    @Override
    public BondStatus addBondMember(String bond, String uplink) {
        return real.addBondMember(bond, uplink);
    }

    @Override
    public BondStatus removeBondMember(String bond, String uplink) {
        return real.removeBondMember(bond, uplink);
    }

    @Override
    public BondStatus setBondActive(String name, boolean active) {
        return real.setBondActive(name, active);
    }

    @Override
    public AutoCloseable subscribe(java.util.function.Consumer<? super net.coopwan.daemon.api.StateChange> listener) {
        return real.subscribe(listener);
    }
}
