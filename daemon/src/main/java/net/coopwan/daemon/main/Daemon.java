package net.coopwan.daemon.main;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import net.coopwan.config.ConfigException;
import net.coopwan.config.CoopwanConfig;
import net.coopwan.config.Global;
import net.coopwan.daemon.api.ControlApi;
import net.coopwan.daemon.api.ReloadResult;
import net.coopwan.daemon.bond.BondManager;
import net.coopwan.daemon.datapath.ConcentratorService;
import net.coopwan.daemon.datapath.DataPlaneKernel;
import net.coopwan.daemon.control.DaemonControlApi;
import net.coopwan.daemon.control.StateChanges;
import net.coopwan.daemon.frontend.FrontEnd;
import net.coopwan.daemon.frontend.FrontEndContext;
import net.coopwan.daemon.kernel.KernelInterfaces;
import net.coopwan.daemon.kernel.SysfsInterfaces;
import net.coopwan.daemon.store.EventLog;
import net.coopwan.daemon.store.Store;
import net.coopwan.daemon.tun.LinuxTunDevices;
import net.coopwan.daemon.tun.TunDevices;
import net.coopwan.daemon.uplink.UplinkMonitor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running coopwan: store, ControlApi, uplink watch and front-ends, started in that order and
 * stopped in reverse. Either everything starts or nothing stays running.
 */
public final class Daemon implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

    /** How often uplink devices are polled; one second keeps a state change log line timely. */
    static final long UPLINK_POLL_MS = 1000;

    private final ConfigHolder config;
    private final FutureTask<Store> store;
    private final EventLog events;
    private final DaemonControlApi api;
    private final BondManager bonds;
    private final DataPlaneKernel kernelSteering;
    /** Volatile: the latency status reads it without the daemon's lock. */
    private volatile ConcentratorService concentrator;
    /** The discovery beacon while {@code peer.enabled}; written under this, read by status calls. */
    private volatile net.coopwan.daemon.coop.discovery.Discovery discovery;
    /** The secure channel to paired peers while {@code peer.enabled}; written under this. */
    private volatile net.coopwan.daemon.coop.channel.ChannelService channel;
    /** The cooperation handshake on the channel while {@code peer.enabled}; written under this. */
    private volatile net.coopwan.daemon.coop.negotiation.Negotiation negotiation;
    /** The emergency connection (service on the channel, watch of the own uplink) while {@code peer.enabled}; written under this. */
    private volatile EmergencyWiring.Running emergency;
    /** Pending approvals and agreements, once the store is open. */
    private volatile net.coopwan.daemon.store.AgreementStore agreementStore;
    /** Wrong pairing codes are limited across channel restarts (a reload must not reset the count). */
    private final net.coopwan.daemon.secure.PairingAttempts pairingAttempts =
            new net.coopwan.daemon.secure.PairingAttempts(Clock.systemUTC());
    private final StateChanges changes = new StateChanges();
    /** The uplinks' traffic over the last minute, for a neighbour's INFO_REQUEST; fed by the uplink poll. */
    private final net.coopwan.daemon.coop.info.TrafficSampler traffic = new net.coopwan.daemon.coop.info.TrafficSampler();
    private final Clock clock;
    private final Path stateDir;
    private final ScheduledExecutorService timer;
    private final Deque<FrontEnd> running = new ArrayDeque<>();
    private final List<String> listening = new ArrayList<>();
    private boolean closed;
    /** Front-ends found disabled while the store opens, recorded once it is open. */
    private final List<String> disabledFrontEnds = new ArrayList<>();

    private Daemon(ConfigHolder config, FutureTask<Store> store, KernelInterfaces kernel, TunDevices tuns,
                   Path stateDir, Clock clock) {
        this.config = config;
        this.store = store;
        this.stateDir = stateDir;
        this.events = new EventLog(store, clock);
        this.bonds = new BondManager(config, tuns, kernel, events);
        this.kernelSteering = new DataPlaneKernel(tuns);
        bonds.runtime(kernelSteering.bondRuntime());
        this.clock = clock;
        this.api = new DaemonControlApi(config, kernel, events, clock, hostname(), this::reload, bonds, changes);
        api.measurements(kernelSteering.bondRuntime()::measurement);
        api.discovery(this::discoveryStatus);
        api.channel(() -> channel);
        api.negotiation(() -> negotiation, () -> agreementStore);
        api.emergency(() -> {
            EmergencyWiring.Running e = emergency;
            return e == null ? null : e.service();
        });
        api.sharing(() -> {
            EmergencyWiring.Running e = emergency;
            return e == null ? null : e.sharing();
        });
        api.latency(() -> {
            EmergencyWiring.Running e = emergency;
            ConcentratorService k = concentrator;
            if (e == null && k != null) {
                return LatencyStatusView.concentrator(k.concentrator().duplicationCounters());
            }
            return e == null ? null : e.latencyStatus();
        });
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "coopwan-timer");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts a daemon.
     *
     * @param config       configuration source
     * @param stateDir     where the H2 store lives
     * @param kernel       kernel interface reader
     * @param clock        time source
     * @param withFrontEnds whether to start the ServiceLoader front-ends (tests of one front-end start it themselves)
     */
    public static Daemon start(ConfigHolder config, Path stateDir, KernelInterfaces kernel, Clock clock,
                               boolean withFrontEnds) throws DaemonException {
        return start(config, stateDir, kernel, new LinuxTunDevices(), clock, withFrontEnds);
    }

    /**
     * Starts a daemon.
     *
     * @param config       configuration source
     * @param stateDir     where the H2 store lives
     * @param kernel       kernel interface reader
     * @param tuns         makes the bonds' TUN interfaces
     * @param clock        time source
     * @param withFrontEnds whether to start the ServiceLoader front-ends (tests of one front-end start it themselves)
     */
    public static Daemon start(ConfigHolder config, Path stateDir, KernelInterfaces kernel, TunDevices tuns,
                               Clock clock, boolean withFrontEnds) throws DaemonException {
        // The H2 store opens on its own thread while the front-ends start: both are mostly class
        // loading, and on 2 cores they overlap instead of adding up.
        FutureTask<Store> opening = new FutureTask<>(() -> Store.open(stateDir));
        new Thread(opening, "coopwan-store-open").start();
        Daemon d = new Daemon(config, opening, kernel, tuns, stateDir, clock);
        List<FrontEndStart> starts = withFrontEnds ? d.launchFrontEnds() : List.of();
        try {
            d.agreementStore = new net.coopwan.daemon.store.AgreementStore(opening.get());
        } catch (ExecutionException e) {
            // A second daemon on the same state is the likely cause; say that, not "port in use".
            d.abandon(starts);
            Throwable cause = e.getCause();
            throw new DaemonException(DaemonException.STORE, cause.getMessage(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            d.abandon(starts);
            throw new DaemonException(DaemonException.STORE, "interrupted while opening the state store", e);
        }
        d.events.record("daemon", "starting coopwan " + Version.get() + " as " + config.current().global().role()
                .name().toLowerCase() + " with config " + config.sourceName() + ", state " + stateDir);
        // Bonds before the front-ends are awaited, so the first SNMP walk or page already shows
        // their interfaces. A bond that cannot be made is an event and state FAILED, never a
        // refusal to start: a router without its bond is better than a router without its daemon.
        d.bonds.reconcile(config.current());
        d.syncConcentrator(config.current());
        d.syncDiscovery(config.current());
        UplinkMonitor monitor = new UplinkMonitor(d.events, d.changes::publish, d.clock);
        monitor.observe(d.api.uplinks());
        d.timer.scheduleWithFixedDelay(() -> {
            try {
                List<net.coopwan.daemon.api.UplinkStatus> ups = d.api.uplinks();
                monitor.observe(ups);
                d.traffic.observe(ups, System.nanoTime());
            } catch (RuntimeException e) {
                d.events.record("daemon", "uplink poll failed: " + e);
            }
        }, UPLINK_POLL_MS, UPLINK_POLL_MS, TimeUnit.MILLISECONDS);
        d.awaitFrontEnds(starts);
        return d;
    }

    /** The real daemon on this machine's /sys and clock. */
    public static Daemon start(ConfigHolder config, Path stateDir) throws DaemonException {
        return start(config, stateDir, new SysfsInterfaces(), Clock.systemUTC(), true);
    }

    /** A front-end starting on its own thread. */
    private record FrontEndStart(FrontEnd frontEnd, FutureTask<String> task) {
    }

    /**
     * Starts every enabled front-end, each on its own thread: most of their start-up is class
     * loading and initialisation that does not depend on the others, so on a 2-core router they
     * overlap instead of adding up. {@link #awaitFrontEnds} collects them.
     */
    private List<FrontEndStart> launchFrontEnds() {
        FrontEndContext ctx = context();
        List<FrontEndStart> starts = new ArrayList<>();
        for (FrontEnd fe : ServiceLoader.load(FrontEnd.class)) {
            if (!fe.enabled(ctx)) {
                disabledFrontEnds.add(fe.name());
                continue;
            }
            FutureTask<String> task = new FutureTask<>(() -> Objects.requireNonNull(fe.start(ctx),
                    "front-end returned no address"));
            new Thread(task, "coopwan-start-" + fe.name()).start();
            starts.add(new FrontEndStart(fe, task));
        }
        return starts;
    }

    /** Returns once every front-end serves; if one failed, stops the others and the daemon. */
    private void awaitFrontEnds(List<FrontEndStart> starts) throws DaemonException {
        for (String name : disabledFrontEnds) {
            events.record("daemon", name + " disabled in config");
        }
        disabledFrontEnds.clear();
        String failure = null;
        Throwable cause = null;
        for (FrontEndStart s : starts) {
            FrontEnd fe = s.frontEnd();
            try {
                String where = s.task().get();
                running.push(fe);
                listening.add(where);
                api.frontEndStarted(where);
                events.record(fe.name(), "listening: " + where);
            } catch (ExecutionException e) {
                if (failure == null) {
                    cause = e.getCause();
                    failure = fe.name() + " failed to start: " + cause.getMessage();
                    events.record("daemon", failure);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = "interrupted while starting " + fe.name();
                cause = e;
            }
        }
        if (failure != null) {
            close();
            throw new DaemonException(DaemonException.FRONT_END, failure, cause);
        }
    }

    /** The store failed: let the front-ends finish starting, then stop those that did. */
    private void abandon(List<FrontEndStart> starts) {
        for (FrontEndStart s : starts) {
            try {
                s.task().get();
                s.frontEnd().stop();
            } catch (ExecutionException | RuntimeException e) {
                // It did not start, or failed to stop: either way nothing of it is left to stop.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        timer.shutdownNow();
    }

    public FrontEndContext context() {
        return new FrontEndContext(api, config.current(), stateDir);
    }

    public ControlApi api() {
        return api;
    }

    public EventLog events() {
        return events;
    }

    /** Where each front-end listens, in start order. */
    public List<String> listening() {
        return List.copyOf(listening);
    }

    /**
     * SIGHUP and the ControlApi's reload come here. Holds the bond manager's monitor so that a bond
     * change (which reads, edits and writes the file) never interleaves with a reload; bonds added
     * to or removed from the file get or lose their interface.
     */
    public ReloadResult reload() {
        synchronized (bonds) {
            return reloadLocked();
        }
    }

    private ReloadResult reloadLocked() {
        if (config.file() == null) {
            return new ReloadResult(false, "running on embedded defaults; start with --config FILE to reload from a file");
        }
        CoopwanConfig before = config.current();
        try {
            CoopwanConfig after = config.reload();
            StringBuilder msg = new StringBuilder("reloaded " + config.file());
            String restart = RestartNeeded.describe(before, after);
            if (!restart.isEmpty()) {
                msg.append("; ").append(restart).append(" take effect at the next restart");
            }
            List<String> bondChanges = bonds.reconcile(after);
            String conc = syncConcentrator(after);
            if (conc != null) {
                msg.append("; ").append(conc);
            }
            String disc = syncDiscovery(after);
            if (disc != null) {
                msg.append("; ").append(disc);
            }
            String em = syncEmergency(after);
            if (em != null) {
                msg.append("; ").append(em);
            }
            if (!bondChanges.isEmpty()) {
                msg.append("; bonds: ").append(String.join(", ", bondChanges));
            }
            events.record("config", msg.toString());
            return new ReloadResult(true, msg.toString());
        } catch (ConfigException e) {
            String msg = "reload failed, keeping the last good config: " + e.getMessage();
            events.record("config", msg);
            return new ReloadResult(false, msg);
        } catch (RuntimeException e) {
            // A bug or a kernel refusal while applying: say so rather than let the signal thread
            // swallow it. What was applied before the failure stays; the next reload retries the rest.
            LOG.error("reload of {} failed while applying it", config.file(), e);
            String msg = "reload failed while applying " + config.file() + ": " + e;
            events.record("config", msg);
            return new ReloadResult(false, msg);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        while (!running.isEmpty()) {
            FrontEnd fe = running.pop();
            try {
                fe.stop();
                events.record(fe.name(), "stopped");
            } catch (RuntimeException e) {
                events.record(fe.name(), "failed to stop cleanly: " + e);
            }
        }
        timer.shutdownNow();
        syncDiscovery(null);
        bonds.close();
        if (concentrator != null) {
            concentrator.close();
            concentrator = null;
        }
        kernelSteering.close();
        events.record("daemon", "stopped");
        try {
            store.get().close();
        } catch (ExecutionException e) {
            // Never opened: nothing to close.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Starts, restarts (its settings changed) or stops the concentrator to match {@code c}.
     * A failure is an event and the daemon goes on: its front-ends still show why.
     *
     * @return what changed, or null
     */
    private synchronized String syncConcentrator(CoopwanConfig c) {
        boolean wanted = c.global().role() == Global.Role.CONCENTRATOR;
        if (concentrator != null && wanted && concentrator.fingerprint().equals(ConcentratorService.Fingerprint.of(c))) {
            return null;
        }
        String what = null;
        if (concentrator != null) {
            concentrator.close();
            concentrator = null;
            what = "concentrator stopped";
        }
        if (wanted && !closed) {
            try {
                concentrator = kernelSteering.startConcentrator(c);
                what = what == null ? "concentrator started" : "concentrator restarted (configuration changed)";
                events.record("concentrator", "listening on UDP " + c.concentrator().listen() + ":" + c.concentrator().port()
                        + " for " + c.clients().size() + " client(s), TUN " + c.concentrator().device() + " "
                        + c.concentrator().address() + "/" + c.concentrator().prefixLength());
            } catch (IOException | RuntimeException e) {
                what = "concentrator failed: " + e.getMessage();
                events.record("concentrator", "not started: " + e.getMessage());
            }
        }
        return what;
    }

    /**
     * Starts, restarts (peer device or port changed) or stops the discovery beacon to match
     * {@code c} ({@code null}: stop); a reload with the same peer link (device and port) only
     * rebuilds the advert from the offers and sets the channel's TCP fallback time. A failure to bind is the beacon's own state ("waiting for ..."), never a
     * refusal to start.
     *
     * @return what changed, or null
     */
    private synchronized String syncDiscovery(CoopwanConfig c) {
        boolean wanted = c != null && c.peer().enabled() && !closed;
        if (discovery != null && wanted && discovery.peer().device().equals(c.peer().device())
                && discovery.peer().port() == c.peer().port()) {
            discovery.update(c);
            if (channel != null) {
                // a timer: applied in place, sessions stay
                channel.tcpFallback(c.peer().tcpFallbackS());
            }
            return null;
        }
        String what = null;
        if (discovery != null) {
            discovery.close();
            discovery = null;
            what = "discovery stopped";
        }
        if (emergency != null) {
            emergency.close();
            emergency = null;
        }
        if (channel != null) {
            channel.close();
            channel = null;
            negotiation = null;
        }
        if (wanted) {
            discovery = net.coopwan.daemon.coop.discovery.Discovery.create(c, line -> events.record("peer", line));
            discovery.start();
            channel = startChannel(c);
            what = what == null ? "discovery started" : "discovery restarted (peer link changed)";
        }
        return what;
    }

    /**
     * The secure channel service with the stored router id and pairings; a store failure is an
     * event and leaves the channel off (discovery still runs).
     */
    private net.coopwan.daemon.coop.channel.ChannelService startChannel(CoopwanConfig c) {
        try {
            net.coopwan.daemon.store.PairingStore ps = new net.coopwan.daemon.store.PairingStore(store.get());
            java.security.SecureRandom random = new java.security.SecureRandom();
            String id = ps.routerId(random);
            net.coopwan.daemon.coop.channel.ChannelService.Persistence persist = new net.coopwan.daemon.coop.channel.ChannelService.Persistence() {
                @Override
                public void paired(String peerId, java.net.InetSocketAddress address, net.coopwan.daemon.secure.PairingKey key, java.time.Instant at) {
                    try {
                        ps.save(peerId, address.getAddress().getHostAddress(), key, at);
                    } catch (net.coopwan.daemon.store.StoreException e) {
                        throw new IllegalStateException(e.getMessage(), e);
                    }
                }

                @Override
                public void moved(String peerId, java.net.InetSocketAddress address) {
                    try {
                        ps.updateAddress(peerId, address.getAddress().getHostAddress());
                    } catch (net.coopwan.daemon.store.StoreException e) {
                        throw new IllegalStateException(e.getMessage(), e);
                    }
                }
            };
            net.coopwan.daemon.coop.channel.ChannelService ch = new net.coopwan.daemon.coop.channel.ChannelService(id,
                    c.peer().port(), pairingAttempts, persist, line -> events.record("peer", line), random,
                    System::nanoTime, Clock.systemUTC());
            ch.stateChanges(changes::publish);
            ch.tcpFallback(c.peer().tcpFallbackS());
            for (net.coopwan.daemon.store.PairingStore.Paired p : ps.paired()) {
                ch.addPeer(p.peerId(), new java.net.InetSocketAddress(java.net.InetAddress.getByName(p.address()), c.peer().port()),
                        p.key(), p.pairedAt());
            }
            negotiation = new net.coopwan.daemon.coop.negotiation.Negotiation(ch, agreementStore,
                    () -> net.coopwan.daemon.coop.agreement.Offer.fromConfig(config.current().offers()),
                    line -> events.record("coop", line),
                    // published from the daemon's timer thread: the handshake runs under the channel's lock
                    change -> timer.execute(() -> changes.publish(change)),
                    Clock.systemUTC(), System::nanoTime, random);
            negotiation.ownInfo(new net.coopwan.daemon.coop.info.InfoSharing(config::current, traffic));
            ch.messages(negotiation);
            // before the channel starts, so no EMERGENCY datagram finds the kind without its layer
            emergency = startEmergency(c, ch);
            ch.start(c.peer().device());
            return ch;
        } catch (Exception e) {
            events.record("peer", "channel: not started: " + e.getMessage());
            return null;
        }
    }

    /** The state store, or null if it did not open (the channel does not start then either). */
    private Store storeOrNull() {
        try {
            return store.get();
        } catch (ExecutionException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The emergency connection on {@code ch} for {@code c}; what a killed earlier run left is removed first. */
    private EmergencyWiring.Running startEmergency(CoopwanConfig c, net.coopwan.daemon.coop.channel.ChannelService ch) {
        net.coopwan.daemon.datapath.EmergencyDataPaths paths = kernelSteering.emergencyPaths(c);
        net.coopwan.daemon.coop.emergency.EmergencyService service = EmergencyWiring.start(c, ch, agreementStore,
                storeOrNull(), paths, line -> events.record("coop", line),
                change -> timer.execute(() -> changes.publish(change)));
        net.coopwan.daemon.uplink.failure.UplinkFailureRunner watch = EmergencyWiring.watch(c, service,
                new net.coopwan.daemon.uplink.failure.SysfsDeviceReader(), kernelSteering::defaultGateway,
                line -> events.record("coop", line));
        net.coopwan.daemon.coop.sharing.SharingService sharing = SharingWiring.start(c, ch, agreementStore,
                storeOrNull(), kernelSteering.sharingPaths(c, paths), line -> events.record("coop", line));
        SuppressionWiring.Running suppression = SuppressionWiring.start(c, ch, agreementStore,
                kernelSteering.suppressionRules(), kernelSteering::defaultGateway, line -> events.record("coop", line));
        // classification marks LC connections in the kernel; its readings open suppression's gate
        LatencyWiring latency = startLatency(c);
        if (latency != null && suppression != null) {
            latency.onTraffic(() -> suppression.service().lcPacket(System.nanoTime()));
            latency.afterReading(suppression::readKernel);
        }
        // common-ISP verdicts: no suppression request to a neighbour on another ISP, no LC copies
        // through one on the same ISP ([0180])
        CommonIspWiring.Running commonIsp = CommonIspWiring.start(c, ch, line -> events.record("coop", line));
        if (commonIsp != null && suppression != null) {
            suppression.service().ispGate(commonIsp.gate());
        }
        if (latency != null) {
            DuplicationWiring dup = startDuplication(c, latency, ch, commonIsp);
            latency.duplication(dup);
            // the LC copies' loss on every path is one of suppression's signals
            SuppressionWiring.bond(suppression, dup);
            if (dup != null && sharing != null) {
                // a duplication-only agreement's path through the neighbour follows duplication's wish
                sharing.duplicationWants(dup::wantsPath);
            }
        }
        return new EmergencyWiring.Running(EmergencyWiring.Fingerprint.of(c), service, watch, sharing, suppression, latency,
                commonIsp);
    }

    /** Latency-critical classification (docs/latency.md), or null when its table cannot be made (logged). */
    private LatencyWiring startLatency(CoopwanConfig c) {
        try {
            return LatencyWiring.start(c, kernelSteering.commandRunner(), Clock.systemUTC(), true,
                    line -> events.record("coop", line));
        } catch (RuntimeException e) {
            events.record("coop", "latency classification not started: " + e.getMessage());
            return null;
        }
    }

    /** LC packets into the bond and their duplication (docs/latency.md section 8), or null when it cannot start (logged). */
    private DuplicationWiring startDuplication(CoopwanConfig c, LatencyWiring latency,
            net.coopwan.daemon.coop.channel.ChannelService ch, CommonIspWiring.Running commonIsp) {
        try {
            return DuplicationWiring.start(c, latency.policy(), new net.coopwan.daemon.steer.LatencyRouteRules(
                    kernelSteering.commandRunner(), net.coopwan.daemon.steer.SteerRanges.DEFAULTS),
                    kernelSteering.bondRuntime()::path, EmergencyWiring.duplicationNeighbours(ch, agreementStore,
                    commonIsp == null ? null : commonIsp.gate()),
                    System::nanoTime, line -> events.record("coop", line));
        } catch (RuntimeException e) {
            events.record("coop", "lc duplication not started: " + e.getMessage());
            return null;
        }
    }

    /**
     * A reload that changes the failover section, the uplinks or the bonds restarts the
     * emergency connection (an emergency in progress ends and is asked again if the uplink is
     * still down); anything else leaves it running.
     *
     * @return what changed, or null
     */
    private synchronized String syncEmergency(CoopwanConfig c) {
        EmergencyWiring.Running e = emergency;
        net.coopwan.daemon.coop.channel.ChannelService ch = channel;
        if (e == null || ch == null || e.fingerprint().equals(EmergencyWiring.Fingerprint.of(c))) {
            return null;
        }
        e.close();
        emergency = startEmergency(c, ch);
        return "emergency connection and sharing restarted (failover, sharing, uplinks or bonds changed)";
    }

    private net.coopwan.daemon.api.DiscoveryStatus discoveryStatus() {
        net.coopwan.daemon.coop.discovery.Discovery d = discovery;
        return d == null ? null : d.status();
    }

    /** The concentrator's runtime, when this daemon is one (tests and status). */
    public synchronized ConcentratorService concentrator() {
        return concentrator;
    }

    /** The data path of a router's bond, when it has one (tests and status). */
    public net.coopwan.daemon.datapath.BondDataPath bondDataPath(String bond) {
        return kernelSteering.bondRuntime().path(bond);
    }

    private static String hostname() {
        try {
            Path p = Path.of("/proc/sys/kernel/hostname");
            if (Files.isReadable(p)) {
                return Files.readString(p).trim();
            }
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown";
        }
    }
}
