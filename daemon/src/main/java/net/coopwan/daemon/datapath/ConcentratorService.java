package net.coopwan.daemon.datapath;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.coopwan.config.CoopwanConfig;
import net.coopwan.config.DataPlane;
import net.coopwan.config.TunnelClient;
import net.coopwan.daemon.steer.CommandResult;
import net.coopwan.daemon.steer.CommandRunner;
import net.coopwan.daemon.steer.Masquerade;
import net.coopwan.daemon.steer.NatCoordinator;
import net.coopwan.daemon.steer.TunnelRoutes;
import net.coopwan.daemon.tun.TunDevice;
import net.coopwan.daemon.tun.TunDevices;

/**
 * {@code role 'concentrator'}: makes the TUN of {@code config concentrator}, gives it its
 * address (the kernel then routes every client's inner address into it), turns on IPv4
 * forwarding, masquerades the clients' network out of the WAN device, and runs the
 * {@link Concentrator}. Everything it set up it removes on close, except forwarding, which a
 * server doing NAT needs anyway and other software may rely on.
 */
public final class ConcentratorService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConcentratorService.class);
    static final String NAT_OWNER = "concentrator";
    private static final Pattern DEFAULT_DEV = Pattern.compile("\\bdev (\\S+)");

    /** What the service was built from; equal means a reload leaves it running. */
    public record Fingerprint(net.coopwan.config.Concentrator concentrator, List<TunnelClient> clients, DataPlane dataPlane) {
        public static Fingerprint of(CoopwanConfig c) {
            return new Fingerprint(c.concentrator(), c.clients(), c.dataPlane());
        }
    }

    private final Fingerprint fingerprint;
    private final TunDevice tun;
    private final Concentrator concentrator;
    private final NatCoordinator nat;

    private ConcentratorService(Fingerprint fingerprint, TunDevice tun, Concentrator concentrator, NatCoordinator nat) {
        this.fingerprint = fingerprint;
        this.tun = tun;
        this.concentrator = concentrator;
        this.nat = nat;
    }

    public Fingerprint fingerprint() {
        return fingerprint;
    }

    public Concentrator concentrator() {
        return concentrator;
    }

    /** Sets everything up and starts; on failure undoes what it did and throws with the reason. */
    public static ConcentratorService start(CoopwanConfig config, TunDevices tuns, TunnelRoutes routes,
            NatCoordinator nat, CommandRunner runner) throws IOException {
        net.coopwan.config.Concentrator c = config.concentrator();
        if (c == null) {
            throw new IOException("role 'concentrator' needs a 'config concentrator' section");
        }
        TunDevice tun = tuns.open(c.device());
        boolean ok = false;
        try {
            tun.setMtu(1500);
            tun.setUp(true);
            String cidr = c.address() + "/" + c.prefixLength();
            routes.addAddress(c.device(), cidr);
            enableForwarding();
            String wan = c.wanDevice() == null || c.wanDevice().isEmpty() ? defaultDevice(runner) : c.wanDevice();
            if (wan == null) {
                LOG.warn("concentrator: no default route and no wan_device: clients' traffic is not masqueraded");
            } else {
                nat.set(NAT_OWNER, List.of(new Masquerade(wan, network(c.address(), c.prefixLength()))));
            }
            List<Concentrator.Client> clients = new ArrayList<>();
            for (TunnelClient tc : config.clients()) {
                clients.add(new Concentrator.Client(tc.name(), tc.keyBytes(), (Inet4Address) InetAddress.getByName(tc.address())));
            }
            DataPlane dp = config.dataPlane();
            Concentrator conc = new Concentrator(new Concentrator.Settings(
                    new InetSocketAddress(InetAddress.getByName(c.listen()), c.port()),
                    dp.deadAfterMs() * 1_000_000L, dp.reorderWaitMs() * 1_000_000L, 1500, Mechanisms.of(dp)), tun, clients);
            conc.start();
            ok = true;
            LOG.info("concentrator: TUN {} {} for {} client(s), masquerading out of {}", c.device(), cidr,
                    clients.size(), wan == null ? "(nothing)" : wan);
            return new ConcentratorService(Fingerprint.of(config), tun, conc, nat);
        } finally {
            if (!ok) {
                nat.set(NAT_OWNER, List.of());
                tun.close();
            }
        }
    }

    /** The network of ADDRESS/PREFIX in CIDR form, e.g. 100.64.100.1/24 -> 100.64.100.0/24. */
    static String network(String address, int prefix) throws IOException {
        byte[] a = InetAddress.getByName(address).getAddress();
        int v = ((a[0] & 0xff) << 24) | ((a[1] & 0xff) << 16) | ((a[2] & 0xff) << 8) | (a[3] & 0xff);
        int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
        int n = v & mask;
        return ((n >>> 24) & 0xff) + "." + ((n >>> 16) & 0xff) + "." + ((n >>> 8) & 0xff) + "." + (n & 0xff) + "/" + prefix;
    }

    private static String defaultDevice(CommandRunner runner) {
        CommandResult r = runner.run(List.of("ip", "-4", "route", "show", "default"), null, Duration.ofSeconds(5));
        Matcher m = DEFAULT_DEV.matcher(r.stdout());
        return r.exit() == 0 && m.find() ? m.group(1) : null;
    }

    static void enableForwarding() {
        Path p = Path.of("/proc/sys/net/ipv4/ip_forward");
        try {
            if (!Files.readString(p).trim().equals("1")) {
                Files.writeString(p, "1");
                LOG.info("concentrator: IPv4 forwarding turned on (net.ipv4.ip_forward = 1)");
            }
        } catch (IOException e) {
            LOG.warn("concentrator: cannot turn on IPv4 forwarding: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        concentrator.close();
        nat.set(NAT_OWNER, List.of());
        tun.close();
    }
}
