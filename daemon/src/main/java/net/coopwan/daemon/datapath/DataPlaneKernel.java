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

    public ConcentratorService startConcentrator(CoopwanConfig config) throws IOException {
        return ConcentratorService.start(config, tuns, tunnelRoutes, nat, runner);
    }

    @Override
    public void close() {
        bonds.close();
        nat.close();
    }
}
