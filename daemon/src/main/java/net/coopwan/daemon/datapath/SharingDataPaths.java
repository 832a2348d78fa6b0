package net.coopwan.daemon.datapath;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.coopwan.daemon.coop.emergency.EmergencyCodec;
import net.coopwan.daemon.coop.emergency.EmergencyMessage;
import net.coopwan.daemon.coop.emergency.EmergencyPaths.PathCounters;
import net.coopwan.daemon.coop.sharing.SharingPaths;
import net.coopwan.daemon.steer.ConntrackFlow;
import net.coopwan.daemon.steer.EmergencyQuota;
import net.coopwan.daemon.steer.SharingBorrowerPlan;
import net.coopwan.daemon.steer.SharingBorrowerRules;
import net.coopwan.daemon.steer.SharingLenderRules;
import net.coopwan.daemon.steer.SlidingWindowQuota;

/**
 * Bandwidth sharing's paths on the emergency connection's (one neighbour path, one
 * implementation): a sharer lends through {@link EmergencyDataPaths#openHelp} in mode direct (a
 * tunnel end, the helper's NAT and per-path quota) plus {@link SharingLenderRules}, the borrower's
 * one quota per direction across its paths (per session and, per packet, the sealed forwarding);
 * a borrower opens {@link EmergencyDataPaths#borrow} and lets {@link SharingBorrowerRules} choose
 * the sessions that go into it.
 *
 * <p>Slots: the emergency's helper uses slots 0-3 (its tunnel port {@code helper_port + slot},
 * inner address {@code network + 2 + slot}); sharing takes 4-7, so a neighbour may borrow and, when
 * its uplink fails, be helped at the same time. A tunnel network too small for a slot (a /29 has
 * room for slot 4 only) refuses the grant.
 *
 * <p>Totals: a lending path's counters are {@link SharingLenderRules}' (named as the emergency's
 * path, {@code r<port>}), the borrowing path's {@link SharingBorrowerRules}' (named after its tunnel,
 * {@code cwb0}); both tables outlive a kill -9, so {@link #leftovers} finds what the killed run carried.
 */
public final class SharingDataPaths implements SharingPaths {

    private static final Logger LOG = LoggerFactory.getLogger(SharingDataPaths.class);

    /** Slots of sharing's paths on a sharer (the emergency's are 0-3). */
    static final int FIRST_SLOT = 4;
    static final int SLOTS = 4;

    /**
     * @param helperPort    the emergency's {@code helper_port}; sharing's ports are {@code + 4..7}
     * @param tunnelNetwork the emergency's tunnel network, as an int
     * @param tunnelPrefix  its prefix length
     * @param lanDevices    the borrower's LAN devices whose new sessions may move
     * @param ports         TCP ports of the sessions that may move
     * @param concentrators as sharer, per-packet variant: where a borrower's bond member through
     *                      this router may go (the emergency's {@code list concentrator}); empty:
     *                      this router lends per session only
     */
    public record Settings(int helperPort, int tunnelNetwork, int tunnelPrefix, List<String> lanDevices,
                           Set<Integer> ports, List<EmergencyMessage.Destination> concentrators) {
        public Settings {
            concentrators = List.copyOf(concentrators);
        }

        public Settings(int helperPort, int tunnelNetwork, int tunnelPrefix, List<String> lanDevices, Set<Integer> ports) {
            this(helperPort, tunnelNetwork, tunnelPrefix, lanDevices, ports, List.of());
        }
    }

    private final Settings settings;
    private final EmergencyDataPaths paths;
    private final SharingBorrowerRules borrower;
    private final SharingLenderRules lender;
    private final Supplier<Bytes> uplink;
    private final SecureRandom random = new SecureRandom();
    /** Borrower id to its grant, while a grant or path exists; the slot is the grant's port less helper_port. */
    private final Map<String, EmergencyMessage.Grant> grants = new HashMap<>();
    private volatile String borrowingFrom;
    private HostLearning learning;
    /** The moved sessions of the last reading, by flow: what a reset of some of them names. */
    private final Map<String, ConntrackFlow> lastMoved = new HashMap<>();
    /** The sharer's peer-link address while borrowing, for the per-packet variant's member. */
    private InetAddress sharerAddress;
    /** Whether the bonds' member through the sharer is in use (per packet): then no session moves. */
    private boolean perPacket;
    /** The window of the sharer's quota while borrowing (the grant's; the offers keep it). */
    private long windowMs;
    /**
     * Sharer: moves the sliding windows of the lender's quotas ({@link SharingLenderRules#refresh})
     * while it lends; a thread of its own, because the tick is tens of milliseconds.
     */
    private volatile ScheduledExecutorService quotaTicker;
    /** Sharer: whether the last tick failed (one log line per run of failures); under {@link #lenderLock}. */
    private boolean tickFailing;
    /**
     * Sharer: held around every use of {@link #lender} that changes or moves it (it is not
     * thread-safe), and by nothing else. The quota's tick takes this lock alone, never this object's:
     * a tick held back by a borrower's change or a status read leaves a bound in force past its time,
     * and a sender within the offer runs into it (SharingPerPacketLabIT on a 2-core machine: a
     * datagram in a thousand lost). Lock order: this object, then this lock.
     */
    private final Object lenderLock = new Object();
    /** Sharer: when the last tick's bounds were written (0 before the first); under {@link #lenderLock}. */
    private long lastMovedNanos;
    /** Sharer: when the last line about late ticks was logged, and the late ticks since it. */
    private long lateLoggedNanos;
    private long lateSinceLogged;
    /** One log line about late ticks at most this often (the count of the others goes with it). */
    static final long LATE_LOG_NANOS = 10_000_000_000L;

    public SharingDataPaths(Settings settings, EmergencyDataPaths paths, SharingBorrowerRules borrower,
            SharingLenderRules lender, Supplier<Bytes> uplink) {
        this.settings = settings;
        this.paths = paths;
        this.borrower = borrower;
        this.lender = lender;
        this.uplink = uplink;
    }

    /**
     * The borrower's learning of download hosts, whose copy rules {@link #clear} removes (so a
     * killed run's go at start) and whose hosts fill {@code avoid} when a path opens.
     */
    public synchronized void learning(HostLearning l) {
        this.learning = l;
    }

    public synchronized HostLearning learning() {
        return learning;
    }

    /**
     * Download hosts into the borrower's {@code avoid} set, while a path is open (before, the set
     * does not exist and the hosts go in when it opens). Not under this object's lock: a reader
     * thread calls it, and {@link #clear} waits for that thread with the lock held.
     */
    public void avoid(Map<Integer, java.time.Duration> batch) {
        if (borrowingFrom != null) {
            borrower.avoid(batch);
        }
    }

    /** The uplink device's byte counters from sysfs ({@code rx_bytes} down, {@code tx_bytes} up); zeros if unreadable. */
    public static Supplier<Bytes> sysfs(String device) {
        Path dir = Path.of("/sys/class/net", device, "statistics");
        return () -> {
            try {
                return new Bytes(Long.parseLong(Files.readString(dir.resolve("rx_bytes")).trim()),
                        Long.parseLong(Files.readString(dir.resolve("tx_bytes")).trim()));
            } catch (IOException | NumberFormatException e) {
                return Bytes.ZERO;
            }
        };
    }

    private Integer slotOf(EmergencyMessage.Grant g) {
        return g == null ? null : g.tunnelPort() - settings.helperPort();
    }

    private static String key(String borrowerId) {
        return "share:" + borrowerId;
    }

    /** The sharer's forwarding of a borrower's sealed bond packets (per-packet variant). */
    private static String sealedKey(String borrowerId) {
        return "share-sealed:" + borrowerId;
    }

    /**
     * Sharer: the per-packet variant's forwarding at the grant's quota, when concentrators are
     * allowed. Its packets charge the borrower's limits in {@link SharingLenderRules}, the same
     * as its per-session path's: one quota per borrower and direction across both paths.
     */
    private void forwardSealed(String borrowerId, InetAddress address, EmergencyMessage.Grant grant) throws IOException {
        if (!settings.concentrators().isEmpty()) {
            String name = EmergencyDataPaths.kernelName(grant);
            paths.forwardSealed(sealedKey(borrowerId), address, helpLimit(grant), settings.concentrators(), (device, source, on) -> {
                try {
                    synchronized (lenderLock) {
                        lender.sealed(name, device, source, on);
                    }
                } catch (RuntimeException e) {
                    throw new IOException("the share's quota on the sealed forwarding: " + e.getMessage(), e);
                }
            });
        }
    }

    @Override
    public synchronized EmergencyMessage.Grant grant(String borrowerId, long quotaBytes, long windowMs) throws Exception {
        Integer slot = slotOf(grants.get(borrowerId));
        java.util.Set<Integer> used = new java.util.HashSet<>();
        grants.values().forEach(g -> used.add(slotOf(g)));
        for (int s = FIRST_SLOT; s < FIRST_SLOT + SLOTS && slot == null; s++) {
            if (!used.contains(s)) {
                slot = s;
            }
        }
        if (slot == null) {
            throw new IOException("all " + SLOTS + " sharing paths are in use");
        }
        long hosts = (1L << (32 - settings.tunnelPrefix())) - 2;
        if (2 + slot > hosts) {
            throw new IOException("the tunnel network /" + settings.tunnelPrefix() + " has no address for sharing path "
                    + slot + " (use /28 or wider)");
        }
        byte[] key = new byte[EmergencyCodec.KEY_BYTES];
        random.nextBytes(key);
        EmergencyMessage.Grant g = new EmergencyMessage.Grant(quotaBytes, windowMs, settings.helperPort() + slot,
                settings.tunnelNetwork() + 2 + slot, settings.tunnelNetwork() + 1, settings.tunnelPrefix(), key);
        grants.put(borrowerId, g);
        return g;
    }

    @Override
    public synchronized void openLend(String borrowerId, InetAddress address, EmergencyMessage.Grant grant)
            throws Exception {
        paths.openHelp(key(borrowerId), address, EmergencyMessage.Mode.DIRECT, helpLimit(grant), List.of());
        // both directions at the grant's quota (the larger offer's) until the first offer sets each
        EmergencyQuota q = new EmergencyQuota(grant.quotaBytes(), grant.windowMs());
        synchronized (lenderLock) {
            lender.apply(EmergencyDataPaths.kernelName(grant), paths.tunOf(key(borrowerId)), q, q);
        }
        startTicking();
        // the borrower decides per session or per packet; the sharer is ready for both
        forwardSealed(borrowerId, address, grant);
        addresses.put(borrowerId, address);
    }

    /** Sharer: each borrower's peer-link address, for the sealed forwarding's new quota. */
    private final Map<String, InetAddress> addresses = new HashMap<>();

    @Override
    public synchronized void setLendQuota(String borrowerId, long downQuotaBytes, long upQuotaBytes, long windowMs)
            throws Exception {
        EmergencyMessage.Grant g = grants.get(borrowerId);
        if (g == null) {
            throw new IOException("no sharing path for " + borrowerId);
        }
        // The share's quotas first, each direction its own, across both paths: a new threshold of the same
        // sliding window (a fall binds at once, a rise after a window). The helper's per-path limits (coopwan_help, on uploads only,
        // per session and sealed) follow the grant's quota, the upload's, when it changed: the shared
        // up limit before them binds, they can only drop less.
        EmergencyMessage.Grant n = new EmergencyMessage.Grant(upQuotaBytes, windowMs, g.tunnelPort(), g.requesterAddress(),
                g.helperAddress(), g.prefixLength(), g.key());
        synchronized (lenderLock) {
            lender.apply(EmergencyDataPaths.kernelName(n), paths.tunOf(key(borrowerId)),
                    new EmergencyQuota(downQuotaBytes, windowMs), new EmergencyQuota(upQuotaBytes, windowMs));
        }
        if (upQuotaBytes != g.quotaBytes() || windowMs != g.windowMs()) {
            paths.requota(key(borrowerId), helpLimit(n));
            grants.put(borrowerId, n);
            InetAddress a = addresses.get(borrowerId);
            if (a != null) {
                forwardSealed(borrowerId, a, n);
            }
        }
    }

    /**
     * The grant as the helper's per-path limits ({@code inet coopwan_help}, the emergency's token
     * bucket, uploads only) should see it: a quota per window T whose bucket sustains the offer's
     * own rate, {@code quota x (1 + T) / T}. The share's quota in {@link SharingLenderRules} (a
     * sliding window, before them) is the one that binds; at the grant's quota the bucket sustained
     * only {@code 0.99 T / (1 + T)} of it, half at T = 1 s, and dropped what the share allowed
     * (SharingPerPacketLabIT: 19 % of a stream lost, b's share dropping nothing).
     */
    static EmergencyMessage.Grant helpLimit(EmergencyMessage.Grant g) {
        long quota = g.quotaBytes() * (1000 + g.windowMs()) / g.windowMs();
        return new EmergencyMessage.Grant(quota, g.windowMs(), g.tunnelPort(), g.requesterAddress(), g.helperAddress(),
                g.prefixLength(), g.key());
    }

    /** Starts the ticks of the lender's sliding windows, unless they run. */
    private void startTicking() {
        if (quotaTicker == null) {
            quotaTicker = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "sharing-quota");
                t.setDaemon(true);
                return t;
            });
            ScheduledExecutorService own = quotaTicker;
            long window;
            synchronized (lenderLock) {
                window = lender.shortestWindowMs();
            }
            long period = SlidingWindowQuota.tickMs(window) * 1_000_000L;
            own.schedule(() -> tick(own, System.nanoTime() + period), period, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * One tick of the lender's windows, on {@code own}, meant for {@code dueNanos}; the next follows
     * one tick after that (at a fixed rate: a tick's own work, tens of milliseconds on a busy router,
     * must not add to the time each bound stays in force), none once nobody borrows or {@code own}
     * was replaced (stopped and started again: its last tick must not add a second chain of ticks to
     * the new one). Under {@link #lenderLock} only.
     */
    private void tick(ScheduledExecutorService own, long dueNanos) {
        long window;
        synchronized (lenderLock) {
            window = lender.shortestWindowMs();
            if (window == 0 || quotaTicker != own) {
                return;
            }
            try {
                lender.refresh();
                lateCheck(System.nanoTime(), SlidingWindowQuota.tickMs(window) * 1_000_000L);
                if (tickFailing) {
                    tickFailing = false;
                    LOG.info("sharing: the quotas of the borrowers move again");
                }
            } catch (RuntimeException e) {
                if (!tickFailing) {
                    tickFailing = true;
                    LOG.warn("sharing: cannot move the borrowers' quotas (they hold what they allow now, then drop): {}",
                            e.getMessage());
                }
            }
        }
        long now = System.nanoTime();
        long period = SlidingWindowQuota.tickMs(window) * 1_000_000L;
        // a tick that came more than a period late starts the rhythm again from now (no catching up in a burst)
        long next = dueNanos + period - now > 0 ? dueNanos + period : now + period;
        try {
            own.schedule(() -> tick(own, next), Math.max(0, next - now), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // stopped meanwhile
        }
    }

    /**
     * Counts a tick whose bounds were written more than two periods after the last ones. The
     * per-packet member keeps one tick of slack (SlidingWindowQuota#lateTolerantPerMille); a gap
     * longer than that is a router too busy to move its quotas in time, where a sender within its
     * offer may meet the old bound. An admin reads it in the log (one line per 10 s at most) and
     * SharingPerPacketLabIT tells a loss it explains from one it does not.
     */
    private void lateCheck(long nowNanos, long periodNanos) {
        long gap = lastMovedNanos == 0 ? 0 : nowNanos - lastMovedNanos;
        lastMovedNanos = nowNanos;
        if (gap <= 2 * periodNanos) {
            return;
        }
        lateSinceLogged++;
        if (lateLoggedNanos == 0 || nowNanos - lateLoggedNanos >= LATE_LOG_NANOS) {
            LOG.warn("sharing: the borrowers' quotas moved {} ms after their last move, planned every {} ms (a busy router;"
                    + " {} late since the last such line): a sender within its offer may have met the old bound",
                    gap / 1_000_000, periodNanos / 1_000_000, lateSinceLogged);
            lateLoggedNanos = nowNanos;
            lateSinceLogged = 0;
        }
    }

    /** Stops the ticks once nobody borrows. */
    private void stopTickingIfIdle() {
        boolean idle;
        synchronized (lenderLock) {
            idle = lender.shortestWindowMs() == 0;
        }
        if (quotaTicker != null && idle) {
            quotaTicker.shutdownNow();
            quotaTicker = null;
            synchronized (lenderLock) {
                lastMovedNanos = 0; // the next lending's first tick is not late
            }
        }
    }

    @Override
    public synchronized void closeLend(String borrowerId) {
        EmergencyMessage.Grant g = grants.remove(borrowerId);
        String tun = paths.tunOf(key(borrowerId));
        paths.closeHelp(sealedKey(borrowerId));
        paths.closeHelp(key(borrowerId));
        addresses.remove(borrowerId);
        if (g != null && tun != null) {
            try {
                synchronized (lenderLock) {
                    lender.remove(EmergencyDataPaths.kernelName(g), tun);
                }
            } catch (RuntimeException e) {
                // the table goes at stop in any case
            }
        }
        stopTickingIfIdle();
    }

    @Override
    public Bytes lent() {
        long up = 0;
        synchronized (this) {
            for (String id : grants.keySet()) {
                up += paths.counters(key(id), true).bytesOut() + paths.counters(sealedKey(id), true).bytesOut();
            }
        }
        // the kernel's counters outside this object's lock (LENDER_READS)
        long down = 0;
        try {
            for (SharingLenderRules.Counters c : lender.counters()) {
                down += c.carriedBytes();
            }
        } catch (RuntimeException e) {
            // a reading, not a change: the next one will do
        }
        return new Bytes(down, up);
    }

    @Override
    public Bytes uplink() {
        return uplink.get();
    }

    @Override
    public synchronized void openBorrow(String sharerId, InetAddress address, EmergencyMessage.Grant grant)
            throws Exception {
        String tun = paths.borrow(sharerId, address, grant);
        borrower.open(new SharingBorrowerPlan(settings.lanDevices(), tun, settings.ports()));
        borrowingFrom = sharerId;
        try {
            borrower.account();
        } catch (RuntimeException e) {
            // without bytes and ages a lower offer resets no session (the quota still holds)
        }
        if (learning != null) {
            try {
                borrower.avoid(learning.current());
            } catch (RuntimeException e) {
                // the path works without them; the next answers fill the set again
            }
        }
        sharerAddress = address;
        windowMs = grant.windowMs();
    }

    /**
     * The per-packet variant: a borrower whose bonds have a member through the neighbour (they go
     * through a concentrator) puts it into the bonds at the offer; its LAN's sessions terminate at
     * the concentrator, so none moves per session meanwhile (that would take it out of the bond,
     * to another public address). Without such a bond nothing happens here.
     */
    @Override
    public synchronized void setOffer(String sharerId, long downKbps, long upKbps) throws Exception {
        setOffer(sharerId, downKbps, upKbps, false);
    }

    @Override
    public synchronized void setOffer(String sharerId, long downKbps, long upKbps, boolean lcOnly) throws Exception {
        if (!sharerId.equals(borrowingFrom) || paths.neighbours() == null) {
            return;
        }
        if (downKbps <= 0 && upKbps <= 0) {
            paths.neighbours().unshare("no offer from " + sharerId);
            return;
        }
        boolean was = perPacket;
        perPacket = paths.neighbours().share(sharerAddress, carriedKbps(downKbps, windowMs), carriedKbps(upKbps, windowMs),
                lcOnly);
        if (perPacket && !was) {
            borrower.share(0);
        }
    }

    /** Of the tunnel's own packets (keep-alives, CAPS), which no bucket charges: 2 % of the rate is plenty. */
    static final int CONTROL_PER_MILLE = 20;

    /**
     * The rate the per-packet member may use in one direction whose offer is {@code kbps}: the
     * offer, but at most what the sharer's kernel quota for that direction sustains (the sharer's
     * quota follows each direction's offer, {@code LendingSession.quotaBytes(kbps, window)}; its
     * sliding window holds any window T within the quota and sustains
     * {@link LendingSession#sustainedKbps} of it when its ticks are on time; the member keeps a
     * tick of slack below that, {@link SlidingWindowQuota#lateTolerantPerMille}), less
     * {@link #CONTROL_PER_MILLE} for the uncharged control packets. At that rate the sharer's kernel
     * never has to drop a well-behaved member's packet, even on a busy router whose ticks come late:
     * the overflow goes on the own members instead of being lost.
     */
    static long carriedKbps(long kbps, long windowMs) {
        long quota = net.coopwan.daemon.coop.sharing.LendingSession.quotaBytes(kbps, windowMs);
        // the quota's own rate in bytes per second, then what its sliding window sustains of it
        long bytesPerSecond = quota * 1000 / windowMs * SlidingWindowQuota.lateTolerantPerMille(windowMs) / 1000;
        // rounded down once, at the end: a small quota (a direction near the floor) would lose a kbit/s per rounding
        return Math.min(kbps, bytesPerSecond * 8 * (1000 - CONTROL_PER_MILLE) / 1_000_000);
    }

    @Override
    public synchronized void setShare(String sharerId, int perMille) throws Exception {
        if (sharerId.equals(borrowingFrom)) {
            borrower.share(perPacket ? 0 : perMille);
        }
    }

    @Override
    public synchronized void resetSessions(String sharerId) {
        if (sharerId.equals(borrowingFrom)) {
            try {
                borrower.resetMoved(true);
            } catch (RuntimeException e) {
                // the sessions then end by themselves
            }
        }
    }

    @Override
    public synchronized void resetSessions(String sharerId, List<MovedSession> sessions) {
        if (!sharerId.equals(borrowingFrom)) {
            return;
        }
        List<ConntrackFlow> flows = new java.util.ArrayList<>();
        for (MovedSession s : sessions) {
            ConntrackFlow f = lastMoved.get(s.flow());
            if (f != null) {
                flows.add(f);
            }
        }
        try {
            borrower.resetFlows(flows);
        } catch (RuntimeException e) {
            // the sessions then end by themselves
        }
    }

    @Override
    public synchronized List<MovedSession> movedSessions(String sharerId) {
        if (!sharerId.equals(borrowingFrom)) {
            return List.of();
        }
        List<ConntrackFlow> flows = borrower.movedFlows();
        if (flows == null) {
            return null;
        }
        lastMoved.clear();
        for (ConntrackFlow f : flows) {
            lastMoved.put(f.nftElement(), f);
        }
        return sessions(flows);
    }

    @Override
    public synchronized SessionSample sessionSample(String sharerId) {
        if (!sharerId.equals(borrowingFrom)) {
            return null;
        }
        SharingBorrowerRules.Eligible e = borrower.eligibleFlows(settings.ports());
        if (e == null) {
            return null;
        }
        long eligibleNew = -1;
        try {
            SharingBorrowerRules.Counters c = borrower.counters();
            eligibleNew = c == null ? -1 : c.eligibleSessions();
        } catch (RuntimeException ex) {
            // unknown: the split then learns at every decision
        }
        return new SessionSample(sessions(e.moved()), sessions(e.home()), eligibleNew);
    }

    private static List<MovedSession> sessions(List<ConntrackFlow> flows) {
        List<MovedSession> out = new java.util.ArrayList<>(flows.size());
        for (ConntrackFlow f : flows) {
            out.add(new MovedSession(f.nftElement(), f.ageSeconds(), f.bytesOriginal(), f.bytesReply()));
        }
        return out;
    }

    @Override
    public synchronized int sessions(String sharerId) {
        return sharerId.equals(borrowingFrom) ? borrower.sessions() : 0;
    }

    @Override
    public synchronized Bytes borrowed(String sharerId) {
        if (!sharerId.equals(borrowingFrom)) {
            return Bytes.ZERO;
        }
        try {
            SharingBorrowerRules.Counters c = borrower.counters();
            return c == null ? Bytes.ZERO : new Bytes(c.bytesDown(), c.bytesUp());
        } catch (RuntimeException e) {
            return Bytes.ZERO;
        }
    }

    @Override
    public synchronized void closeBorrow(String sharerId) {
        if (!sharerId.equals(borrowingFrom)) {
            return;
        }
        borrowingFrom = null;
        sharerAddress = null;
        if (perPacket) {
            perPacket = false;
            paths.neighbours().unshare("the path to " + sharerId + " closed");
        }
        try {
            borrower.removeAll();
        } catch (RuntimeException e) {
            // removed again at the next start
        }
        paths.unborrow();
    }

    @Override
    public PathCounters carried(String peerId, boolean lending) {
        if (!lending) {
            return borrowedCarried(peerId);
        }
        try {
            String name;
            synchronized (this) {
                EmergencyMessage.Grant g = grants.get(peerId);
                if (g == null) {
                    return PathCounters.ZERO;
                }
                name = EmergencyDataPaths.kernelName(g);
            }
            // outside the lock (LENDER_READS)
            for (SharingLenderRules.Counters c : lender.counters()) {
                    if (c.name().equals(name)) {
                        return lent(c);
                    }
                }
            return PathCounters.ZERO;
        } catch (RuntimeException e) {
            return PathCounters.ZERO; // a reading, not a change: the next one will do
        }
    }

    /*
     * LENDER_READS: the reads of the lender's kernel counters and of conntrack run a process each
     * (nft, cat); they are stateless (SharingLenderRules#counters, #sessions) and run outside this
     * object's lock, which the quota's tick needs. Under it they held the tick back on a busy router,
     * and a tick that came late left a bound that a well-behaved sender ran into.
     */

    /** What this router borrowed from {@code peerId}, as its kernel counts it. */
    private synchronized PathCounters borrowedCarried(String peerId) {
        try {
            SharingBorrowerRules.Counters c = peerId.equals(borrowingFrom) ? borrower.counters() : null;
            return c == null ? PathCounters.ZERO : borrowed(c);
        } catch (RuntimeException e) {
            return PathCounters.ZERO; // a reading, not a change: the next one will do
        }
    }

    private static PathCounters lent(SharingLenderRules.Counters c) {
        return new PathCounters(c.carriedUpBytes(), c.carriedBytes(), c.droppedBytes(), 0, 0, 0);
    }

    private static PathCounters borrowed(SharingBorrowerRules.Counters c) {
        return new PathCounters(c.bytesUp(), c.bytesDown(), 0, 0, 0, c.sessionsMoved());
    }

    @Override
    public synchronized String pathName(String peerId, boolean lending) {
        if (lending) {
            EmergencyMessage.Grant g = grants.get(peerId);
            return g == null || paths.tunOf(key(peerId)) == null ? null : EmergencyDataPaths.kernelName(g);
        }
        return peerId.equals(borrowingFrom) ? EmergencyDataPaths.BORROWER_TUN : null;
    }

    @Override
    public int lentSessions(String borrowerId) {
        EmergencyMessage.Grant g;
        synchronized (this) {
            g = grants.get(borrowerId);
        }
        if (g == null) {
            return 0;
        }
        try { // outside the lock (LENDER_READS)
            return lender.sessions(EmergencyCodec.dotted(g.requesterAddress()));
        } catch (RuntimeException e) {
            return -1;
        }
    }

    @Override
    public synchronized Map<String, PathCounters> leftovers() {
        Map<String, PathCounters> out = new HashMap<>();
        try {
            for (SharingLenderRules.Counters c : lender.counters()) {
                out.put(c.name(), lent(c));
            }
        } catch (RuntimeException e) {
            // unreadable: those paths end with zeros
        }
        try {
            SharingBorrowerRules.Counters c = borrower.counters();
            if (c != null) {
                out.put(EmergencyDataPaths.BORROWER_TUN, borrowed(c));
            }
        } catch (RuntimeException e) {
            // likewise
        }
        return out;
    }

    @Override
    public synchronized void clear() {
        if (learning != null) {
            learning.stop();
        }
        for (String id : List.copyOf(grants.keySet())) {
            closeLend(id);
        }
        if (borrowingFrom != null) {
            closeBorrow(borrowingFrom);
        }
        try {
            borrower.removeAll();
        } catch (RuntimeException e) {
            // nothing more to do at stop
        }
        try {
            synchronized (lenderLock) {
                lender.removeAll();
            }
        } catch (RuntimeException e) {
            // nothing more to do at stop
        }
        stopTickingIfIdle();
    }
}
