package net.coopwan.daemon.datapath;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.coopwan.config.Bond;
import net.coopwan.daemon.coop.emergency.EmergencyCodec;
import net.coopwan.daemon.coop.emergency.EmergencyMessage;
import net.coopwan.daemon.coop.emergency.EmergencyPaths;
import net.coopwan.daemon.measure.LinkHealthConfig;
import net.coopwan.daemon.steer.TunnelRoutes;
import net.coopwan.daemon.tun.TunDevice;
import net.coopwan.daemon.tun.TunDevices;

/**
 * The emergency connection's two modes on the bonding data plane's own parts.
 *
 * <p><b>Mode concentrator</b>: the requester's bonds have a standby member over the peer link
 * ({@link NeighbourMembers}); during an emergency it is activated with the helper as its
 * gateway, and the helper's kernel forwards those already sealed packets to the agreed
 * concentrators only. The requester's public address (its concentrator's) does not change, so
 * sessions survive, and the helper runs no Java per packet.
 *
 * <p><b>Mode direct</b>, not a second tunnel: the helper runs a {@link Concentrator} for the requester (one client, the key of the
 * grant) on its peer link, whose TUN the kernel forwards out of the helper's uplink under the
 * quota ({@link EmergencyKernel}); the requester runs a one-member {@link BondDataPath} over the
 * peer link to it, and the kernel policy-routes its LAN into that bond's TUN. So sealing, the
 * replay window, keep-alives and reordering are the tunnel's (docs/PROTOCOL.md 4), and Java only
 * touches packets that are sealed.
 *
 * <p>Devices: the helper's TUN for requester slot s is {@code cwh<s>}, the requester's is
 * {@code cwe0}. Everything is removed by {@link #clear}, and a kill -9 leaves nothing the next
 * start does not remove: TUN devices vanish with the process, the kernel rules are cleared by
 * {@link EmergencyKernel#clear} at start.
 */
public final class EmergencyDataPaths implements EmergencyPaths {
    private static final Logger LOG = LoggerFactory.getLogger(EmergencyDataPaths.class);
    /** The requester's tunnel device, also the name of its path (and of its counters). */
    public static final String REQUESTER_TUN = "cwe0";
    /** The borrower's tunnel to a sharer (bandwidth sharing). */
    public static final String BORROWER_TUN = "cwb0";
    /** The name of the requester's path in mode concentrator: its bonds' standby members. */
    public static final String STANDBY_PATH = "standby";
    /** The helper's tunnel devices: this prefix and the requester's slot. */
    public static final String HELPER_TUN_PREFIX = "cwh";
    /** Inner MTU: the peer link's 1500 minus the tunnel's 72 bytes, rounded down like the bonds'. */
    static final int INNER_MTU = 1400;
    /** The client id the requester's bond presents; one client per helper concentrator. */
    static final String CLIENT_ID = "emergency";

    /** What the kernel does for both roles; the real one is steer's, through {@link KernelEmergency}. */
    public interface EmergencyKernel {
        /** Helper: forward {@code source} arriving on {@code tun} out of the uplink, within the grant's quota. */
        void help(String name, String tun, Inet4Address source, EmergencyMessage.Grant grant) throws IOException;

        /**
         * Helper, mode concentrator: forward what {@code source} sends in on {@code peerDevice} to
         * {@code destinations} only, within the grant's quota.
         */
        void helpConcentrator(String name, String peerDevice, Inet4Address source,
                List<EmergencyMessage.Destination> destinations, EmergencyMessage.Grant grant) throws IOException;

        /** Helper: stop forwarding for {@code name}; never throws. @return its counters read just before */
        PathCounters unhelp(String name);

        /** Helper: no requester is left, so nothing of the helper's stays in the kernel; never throws. */
        void helperIdle();

        /** Helper: counters of {@code name}. */
        PathCounters counters(String name);

        /** Requester: the LAN's traffic goes into {@code tun}; established TCP sessions get resets per policy. */
        void carry(String tun) throws IOException;

        /**
         * Requester: the counters through the helper now, the LAN's packets as the kernel saw them
         * (ZERO without the rules); never throws. The same counters {@link #uncarry} returns at the
         * end and a start after a kill -9 finds, so what a status shows is what the totals keep.
         */
        PathCounters carried();

        /** Requester: the LAN back on the own uplink; never throws. @return the counters through the helper read just before */
        PathCounters uncarry();

        /**
         * Removes every rule of both roles (start after a kill -9, and stop); never throws.
         *
         * @return the counters found in the rules before they went, by path name
         */
        java.util.Map<String, PathCounters> clear();
    }

    /** The requester's bonds' standby members over the peer link (mode concentrator). */
    public interface NeighbourMembers {
        /**
         * Starts using the standby members, with the helper at {@code helper} as their gateway, in
         * place of the members on {@code failedDevice}; false if no bond has one.
         */
        boolean activate(InetAddress helper, String failedDevice);

        /** Stops using them at once (before the helper closes its gate, so nothing is lost); never throws. */
        void deactivate();

        /**
         * Bandwidth sharing's per-packet variant: the standby members join the bonds through the
         * sharer at {@code sharer}, capped at its offer; a new offer changes the caps. False if no
         * bond has one (the borrower then borrows per session).
         */
        boolean share(InetAddress sharer, long downKbps, long upKbps);

        /** As {@link #share(InetAddress, long, long)}; {@code lcOnly}: the members carry LC copies only (duplication alone). */
        default boolean share(InetAddress sharer, long downKbps, long upKbps, boolean lcOnly) {
            return share(sharer, downKbps, upKbps);
        }

        /** The sharer's members leave the bonds at once ({@code why} for the log); never throws. */
        void unshare(String why);
    }

    /**
     * Sharer: what a sealed forwarding for bandwidth sharing holds in the kernel besides the
     * helper's rules, the share's own quota (one per borrower across its paths,
     * {@code SharingLenderRules}). On while the forwarding carries, off when it ends or an
     * emergency of mode concentrator from the same neighbour replaces it (whose quota is then
     * the emergency's alone), on again when that emergency hands it back.
     */
    public interface ShareQuota {
        void carrying(String peerDevice, Inet4Address source, boolean on) throws IOException;
    }

    /**
     * Where the helper's tunnel endpoint listens, and the data plane's timers.
     *
     * @param uplinkDevice the device of the uplink watched for failure (its bond members make way
     *                     for the standby ones in mode concentrator), or null
     */
    public record Settings(LinkHealthConfig health, long reorderWaitNanos, long deadAfterNanos, String peerDevice,
            String uplinkDevice) {
    }

    private static final class Helped {
        final String kernelName;
        final String tun;
        final TunDevice device;
        final Concentrator concentrator;
        final long windowNanos;
        /** The carried bytes at the previous read, for the quota used in the last window. */
        long lastBytes;
        long lastNanos;

        Helped(String kernelName, String tun, TunDevice device, Concentrator concentrator, long windowNanos) {
            this.kernelName = kernelName;
            this.tun = tun;
            this.device = device;
            this.concentrator = concentrator;
            this.windowNanos = windowNanos;
            this.lastNanos = System.nanoTime();
        }

        /**
         * The kernel's counters, with the bytes of the last window estimated from the rate since
         * the previous read (at most a window ago: a read after a long pause says nothing of it).
         */
        PathCounters sample(PathCounters c) {
            long now = System.nanoTime();
            long elapsed = Math.max(1, now - lastNanos);
            long delta = Math.max(0, c.bytesOut() - lastBytes);
            long inWindow = elapsed <= windowNanos ? delta * windowNanos / elapsed
                    : (long) ((double) delta / elapsed * windowNanos);
            lastBytes = c.bytesOut();
            lastNanos = now;
            return new PathCounters(c.bytesOut(), c.bytesIn(), c.bytesDropped(), c.packetsRefused(), inWindow);
        }
    }

    private record Carried(TunDevice device, BondDataPath path) {
    }

    private final Settings settings;
    private final TunDevices tuns;
    private final TunnelRoutes routes;
    private final EmergencyKernel kernel;
    private final UplinkBinder binder;
    private final Map<String, Helped> helped = new HashMap<>();
    private Carried carried;
    /** The tunnel to a sharer (bandwidth sharing), or null. */
    private Carried borrowed;
    private final NeighbourMembers neighbours;
    /** Helpers of mode concentrator: requester to its name in the kernel's table. */
    private final Map<String, String> forwarding = new HashMap<>();
    /** Sharer, per-packet variant: the borrower's peer-link address to the key of its forwarding. */
    private final Map<Inet4Address, String> sealedFor = new HashMap<>();
    private boolean neighboursActive;

    public EmergencyDataPaths(Settings settings, TunDevices tuns, TunnelRoutes routes, EmergencyKernel kernel,
            UplinkBinder addressReader, NeighbourMembers neighbours) {
        this.neighbours = neighbours;
        this.settings = settings;
        this.tuns = tuns;
        this.routes = routes;
        this.kernel = kernel;
        this.binder = new PeerLinkBinder(addressReader);
    }

    /** A requester's name in the kernel's table: its slot, so any peer id is safe there. */
    static String kernelName(EmergencyMessage.Grant grant) {
        return "r" + (grant.tunnelPort() & 0xffff);
    }

    @Override
    public synchronized String openHelp(String requesterId, InetAddress requesterAddress, EmergencyMessage.Mode mode,
            EmergencyMessage.Grant grant, List<EmergencyMessage.Destination> destinations) throws Exception {
        closeHelp(requesterId);
        if (mode == EmergencyMessage.Mode.CONCENTRATOR) {
            if (!(requesterAddress instanceof Inet4Address source)) {
                throw new IOException("no IPv4 address of " + requesterId + " on the peer link");
            }
            // the same sealed packets, the same concentrators: the emergency's quota supersedes a share's
            String shared = sealedFor.remove(source);
            String sharedName = shared == null ? null : forwarding.remove(shared);
            if (sharedName != null) {
                kernel.unhelp(sharedName); // not closeHelp: the table must not go idle in between
                release(sealedArgs.get(shared));
                suspended.put(requesterId, shared);
                LOG.info("emergency: {}'s emergency replaces its sealed forwarding for bandwidth sharing", requesterId);
            }
            return forward(requesterId, kernelName(grant), source, destinations, grant);
        }
        int slot = grant.requesterAddress() - grant.helperAddress() - 1;
        String tun = HELPER_TUN_PREFIX + slot;
        TunDevice dev = tuns.open(tun);
        boolean ok = false;
        Concentrator c = null;
        try {
            dev.setMtu(1500);
            dev.setUp(true);
            routes.addAddress(tun, EmergencyCodec.dotted(grant.helperAddress()) + "/" + grant.prefixLength());
            Inet4Address local = binder.sourceAddress(settings.peerDevice()).orElseThrow(() -> new IOException(
                    "the peer link " + settings.peerDevice() + " has no IPv4 address"));
            Inet4Address inner = requesterAddress(grant);
            c = new Concentrator(new Concentrator.Settings(new InetSocketAddress(local, grant.tunnelPort()),
                    settings.deadAfterNanos(), settings.reorderWaitNanos(), 1500), dev,
                    List.of(new Concentrator.Client(CLIENT_ID, grant.key(), inner)));
            kernel.help(kernelName(grant), tun, inner, grant);
            // the helper routes the requester's packets: it must forward, like a concentrator
            ConcentratorService.enableForwarding();
            c.start();
            helped.put(requesterId, new Helped(kernelName(grant), tun, dev, c, grant.windowMs() * 1_000_000L));
            ok = true;
            LOG.info("emergency: helper path for {} on {} (UDP {}:{}), {} B per {} ms", requesterId, tun,
                    local.getHostAddress(), grant.tunnelPort(), grant.quotaBytes(), grant.windowMs());
            return kernelName(grant);
        } finally {
            if (!ok) {
                if (c != null) {
                    c.close();
                }
                kernel.unhelp(kernelName(grant));
                dev.close();
            }
        }
    }

    /** Mode concentrator's forwarding of {@code source}'s sealed packets, under kernel name {@code name}. */
    private String forward(String key, String name, Inet4Address source, List<EmergencyMessage.Destination> destinations,
            EmergencyMessage.Grant grant) throws IOException {
        kernel.helpConcentrator(name, settings.peerDevice(), source, destinations, grant);
        ConcentratorService.enableForwarding();
        boolean fresh = !name.equals(forwarding.put(key, name));
        if (fresh) {
            LOG.info("emergency: forwarding {}'s sealed packets from {} to {}, {} B per {} ms", key,
                    source.getHostAddress(), destinations, grant.quotaBytes(), grant.windowMs());
        }
        return name;
    }

    /**
     * Sharer, bandwidth sharing's per-packet variant: forwards what the borrower at {@code source}
     * sends on the peer link to {@code destinations} (this router's allowed concentrators) under
     * the grant's quota, as a helper of mode concentrator does, so the borrower's bond member
     * through this router reaches its concentrator. Kernel name {@code p<port>}, apart from the
     * same grant's direct path; calling it again with a new grant changes the quota. An emergency
     * of mode concentrator from the same source replaces it ({@link #openHelp}). {@code quota} is
     * the share's own kernel quota on it, on from before the first packet is forwarded, off while
     * an emergency replaces it and when it closes.
     */
    public synchronized String forwardSealed(String key, InetAddress source, EmergencyMessage.Grant grant,
            List<EmergencyMessage.Destination> destinations, ShareQuota quota) throws IOException {
        if (!(source instanceof Inet4Address v4)) {
            throw new IOException("no IPv4 address of " + key + " on the peer link");
        }
        String name = "p" + (grant.tunnelPort() & 0xffff);
        sealedArgs.put(key, new Sealed(v4, grant, List.copyOf(destinations), quota));
        if (suspended.containsValue(key)) {
            return name; // an emergency carries these packets now; resumed when it ends
        }
        // the share's quota first: not one packet is forwarded under the helper's quota alone
        quota.carrying(settings.peerDevice(), v4, true);
        forward(key, name, v4, destinations, grant);
        sealedFor.put(v4, key);
        return name;
    }

    /** What {@link #forwardSealed} was last given per key, to resume it after an emergency. */
    private record Sealed(Inet4Address source, EmergencyMessage.Grant grant, List<EmergencyMessage.Destination> to,
            ShareQuota quota) {
    }

    /** The share's quota of a sealed forwarding that stops carrying; never throws. */
    private void release(Sealed s) {
        if (s == null) {
            return;
        }
        try {
            s.quota().carrying(settings.peerDevice(), s.source(), false);
        } catch (IOException | RuntimeException e) {
            LOG.warn("sharing: cannot remove the share's quota of {}'s sealed forwarding: {}", s.source().getHostAddress(),
                    e.getMessage());
        }
    }

    private final Map<String, Sealed> sealedArgs = new HashMap<>();
    /** Emergency (requester id) to the sharing forwarding it replaced. */
    private final Map<String, String> suspended = new HashMap<>();

    @Override
    public synchronized PathCounters closeHelp(String requesterId) {
        PathCounters last = PathCounters.ZERO;
        String name = forwarding.remove(requesterId);
        Sealed sealed = sealedArgs.remove(requesterId);
        if (name != null) {
            last = kernel.unhelp(name);
            sealedFor.values().remove(requesterId);
            release(sealed); // carrying until now (a suspended one was released when suspended)
        }
        suspended.values().remove(requesterId);
        String resume = suspended.remove(requesterId);
        Sealed r = resume == null ? null : sealedArgs.get(resume);
        if (r != null) {
            try {
                forwardSealed(resume, r.source(), r.grant(), r.to(), r.quota());
                LOG.info("emergency: {}'s emergency ended; its sealed forwarding for bandwidth sharing resumes", requesterId);
            } catch (IOException e) {
                LOG.warn("emergency: cannot resume {}: {}", resume, e.getMessage());
            }
        }
        Helped h = helped.remove(requesterId);
        if (h != null) {
            last = kernel.unhelp(h.kernelName);
            h.concentrator.close();
            try {
                h.device.close();
            } catch (RuntimeException e) {
                LOG.warn("emergency: cannot close {}: {}", h.tun, e.getMessage());
            }
        }
        if ((name != null || h != null) && helped.isEmpty() && forwarding.isEmpty()) {
            kernel.helperIdle();
        }
        return last;
    }

    @Override
    public synchronized String carry(String helperId, InetAddress helperAddress, EmergencyMessage.Mode mode,
            EmergencyMessage.Grant grant) throws Exception {
        uncarry(helperId);
        if (helperAddress == null) {
            throw new IOException("no address of " + helperId + " on the peer link");
        }
        if (mode == EmergencyMessage.Mode.CONCENTRATOR) {
            if (!neighbours.activate(helperAddress, settings.uplinkDevice())) {
                throw new IOException("no bond has a member over the peer link (mode concentrator needs a bond with a"
                        + " concentrator)");
            }
            neighboursActive = true;
            return STANDBY_PATH;
        }
        Carried c = openTunnel(REQUESTER_TUN, helperAddress, grant);
        boolean ok = false;
        try {
            // the masquerade into the tunnel comes with the requester's rules
            kernel.carry(REQUESTER_TUN);
            carried = c;
            ok = true;
            return REQUESTER_TUN;
        } finally {
            if (!ok) {
                kernel.uncarry();
                c.path().close();
                c.device().close();
            }
        }
    }

    /**
     * The tunnel to a helper or sharer: TUN {@code tun} with the granted inner address, and a
     * one-member bond over the peer link to the far end's port. Whatever routes into the TUN is
     * sealed and sent; the caller adds the kernel rules that send something there.
     */
    private Carried openTunnel(String tun, InetAddress farAddress, EmergencyMessage.Grant grant) throws IOException {
        TunDevice dev = tuns.open(tun);
        BondDataPath path = null;
        boolean ok = false;
        try {
            dev.setMtu(INNER_MTU);
            dev.setUp(true);
            routes.addAddress(tun, EmergencyCodec.dotted(grant.requesterAddress()) + "/" + grant.prefixLength());
            BondDataPath.Settings s = new BondDataPath.Settings(tun, Bond.Mode.ACTIVE_BACKUP,
                    List.of(new BondDataPath.Member("peer", 0, settings.peerDevice(), null, 0)),
                    new InetSocketAddress(farAddress, grant.tunnelPort()), CLIENT_ID, grant.key(), settings.health(),
                    settings.reorderWaitNanos(), null);
            path = new BondDataPath(s, dev, binder);
            path.start();
            ok = true;
            return new Carried(dev, path);
        } finally {
            if (!ok) {
                if (path != null) {
                    path.close();
                }
                dev.close();
            }
        }
    }

    /**
     * Borrower of bandwidth sharing: the tunnel to the sharer on {@link #BORROWER_TUN}, granted as
     * an emergency is; which sessions go into it is the sharing rules' business, not the LAN's
     * default route (that stays the own uplink).
     */
    public synchronized String borrow(String sharerId, InetAddress sharerAddress, EmergencyMessage.Grant grant)
            throws IOException {
        unborrow();
        if (sharerAddress == null) {
            throw new IOException("no address of " + sharerId + " on the peer link");
        }
        borrowed = openTunnel(BORROWER_TUN, sharerAddress, grant);
        return BORROWER_TUN;
    }

    /** Closes the tunnel to the sharer; never throws. */
    public synchronized void unborrow() {
        Carried b = borrowed;
        borrowed = null;
        if (b != null) {
            b.path().close();
            b.device().close();
        }
    }

    /** The requester's bonds' members through the neighbour (also bandwidth sharing's per-packet member). */
    public NeighbourMembers neighbours() {
        return neighbours;
    }

    /** Helper: the kernel quota of path {@code key} under a new grant (bandwidth sharing's offer changed). */
    public synchronized void requota(String key, EmergencyMessage.Grant grant) throws IOException {
        Helped h = helped.get(key);
        if (h == null) {
            throw new IOException("no path " + key);
        }
        kernel.help(h.kernelName, h.tun, requesterAddress(grant), grant);
    }

    /** The requester's (or borrower's) inner address of a grant; a literal, so no lookup. */
    private static Inet4Address requesterAddress(EmergencyMessage.Grant grant) throws IOException {
        return (Inet4Address) InetAddress.getByName(EmergencyCodec.dotted(grant.requesterAddress()));
    }

    /** Helper: the TUN device of path {@code key}, or null. */
    public synchronized String tunOf(String key) {
        Helped h = helped.get(key);
        return h == null ? null : h.tun;
    }

    @Override
    public synchronized PathCounters uncarry(String helperId) {
        PathCounters last = PathCounters.ZERO;
        if (neighboursActive) {
            // the standby members' bytes are the bond's own (Java) counters: not kept apart
            neighboursActive = false;
            neighbours.deactivate();
        }
        Carried c = carried;
        if (c == null) {
            return last;
        }
        carried = null;
        last = kernel.uncarry();
        c.path().close();
        c.device().close();
        return last;
    }

    @Override
    public synchronized PathCounters counters(String peerId, boolean asHelper) {
        if (asHelper) {
            Helped h = helped.get(peerId);
            String name = forwarding.get(peerId);
            if (name != null) {
                return kernel.counters(name);
            }
            return h == null ? PathCounters.ZERO : h.sample(kernel.counters(h.kernelName));
        }
        // the kernel's counters, not the tunnel's (sealed, with their overhead): the totals keep the kernel's
        return carried == null ? PathCounters.ZERO : kernel.carried();
    }

    @Override
    public synchronized java.util.Map<String, PathCounters> clear() {
        java.util.Map<String, PathCounters> last = new java.util.LinkedHashMap<>();
        suspended.clear(); // everything goes: nothing to resume
        for (String r : List.copyOf(helped.keySet())) {
            String name = helped.get(r).kernelName;
            last.put(name, closeHelp(r));
        }
        for (String r : List.copyOf(forwarding.keySet())) {
            String name = forwarding.get(r);
            last.put(name, closeHelp(r));
        }
        unborrow();
        boolean carrying = carried != null;
        PathCounters mine = uncarry(null);
        if (carrying) {
            last.put(REQUESTER_TUN, mine);
        }
        // what a killed earlier run left: its counters first, then the rules
        kernel.clear().forEach(last::putIfAbsent);
        return last;
    }

    /** The peer link is directly connected: its address is the source, and no policy route is needed. */
    private static final class PeerLinkBinder implements UplinkBinder {
        private final UplinkBinder reader;

        PeerLinkBinder(UplinkBinder reader) {
            this.reader = reader;
        }

        @Override
        public Optional<Inet4Address> sourceAddress(String device) {
            return reader.sourceAddress(device);
        }

        @Override
        public void route(int uplinkIndex, String device, Inet4Address source, String configuredGateway) {
            // connected route: the kernel already sends to the helper's peer-link address out of the device
        }

        @Override
        public void unroute(int uplinkIndex, String device, Inet4Address source) {
            // nothing was routed
        }
    }
}
