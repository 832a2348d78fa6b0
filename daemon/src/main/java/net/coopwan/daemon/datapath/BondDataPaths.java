package net.coopwan.daemon.datapath;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.coopwan.config.Bond;
import net.coopwan.config.BondTunnel;
import net.coopwan.config.CoopwanConfig;
import net.coopwan.config.DataPlane;
import net.coopwan.config.Global;
import net.coopwan.config.Uplink;
import net.coopwan.daemon.api.LinkMeasurement;
import net.coopwan.daemon.bond.BondRuntime;
import net.coopwan.daemon.measure.LinkHealthConfig;
import net.coopwan.daemon.steer.Masquerade;
import net.coopwan.daemon.steer.NatCoordinator;
import net.coopwan.daemon.steer.SteerException;
import net.coopwan.daemon.steer.TunnelRoutes;
import net.coopwan.daemon.tun.TunDevice;

/**
 * The data paths of a router's bonds, built from the configuration: a bond with a far end
 * ({@code option concentrator}) and at least one member gets a {@link BondDataPath}, its
 * interface its tunnel address, and a masquerade out of it (the concentrator accepts only the
 * bond's own address as a source). A change of the bond, its members' uplinks or the data-plane
 * timers restarts the data path; anything else leaves it running.
 */
public final class BondDataPaths implements BondRuntime, EmergencyDataPaths.NeighbourMembers {
    /**
     * The uplink index of the standby member through the neighbour: its policy table and rule
     * are 3100+80 and 31000+80, clear of configured uplinks (a router has a handful) and of the
     * emergency's own rules at 31090.
     */
    static final int NEIGHBOUR_INDEX = 80;
    private static final Logger LOG = LoggerFactory.getLogger(BondDataPaths.class);

    /** What a data path was built from: equal fingerprints mean nothing to restart. */
    private record Fingerprint(Bond bond, List<Uplink> members, DataPlane dataPlane, String neighbourDevice) {
    }

    private record Running(Fingerprint fingerprint, BondDataPath path) {
    }

    private final UplinkBinder binder;
    private final TunnelRoutes routes;
    private final NatCoordinator nat;
    private final Map<String, Running> running = new HashMap<>();

    public BondDataPaths(UplinkBinder binder, TunnelRoutes routes, NatCoordinator nat) {
        this.binder = binder;
        this.routes = routes;
        this.nat = nat;
    }

    /** The running data path of {@code bond}, if any (status and tests). */
    public synchronized BondDataPath path(String bond) {
        Running r = running.get(bond);
        return r == null ? null : r.path();
    }

    @Override
    public synchronized String sync(Bond bond, TunDevice tun, CoopwanConfig config) {
        BondTunnel t = bond.tunnel();
        if (config.global().role() != Global.Role.ROUTER || t == null || bond.members().isEmpty()) {
            boolean was = running.containsKey(bond.name());
            detach(bond.name());
            return was ? "data path stopped (" + (t == null ? "no far end configured" : bond.members().isEmpty()
                    ? "no members" : "not a router") + ")" : null;
        }
        List<Uplink> members = new ArrayList<>();
        for (String m : bond.members()) {
            config.uplinks().stream().filter(u -> u.name().equals(m)).findFirst().ifPresent(members::add);
        }
        Fingerprint fp = new Fingerprint(bond, members, config.dataPlane(), neighbourDevice(config));
        Running r = running.get(bond.name());
        if (r != null && r.fingerprint().equals(fp)) {
            return null;
        }
        detach(bond.name());
        try {
            routes.addAddress(bond.name(), t.address() + "/" + t.prefixLength());
            nat.set("bond " + bond.name(), List.of(new Masquerade(bond.name(), null)));
            BondDataPath path = new BondDataPath(settings(bond, config), tun, binder);
            path.start();
            running.put(bond.name(), new Running(fp, path));
            return "data path " + (r == null ? "started" : "restarted (configuration changed)") + ": tunnels to "
                    + t.concentratorHost() + ":" + t.concentratorPort() + " as '" + t.clientId() + "' over "
                    + String.join(", ", bond.members()) + ", inner address " + t.address() + "/" + t.prefixLength();
        } catch (IOException | SteerException | IllegalArgumentException e) {
            LOG.warn("bond {}: data path not started: {}", bond.name(), e.getMessage());
            return "data path not started: " + e.getMessage();
        }
    }

    static BondDataPath.Settings settings(Bond bond, CoopwanConfig config) throws IOException {
        BondTunnel t = bond.tunnel();
        List<BondDataPath.Member> members = new ArrayList<>();
        List<Uplink> uplinks = config.uplinks();
        for (String m : bond.members()) {
            for (int i = 0; i < uplinks.size(); i++) {
                Uplink u = uplinks.get(i);
                if (u.name().equals(m)) {
                    members.add(new BondDataPath.Member(u.name(), i, u.device(), u.gateway(), u.upKbps()));
                }
            }
        }
        String neighbour = neighbourDevice(config);
        if (neighbour != null && !members.isEmpty()) {
            members.add(new BondDataPath.Member("neighbour", NEIGHBOUR_INDEX, neighbour, null, 0, true));
        }
        DataPlane dp = config.dataPlane();
        LinkHealthConfig health = health(dp);
        BondDataPath.Adaptive adaptive = bond.mode() != Bond.Mode.ADAPTIVE ? null : new BondDataPath.Adaptive(
                dp.slopsPeriodSeconds() == 0 ? Long.MAX_VALUE / 4 : dp.slopsPeriodSeconds() * 1_000_000_000L,
                dp.slopsPrecisionKbps() * 1000.0, dp.slopsPackets(), dp.slopsPacketBytes());
        InetSocketAddress far = new InetSocketAddress(InetAddress.getByName(t.concentratorHost()), t.concentratorPort());
        return new BondDataPath.Settings(bond.name(), bond.mode(), members, far, t.clientId(), t.keyBytes(), health,
                dp.reorderWaitMs() * 1_000_000L, adaptive, bond.scheduler(), Mechanisms.of(dp));
    }

    /** The tunnels' link health from the data plane's keep-alive and dead-after settings. */
    public static LinkHealthConfig health(DataPlane dp) {
        long keepalive = dp.keepaliveMs() * 1_000_000L;
        // the config requires dead > keepalive; health needs at least two probe intervals
        long dead = Math.max(dp.deadAfterMs() * 1_000_000L, 2 * keepalive);
        LinkHealthConfig d = LinkHealthConfig.DEFAULT;
        return new LinkHealthConfig(keepalive, dead, d.upAfterEchoes(), d.lossWindow(), d.minLossTimeoutNanos(),
                d.srttFactor(), d.owdWindow());
    }

    /**
     * The peer link's device when emergencies travel in mode concentrator (the bond then has a
     * standby member through the neighbour), else null.
     */
    static String neighbourDevice(CoopwanConfig config) {
        return config.peer().enabled() && config.emergency().enabled()
                && config.emergency().mode() == net.coopwan.config.Emergency.Mode.CONCENTRATOR ? config.peer().device() : null;
    }

    @Override
    public synchronized boolean activate(InetAddress helper, String failedDevice) {
        boolean any = false;
        for (Running r : running.values()) {
            if (r.path().hasStandby()) {
                r.path().activateStandby(helper.getHostAddress(), failedDevice);
                any = true;
            }
        }
        return any;
    }

    @Override
    public synchronized void deactivate() {
        for (Running r : running.values()) {
            r.path().deactivateStandby();
        }
    }

    @Override
    public synchronized boolean share(InetAddress sharer, long downKbps, long upKbps) {
        return share(sharer, downKbps, upKbps, false);
    }

    @Override
    public synchronized boolean share(InetAddress sharer, long downKbps, long upKbps, boolean lcOnly) {
        boolean any = false;
        for (Running r : running.values()) {
            if (r.path().hasStandby()) {
                r.path().shareStandby(sharer.getHostAddress(), downKbps, upKbps, lcOnly);
                any = true;
            }
        }
        return any;
    }

    @Override
    public synchronized void unshare(String why) {
        for (Running r : running.values()) {
            r.path().unshareStandby(why);
        }
    }

    /** The first running bond's measurement of {@code uplink}, or null when no data path uses it. */
    public synchronized LinkMeasurement measurement(String uplink) {
        for (Running r : running.values()) {
            LinkMeasurement m = r.path().measurement(uplink);
            if (m != null) {
                return m;
            }
        }
        return null;
    }

    @Override
    public synchronized String describe(String bond) {
        Running r = running.get(bond);
        return r == null ? "" : r.path().describe();
    }

    @Override
    public synchronized void detach(String bond) {
        Running r = running.remove(bond);
        if (r != null) {
            r.path().close();
            nat.set("bond " + bond, List.of());
        }
    }

    @Override
    public synchronized void close() {
        for (String b : new ArrayList<>(running.keySet())) {
            detach(b);
        }
    }
}
