package net.coopwan.daemon.main;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;

import net.coopwan.config.CoopwanConfig;
import net.coopwan.daemon.api.LatencyStatus;
import net.coopwan.daemon.coop.latency.BondLcClassifier;
import net.coopwan.daemon.coop.latency.DuplicationSwitch;
import net.coopwan.daemon.coop.latency.Flow;
import net.coopwan.daemon.coop.latency.LatencyPolicy;
import net.coopwan.daemon.datapath.BondDataPath;
import net.coopwan.daemon.datapath.LcCounters;
import net.coopwan.daemon.steer.LatencyRouteRules;
import net.coopwan.daemon.steer.SteerException;

/**
 * Duplication of the household's LC packets through the bond (docs/latency.md section 8), on the
 * latency reader's thread, once a second:
 * <ul>
 *   <li>while the bond through a concentrator has a running data path, LC connections from the
 *       LAN are routed into its TUN ({@link LatencyRouteRules}); removed when it stops, at
 *       {@link #close}, and at the next start after a kill -9;</li>
 *   <li>{@link DuplicationSwitch} decides ON/OFF; ON puts a {@link BondLcClassifier} into the
 *       bond ({@code BondDataPath.duplicate}), OFF takes it out (LC packets in the TUN then go as
 *       ordinary bonded traffic);</li>
 *   <li>the classifier gets the learned pairs and the flows the ad hoc rule upgraded (kept 30 s,
 *       as the kernel's {@code adhoc} set keeps them).</li>
 * </ul>
 * The bond is the first {@code config bond} with a concentrator and members (a router has one).
 */
final class DuplicationWiring implements AutoCloseable {

    /** Who the copies through the neighbour need: an agreement and the channel. */
    interface Neighbours {
        /** The first neighbour whose agreement with this router (as requester) enables duplication, or null. */
        String withDuplication();

        boolean established(String peerId);

        /** The agreement's {@code bandwidth_kbps} for duplication with {@code peerId}, 0 none. */
        long duplicationKbps(String peerId);

        /** Whether common-ISP detection lets LC copies go through {@code peerId} (not SAME, or the gate off). */
        default boolean ispAllows(String peerId) {
            return true;
        }
    }

    static final long UPGRADED_KEPT_NANOS = 30_000_000_000L;

    private final CoopwanConfig config;
    private final LatencyPolicy policy;
    private final LatencyRouteRules rules;
    private final Function<String, BondDataPath> paths;
    private final Neighbours neighbours;
    private final LongSupplier nanos;
    private final Consumer<String> log;
    private final String bond;
    private final DuplicationSwitch sw;
    private final Map<Flow, Long> upgraded = new LinkedHashMap<>();
    private boolean routesOpen;
    private BondDataPath attached;
    private BondLcClassifier classifier;
    private long routed = -1;
    private String routeError;
    /** The bond's duplication counters as of the last tick (suppression's loss feed reads them). */
    private volatile LcCounters counters = LcCounters.NONE;
    private volatile LatencyStatus.Duplication snapshot = new LatencyStatus.Duplication(false, "not started");

    private DuplicationWiring(CoopwanConfig config, LatencyPolicy policy, LatencyRouteRules rules,
            Function<String, BondDataPath> paths, Neighbours neighbours, LongSupplier nanos, Consumer<String> log) {
        this.config = config;
        this.policy = policy;
        this.rules = rules;
        this.paths = paths;
        this.neighbours = neighbours;
        this.nanos = nanos;
        this.log = log;
        this.sw = new DuplicationSwitch(log);
        this.bond = config.bonds().stream().filter(b -> b.tunnel() != null && !b.members().isEmpty())
                .map(net.coopwan.config.Bond::name).findFirst().orElse(null);
    }

    /** Removes what a killed run left, then waits for {@link #tick}. */
    static DuplicationWiring start(CoopwanConfig config, LatencyPolicy policy, LatencyRouteRules rules,
            Function<String, BondDataPath> paths, Neighbours neighbours, LongSupplier nanos, Consumer<String> log) {
        rules.removeAll();
        DuplicationWiring w = new DuplicationWiring(config, policy, rules, paths, neighbours, nanos, log);
        w.tick(List.of());
        return w;
    }

    /** One look at the bond, the agreement and the channel; {@code upgradedNow}: the ad hoc rule's latest upgrades. */
    void tick(List<Flow> upgradedNow) {
        long now = nanos.getAsLong();
        upgradedNow.forEach(f -> upgraded.put(f, now));
        upgraded.values().removeIf(t -> now - t > UPGRADED_KEPT_NANOS);
        boolean enabled = policy.config().enabled();
        BondDataPath p = enabled && bond != null ? paths.apply(bond) : null;
        route(p);
        String peer = neighbours.withDuplication();
        DuplicationSwitch.Decision d = sw.update(new DuplicationSwitch.Inputs(enabled, p == null ? null : bond, peer,
                peer != null && neighbours.established(peer), peer == null || neighbours.ispAllows(peer)));
        boolean want = d.on() && p != null;
        wantedPath = want ? d.neighbour() : null;
        if (attached != p || want != (classifier != null)) {
            if (attached != null && classifier != null) {
                attached.duplicate(null);
            }
            classifier = want ? new BondLcClassifier(policy, new BondLcClassifier.Members(p.ownMembers(),
                    p.neighbourMembers()), p::nextLcSessionId, log) : null;
            if (classifier != null) {
                p.duplicate(classifier);
            }
            attached = p;
        }
        if (classifier != null) {
            classifier.viaNeighbour(d.on());
            long kbps = d.neighbour() == null ? 0 : neighbours.duplicationKbps(d.neighbour());
            long carried = p.sharedUpKbps();
            if (carried > 0 && kbps > 0) {
                // the neighbour's kernel quota sustains a little less than the agreed rate
                // (SharingDataPaths.carriedKbps): copies above what it carries would be dropped there
                kbps = Math.min(kbps, carried);
            }
            classifier.neighbourKbps(kbps);
            neighbourCapKbps = kbps;
            classifier.learned(policy.learned().remaining().keySet());
            classifier.upgraded(upgraded.keySet());
        }
        publish(d, p);
    }

    /** The routing into the bond follows its data path: a TUN nobody reads would swallow the game. */
    private void route(BondDataPath p) {
        try {
            if (p != null && !routesOpen) {
                rules.open(config.emergency().lanDevices(), bond);
                routesOpen = true;
                log.accept("lc routing: new LC connections from the LAN go into bond " + bond + " (data path running)");
            } else if (p == null && routesOpen) {
                rules.removeAll();
                routesOpen = false;
                log.accept("lc routing: LC connections keep the kernel's path (bond " + bond + " has no data path)");
            }
            routed = routesOpen ? rules.routedConnections() : -1;
            routeError = null;
        } catch (SteerException | IllegalArgumentException e) {
            // retried every second; logged once per distinct failure, not once a second
            if (!java.util.Objects.equals(e.getMessage(), routeError)) {
                log.accept("lc routing: not changed, tried again each second: " + e.getMessage());
            }
            routeError = e.getMessage();
        }
    }

    private void publish(DuplicationSwitch.Decision d, BondDataPath p) {
        LcCounters c = p == null ? LcCounters.NONE : p.duplicationCounters();
        counters = c;
        BondLcClassifier.Counters k = classifier == null ? new BondLcClassifier.Counters(0, 0, 0, 0, 0) : classifier.counters();
        snapshot = new LatencyStatus.Duplication(d.on() && classifier != null, d.reason(), d.neighbour(),
                p != null && p.neighbourMembersInUse(), routed, k.sessions(), c.lcPackets(), c.copiesSent(),
                c.delivered(), c.duplicatesDropped(), k.withheldFromNeighbour(), k.overNeighbourCap());
    }

    /** The bond's LC counters as of the last tick; never blocks. */
    LcCounters counters() {
        return counters;
    }

    /** The cap of the copies through the neighbour given to the classifier at the last tick, kbit/s. */
    private volatile long neighbourCapKbps;

    long neighbourCapKbps() {
        return neighbourCapKbps;
    }

    /** The neighbour whose path LC copies want, as of the last tick, or null (none, or duplication OFF). */
    private volatile String wantedPath;

    /**
     * Whether duplication wants the path through {@code peerId} now (ON with it): what a
     * duplication-only agreement's path follows (sharing's borrower asks for it and keeps it only
     * while this says yes, so it leaves when latency is disabled, the bond stops, the channel is
     * lost or the common-ISP gate says SAME). Any thread.
     */
    boolean wantsPath(String peerId) {
        return peerId != null && peerId.equals(wantedPath);
    }

    /** As of the last tick; never blocks. */
    LatencyStatus.Duplication status() {
        return snapshot;
    }

    /** Duplication off and the routing gone. */
    @Override
    public void close() {
        wantedPath = null;
        if (attached != null && classifier != null) {
            attached.duplicate(null);
            classifier = null;
        }
        try {
            rules.removeAll();
        } catch (SteerException e) {
            log.accept("lc routing: not removed (the next start removes it): " + e.getMessage());
        }
        snapshot = new LatencyStatus.Duplication(false, "stopped");
    }
}
