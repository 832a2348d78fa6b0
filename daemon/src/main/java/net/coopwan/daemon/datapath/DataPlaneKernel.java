package net.coopwan.daemon.datapath;

import java.io.IOException;

import net.coopwan.config.CoopwanConfig;
import net.coopwan.daemon.steer.CommandRunner;
import net.coopwan.daemon.steer.NatCoordinator;
import net.coopwan.daemon.steer.NatRules;
import net.coopwan.daemon.steer.ProcessCommandRunner;
import net.coopwan.daemon.steer.SteerRanges;
import net.coopwan.daemon.steer.TunnelRoutes;
import net.coopwan.daemon.steer.UplinkRoutes;
import net.coopwan.daemon.tun.TunDevices;

/**
 * The data plane's side of the kernel, made once per daemon: the command runner for {@code ip}
 * and {@code nft}, the one NAT table owner, the uplink binder and the bonds' data paths. Nothing
 * runs a command until a bond has a far end or the role is concentrator, so a router without
 * tunnels never touches routing or nftables.
 */
public final class DataPlaneKernel implements AutoCloseable {
    private final TunDevices tuns;
    private final CommandRunner runner = new ProcessCommandRunner();

    /** The runner of {@code ip}, {@code nft} and {@code sysctl} for the tables built outside the data plane (latency). */
    public CommandRunner commandRunner() {
        return runner;
    }
    private final TunnelRoutes tunnelRoutes = new TunnelRoutes(runner, SteerRanges.DEFAULTS);
    private final NatCoordinator nat = new NatCoordinator(new NatRules(runner));
    private final BondDataPaths bonds;

    public DataPlaneKernel(TunDevices tuns) {
        this.tuns = tuns;
        this.bonds = new BondDataPaths(new KernelUplinkBinder(new UplinkRoutes(runner, SteerRanges.DEFAULTS),
                SteerRanges.DEFAULTS), tunnelRoutes, nat);
    }

    public BondDataPaths bondRuntime() {
        return bonds;
    }

    /**
     * The emergency connection's paths for {@code config}. What an earlier run may have left (a
     * kill -9) is removed by the emergency service, which reads its counters first
     * ({@link EmergencyDataPaths#clear}); only the standby member's rule goes here.
     */
    public EmergencyDataPaths emergencyPaths(CoopwanConfig config) {
        net.coopwan.config.Emergency e = config.emergency();
        String wan = e.watchedUplink(config.uplinks()).map(net.coopwan.config.Uplink::device).orElse(null);
        KernelEmergency kernel = new KernelEmergency(new net.coopwan.daemon.steer.EmergencyHelperRules(runner),
                new net.coopwan.daemon.steer.EmergencyRequesterRules(runner, SteerRanges.DEFAULTS,
                        net.coopwan.daemon.steer.EmergencyRequesterRules.DEFAULT_TABLE,
                        net.coopwan.daemon.steer.EmergencyRequesterRules.DEFAULT_PRIORITY),
                wan, e.lanDevices(), e.resetSessions() == net.coopwan.config.Emergency.ResetPolicy.ALL
                        ? net.coopwan.daemon.steer.EmergencyResetPolicy.ALL : net.coopwan.daemon.steer.EmergencyResetPolicy.NONE);
        // the emergency tunnel has one member and exists because the uplink failed: its first echo
        // proves the path, and waiting for three (the bonds' rule) would add 100 ms to the outage
        net.coopwan.daemon.measure.LinkHealthConfig health = BondDataPaths.health(config.dataPlane()).withUpAfterEchoes(1);
        EmergencyDataPaths paths = new EmergencyDataPaths(new EmergencyDataPaths.Settings(health,
                config.dataPlane().reorderWaitMs() * 1_000_000L, health.deadAfterNanos(), config.peer().device(), wan),
                tuns, tunnelRoutes, kernel,
                new KernelUplinkBinder(new UplinkRoutes(runner, SteerRanges.DEFAULTS), SteerRanges.DEFAULTS), bonds);
        try {
            // the standby member's rule, if a killed run left it active (mode concentrator)
            int p = SteerRanges.DEFAULTS.priorityFrom() + BondDataPaths.NEIGHBOUR_INDEX;
            new UplinkRoutes(runner, SteerRanges.DEFAULTS).removeAll(p, p);
        } catch (RuntimeException ex) {
            org.slf4j.LoggerFactory.getLogger(DataPlaneKernel.class).warn(
                    "emergency: cannot remove a leftover rule of the member through the neighbour: {}", ex.getMessage());
        }
        return paths;
    }

    /**
     * Bandwidth sharing's paths on {@code emergency}'s (the same tunnels and helper table), with the
     * borrower's and the lender's own tables; the service clears what a killed run left at start.
     */
    public SharingDataPaths sharingPaths(CoopwanConfig config, EmergencyDataPaths emergency) {
        net.coopwan.config.Emergency e = config.emergency();
        String wan = e.watchedUplink(config.uplinks()).map(net.coopwan.config.Uplink::device).orElse(null);
        int network = 0;
        for (String p : e.tunnelNetwork().split("\\.")) {
            network = network << 8 | Integer.parseInt(p);
        }
        java.util.List<net.coopwan.daemon.coop.emergency.EmergencyMessage.Destination> concentrators = new java.util.ArrayList<>();
        for (String hp : e.concentrators()) {
            concentrators.add(net.coopwan.daemon.coop.emergency.EmergencyMessage.Destination.parse(hp));
        }
        SharingDataPaths paths = new SharingDataPaths(new SharingDataPaths.Settings(e.helperPort(), network, e.tunnelPrefix(), e.lanDevices(),
                java.util.Set.copyOf(config.sharing().ports()), concentrators), emergency,
                new net.coopwan.daemon.steer.SharingBorrowerRules(runner, SteerRanges.DEFAULTS,
                        net.coopwan.daemon.steer.SharingBorrowerRules.DEFAULT_TABLE,
                        net.coopwan.daemon.steer.SharingBorrowerRules.DEFAULT_PRIORITY),
                new net.coopwan.daemon.steer.SharingLenderRules(runner, new net.coopwan.daemon.steer.InteractiveNft(), System::nanoTime),
                wan == null ? () -> net.coopwan.daemon.coop.sharing.SharingPaths.Bytes.ZERO : SharingDataPaths.sysfs(wan));
        // always there, started or not: clear() removes a killed run's copy rules either way
        paths.learning(new HostLearning(new net.coopwan.daemon.steer.SharingHostRules(runner,
                net.coopwan.daemon.steer.SharingHostRules.DEFAULT_GROUP), e.lanDevices(),
                new net.coopwan.daemon.coop.sharing.SessionPreference(java.util.Set.copyOf(config.sharing().ports()),
                        config.sharing().avoid()), paths::avoid, java.time.Clock.systemUTC()));
        return paths;
    }

    /** Suppression's table ({@code inet coopwan_supp}) on this daemon's runner. */
    public net.coopwan.daemon.steer.SuppressionRules suppressionRules() {
        return new net.coopwan.daemon.steer.SuppressionRules(runner);
    }

    /** The kernel's default gateway on {@code device} (for probing an uplink without configured targets). */
    public java.util.Optional<java.net.Inet4Address> defaultGateway(String device) {
        try {
            return new UplinkRoutes(runner, SteerRanges.DEFAULTS).defaultGatewayOf(device);
        } catch (RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    public ConcentratorService startConcentrator(CoopwanConfig config) throws IOException {
        return ConcentratorService.start(config, tuns, tunnelRoutes, nat, runner);
    }

    @Override
    public void close() {
        bonds.close();
        nat.close();
    }
}
