package net.coopwan.daemon.datapath;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.coopwan.config.Bond;
import net.coopwan.daemon.measure.LinkHealth;
import net.coopwan.daemon.measure.LinkHealthConfig;
import net.coopwan.daemon.measure.PctPdtTrendTest;
import net.coopwan.daemon.reorder.ReorderBuffer;
import net.coopwan.daemon.schedule.LinkScheduler;
import net.coopwan.daemon.schedule.SchedulerMode;
import net.coopwan.daemon.schedule.TokenBucket;
import net.coopwan.daemon.secure.SessionKeys;
import net.coopwan.daemon.tun.TunDevice;
import net.coopwan.daemon.tunnel.DropCounters;
import net.coopwan.daemon.tunnel.Frame;
import net.coopwan.daemon.tunnel.PacketType;
import net.coopwan.daemon.tunnel.TunnelDrop;
import net.coopwan.daemon.tunnel.TunnelHandshake;
import net.coopwan.daemon.tunnel.TunnelHeader;
import net.coopwan.daemon.tunnel.TunnelSession;

/**
 * The router's side of one bond with a far end (seed 002, Fig. 2): one UDP tunnel per member
 * uplink, each sent from that uplink's own address, all to one concentrator; inner packets read
 * from the bond's TUN are spread per packet over the live links by the bond's scheduler, and
 * what comes back is reordered per flow and written to the TUN.
 *
 * <p>States, written out: CONNECTING (handshake inits on every bound link, retried with
 * exponential backoff 250 ms .. 8 s) → ESTABLISHED (response verified) → CONNECTING again when
 * every link has been silent for twice the dead time (the concentrator restarted or the path
 * is gone). One log line per change, with the reason.
 */
public final class BondDataPath implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BondDataPath.class);
    static final long FIRST_RETRY_NANOS = 250_000_000L;
    static final long MAX_RETRY_NANOS = 8_000_000_000L;
    static final long REBIND_NANOS = 1_000_000_000L;
    static final long TICK_NANOS = 10_000_000L;

    /**
     * One member uplink as configured. A {@code standby} member (the path through the neighbour
     * of an emergency in mode concentrator) has no tunnel until {@link #activateStandby} gives it
     * its gateway, and none again after {@link #deactivateStandby}.
     */
    public record Member(String uplink, int uplinkIndex, String device, String gateway, long upKbps, boolean standby) {
        public Member(String uplink, int uplinkIndex, String device, String gateway, long upKbps) {
            this(uplink, uplinkIndex, device, gateway, upKbps, false);
        }
    }

    /** Everything the data path of one bond needs; built from the configuration by the caller. */
    public record Settings(String bond, Bond.Mode mode, List<Member> members, InetSocketAddress concentrator,
            String clientId, byte[] psk, LinkHealthConfig health, long reorderWaitNanos, Adaptive adaptive,
            Bond.Scheduler scheduler, Mechanisms mechanisms) {
        /** Every real-link mechanism on, the mode's default scheduler. */
        public Settings(String bond, Bond.Mode mode, List<Member> members, InetSocketAddress concentrator, String clientId,
                byte[] psk, LinkHealthConfig health, long reorderWaitNanos, Adaptive adaptive) {
            this(bond, mode, members, concentrator, clientId, psk, health, reorderWaitNanos, adaptive, null, Mechanisms.ALL_ON);
        }

        /** Every real-link mechanism on. */
        public Settings(String bond, Bond.Mode mode, List<Member> members, InetSocketAddress concentrator, String clientId,
                byte[] psk, LinkHealthConfig health, long reorderWaitNanos, Adaptive adaptive, Bond.Scheduler scheduler) {
            this(bond, mode, members, concentrator, clientId, psk, health, reorderWaitNanos, adaptive, scheduler,
                    Mechanisms.ALL_ON);
        }

        public Settings {
            Objects.requireNonNull(mechanisms, "mechanisms");
            members = List.copyOf(members);
            if (members.size() > TunnelHeader.MAX_LINKS) {
                throw new IllegalArgumentException("a bond has at most " + TunnelHeader.MAX_LINKS + " members");
            }
            Objects.requireNonNull(concentrator, "concentrator");
            psk = psk.clone();
            if (scheduler == null) {
                scheduler = Bond.Scheduler.defaultFor(mode);
            }
        }
    }

    /** SLoPS settings of adaptive mode (null: weights only from nominal rates). */
    public record Adaptive(long periodNanos, double widthBps, int packets, int packetBytes) {
    }

    enum State { CONNECTING, ESTABLISHED, CLOSED }

    private final Settings settings;
    private final TunDevice tun;
    private final UplinkBinder binder;
    private final LinkScheduler scheduler;
    private final TunnelPeer peer;
    private final DropCounters drops = new DropCounters();
    private final TunnelHandshake.Initiator initiator;
    /** Replaced with each session; elements are read by the timer and receiver threads. */
    private volatile LinkHealth[] health;
    private final DatagramChannel[] channels;
    private final Inet4Address[] sources;
    private final long[] lastProbe;
    private final DatagramPump pump;
    private final TimerLoop timer;
    private final Frame timerFrame = new Frame();
    private final Workers workers = new Workers();
    private final AdaptiveWeights adaptive;
    private volatile State state = State.CONNECTING;
    private volatile boolean running = true;
    private long nextAttempt;
    private long retryNanos = FIRST_RETRY_NANOS;
    private long lastRebind;
    private long lastHeardAny;
    private long lastWeightsSent;
    /** The emergency's helper while it uses the standby members (mode concentrator), else null. */
    private volatile String emergencyGateway;
    /** The bandwidth sharer while its offer puts the standby members in the bond, else null. */
    private volatile Shared shared;
    /** Set when the caps the concentrator must know changed; the timer thread sends them. */
    private volatile boolean capsChanged;
    /** Whether this session's concentrator was ever told a cap: from then on, CAPS every second. */
    private boolean capsSent;
    private long lastCapsSent;
    /** Set by other threads to have the timer thread rebind at its next tick. */
    private volatile boolean rebindNow;
    /** Set by the SLoPS thread when weights changed; the timer thread sends them (it owns timerFrame). */
    private volatile boolean weightsChanged;

    public BondDataPath(Settings settings, TunDevice tun, UplinkBinder binder) throws IOException {
        this.settings = settings;
        this.tun = tun;
        this.binder = binder;
        int n = settings.members().size();
        this.scheduler = SchedulerMode.of(settings.mode()).create(Math.max(1, n), settings.scheduler());
        for (int i = 0; i < n; i++) {
            scheduler.setUsable(i, false);
        }
        this.health = new LinkHealth[n];
        for (int i = 0; i < n; i++) {
            health[i] = new LinkHealth(healthConfig(i), new PctPdtTrendTest());
        }
        this.channels = new DatagramChannel[n];
        this.sources = new Inet4Address[n];
        this.lastProbe = new long[n];
        this.initiator = new TunnelHandshake.Initiator(settings.clientId(), settings.psk(), new SecureRandom());
        ReorderBuffer.Config rc = ReorderBuffer.Config.defaults().withSlots(TunnelPeer.REORDER_SLOTS)
                .withMaxWaitNanos(settings.reorderWaitNanos()).withAdaptive(settings.mechanisms().adaptiveReorder());
        this.peer = new TunnelPeer(Math.max(1, n), scheduler, this::send, rc, this::writeTun, drops, new Extension());
        if (!settings.mechanisms().lossRecovery()) {
            peer.recovery.enabled(false);
        }
        this.adaptive = settings.mode() == Bond.Mode.ADAPTIVE ? new AdaptiveWeights(this, settings) : null;
        if (adaptive != null) {
            adaptive.applyNominal();
        }
        this.pump = new DatagramPump("bond " + settings.bond(), new Receiver());
        this.timer = new TimerLoop("bond " + settings.bond(), TICK_NANOS, this::tick);
    }

    /**
     * Sends the packets {@code classifier} calls latency-critical as LC_COPY copies over their
     * paths (issue 17, docs/PROTOCOL.md 4.7) and keeps the first copy of each reply; null turns it
     * off. Any thread; takes effect with the next packet.
     */
    public void duplicate(net.coopwan.daemon.coop.duplication.LcClassifier classifier) {
        LcCopies old = peer.lc();
        peer.lc(classifier == null ? null : new LcCopies("bond-" + settings.bond(), peer, classifier, null));
        if (old != null) {
            old.close();
        }
        LOG.info("bond {}: LC duplication {}", settings.bond(), classifier == null ? "off" : "on");
    }

    /**
     * Loss recovery on or off (docs/PROTOCOL.md 4.8; on by default, {@code list disable
     * 'loss_recovery'} of {@code config dataplane} turns it off from the start): off, this side
     * neither holds packets for retransmission, nor reports gaps, nor answers NACKs. Any thread.
     */
    public void recovery(boolean on) {
        peer.recovery.enabled(on);
        LOG.info("bond {}: loss recovery {}", settings.bond(), on ? "on" : "off");
    }

    /** A loss recovery counter of this bond (both roles: what it sent again, what it reported missing). */
    public long recoveryCounter(net.coopwan.daemon.recovery.RecoveryCounter c) {
        return peer.recovery.get(c);
    }

    /** Member link indexes of the router's own uplinks (not through the neighbour). */
    public List<Integer> ownMembers() {
        return memberIndexes(false);
    }

    /** Member link indexes of the path through the neighbour (the standby members). */
    public List<Integer> neighbourMembers() {
        return memberIndexes(true);
    }

    private List<Integer> memberIndexes(boolean standby) {
        List<Integer> out = new java.util.ArrayList<>();
        for (int i = 0; i < settings.members().size(); i++) {
            if (settings.members().get(i).standby() == standby) {
                out.add(i);
            }
        }
        return out;
    }

    /** Whether the members through the neighbour are in the bond now (an emergency's or a sharer's). */
    public boolean neighbourMembersInUse() {
        return standbyGateway() != null;
    }

    /**
     * The next LC session id for a classifier of this bond: one counter for the data path's life,
     * so a classifier put in again (duplication off and on, a reload of {@code config latency})
     * never reuses an id the concentrator still holds a window for in this tunnel session.
     */
    public int nextLcSessionId() {
        return lcSessionIds.getAndIncrement();
    }

    private final java.util.concurrent.atomic.AtomicInteger lcSessionIds = new java.util.concurrent.atomic.AtomicInteger(1);

    /** Duplication's counters since {@link #duplicate} last turned it on (all 0 while off). */
    public LcCounters duplicationCounters() {
        return LcCounters.of(peer.lc());
    }

    public void start() {
        workers.start("bond-" + settings.bond() + "-rx", pump);
        workers.start("bond-" + settings.bond() + "-tx", this::sendLoop);
        workers.start("bond-" + settings.bond() + "-timer", timer);
        if (adaptive != null) {
            adaptive.start();
        }
        LOG.info("bond {}: data path started, {} member(s), far end {} as '{}', mode {}{}", settings.bond(),
                settings.members().size(), settings.concentrator(), settings.clientId(), settings.mode().uciName(),
                settings.mode() == Bond.Mode.ADAPTIVE ? ", scheduler " + settings.scheduler().uciName() : "");
    }

    public String name() {
        return settings.bond();
    }

    public boolean established() {
        return state == State.ESTABLISHED;
    }

    public DropCounters drops() {
        return drops;
    }

    public LinkHealth.State linkState(int member) {
        LinkHealth h = health[member];
        synchronized (h) {
            return h.state();
        }
    }

    public net.coopwan.daemon.measure.LinkHealthSnapshot linkHealth(int member) {
        return health[member].snapshot();
    }

    public double weight(int member) {
        return scheduler.weight(member);
    }

    public long txPackets(int member) {
        return peer.counters.txPackets(member);
    }

    public long txBytes(int member) {
        return peer.counters.txBytes(member);
    }

    public long rxPackets(int member) {
        return peer.counters.rxPackets(member);
    }

    public long rxBytes(int member) {
        return peer.counters.rxBytes(member);
    }

    public long droppedNoLink() {
        return peer.noLink();
    }

    /** This bond's measurement of member {@code uplink}, or null if it is not a member. */
    public net.coopwan.daemon.api.LinkMeasurement measurement(String uplink) {
        List<Member> ms = settings.members();
        for (int i = 0; i < ms.size(); i++) {
            if (ms.get(i).uplink().equals(uplink)) {
                net.coopwan.daemon.measure.LinkHealthSnapshot h = linkHealth(i);
                boolean up = h.state() == LinkHealth.State.UP;
                return new net.coopwan.daemon.api.LinkMeasurement(settings.bond(), up, h.srttNanos() / 1000,
                        h.rttvarNanos() / 1000, h.lossPercent(), up ? weight(i) : 0, txBytes(i), rxBytes(i));
            }
        }
        return null;
    }

    /** The data path in words, for status output. */
    public String describe() {
        int up = 0;
        for (int i = 0; i < members(); i++) {
            up += linkState(i) == LinkHealth.State.UP ? 1 : 0;
        }
        return switch (state) {
            case ESTABLISHED -> "established with " + hostPort() + ", " + up + " of " + members() + " links up";
            case CONNECTING -> "connecting to " + hostPort();
            case CLOSED -> "stopped";
        };
    }

    private String hostPort() {
        return settings.concentrator().getAddress().getHostAddress() + ":" + settings.concentrator().getPort();
    }

    TunnelPeer peer() {
        return peer;
    }

    LinkScheduler scheduler() {
        return scheduler;
    }

    int members() {
        return settings.members().size();
    }

    // ------------------------------------------------------------------ send side

    private void sendLoop() {
        Frame f = new Frame();
        try {
            while (running) {
                int n = tun.read(f.payloadSpace(), 250);
                if (n > 0) {
                    peer.sendData(f, n, System.nanoTime());
                }
            }
        } catch (IOException e) {
            if (running) {
                LOG.error("bond {}: TUN read failed, sending stops: {}", settings.bond(), e.getMessage());
            }
        }
    }

    private boolean send(int link, ByteBuffer datagram) {
        DatagramChannel ch = channels[link];
        if (ch == null) {
            return false;
        }
        try {
            return ch.write(datagram) > 0;
        } catch (IOException e) {
            return false; // unreachable uplink: health takes the link out
        }
    }

    private void writeTun(ByteBuffer packet) {
        try {
            tun.write(packet);
        } catch (IOException e) {
            if (running) {
                LOG.warn("bond {}: TUN write failed: {}", settings.bond(), e.getMessage());
            }
        }
    }

    /**
     * The standby members' use by bandwidth sharing's per-packet variant: through {@code gateway}
     * (the sharer), capped at its offer, {@code upKbps} by this side's buckets and {@code downKbps}
     * by the concentrator's (told in CAPS).
     */
    private record Shared(String gateway, long downKbps, long upKbps, boolean lcOnly) {
    }

    /** The standby members' gateway while they are in use (the emergency's first), else null. */
    private String standbyGateway() {
        String e = emergencyGateway;
        if (e != null) {
            return e;
        }
        Shared sh = shared;
        return sh == null ? null : sh.gateway();
    }

    /** Whether this bond has a standby member (a path through the neighbour). */
    public boolean hasStandby() {
        return settings.members().stream().anyMatch(Member::standby);
    }

    /**
     * Starts using the standby members through {@code gateway} (the helper's peer-link address).
     * The members on {@code failedDevice} (the uplink whose failure started the emergency) leave
     * the schedule at once: their own health would take the dead time (500 ms) to notice, and an
     * active-backup bond would keep sending into the dead uplink until then. They come back with
     * their health's next change to UP, or at {@link #deactivateStandby}.
     */
    public synchronized void activateStandby(String gateway, String failedDevice) {
        emergencyGateway = gateway;
        for (int i = 0; i < settings.members().size(); i++) {
            Member m = settings.members().get(i);
            if (!m.standby() && m.device().equals(failedDevice)) {
                scheduler.setUsable(i, false);
            }
        }
        // the emergency's help is the whole LAN's, not a share: no cap while it lasts
        applyStandbyCaps();
        rebindNow = true;
        LOG.info("bond {}: member path through the neighbour {} activated ({} left the schedule)", settings.bond(),
                gateway, failedDevice);
    }

    /**
     * Stops using the standby members at once: the sender skips them from now, the timer closes
     * their tunnels; the other members are in the schedule again as their health says.
     */
    public synchronized void deactivateStandby() {
        String was = emergencyGateway;
        if (was == null) {
            return;
        }
        emergencyGateway = null;
        LinkHealth[] h = health;
        Shared sh = shared;
        // a sharer's offer through the same neighbour keeps the members, capped again
        boolean keep = sh != null && sh.gateway().equals(was);
        for (int i = 0; i < settings.members().size(); i++) {
            if (settings.members().get(i).standby()) {
                if (!keep) {
                    scheduler.setUsable(i, false);
                }
            } else {
                scheduler.setUsable(i, h[i].state() == LinkHealth.State.UP);
            }
        }
        applyStandbyCaps();
        rebindNow = true;
        LOG.info("bond {}: member path through the neighbour deactivated{}", settings.bond(),
                keep ? " for the emergency; it stays in the bond for bandwidth sharing" : "");
    }

    /**
     * Bandwidth sharing's per-packet variant (seed 001 [0158]-[0165]): the standby members join
     * the schedule through the sharer at {@code gateway}, each with a token bucket at
     * {@code upKbps}, and the concentrator is told to cap what it sends through them at
     * {@code downKbps}. A new offer changes the caps at once; an offer of 0 both ways is
     * {@link #unshareStandby}. An emergency in mode concentrator takes precedence: its members are
     * uncapped, and the shared use resumes when it ends.
     */
    public synchronized void shareStandby(String gateway, long downKbps, long upKbps) {
        shareStandby(gateway, downKbps, upKbps, false);
    }

    /**
     * As {@link #shareStandby(String, long, long)}; with {@code lcOnly} (a neighbour whose agreement
     * enables duplication alone, docs/latency.md section 8) the members carry LC copies only: their
     * buckets for ordinary bonded traffic hold 0 both ways (the scheduler and the concentrator's
     * WRR never pick them), while LC copies, which go by path and not by the scheduler, use them as
     * soon as they are up. The copies' own cap is the classifier's bucket at the agreement's rate.
     */
    public synchronized void shareStandby(String gateway, long downKbps, long upKbps, boolean lcOnly) {
        if (downKbps <= 0 && upKbps <= 0) {
            unshareStandby("offer 0");
            return;
        }
        Shared was = shared;
        Shared now = new Shared(gateway, downKbps, upKbps, lcOnly);
        if (now.equals(was)) {
            return;
        }
        shared = now;
        applyStandbyCaps();
        if (was == null || !was.gateway().equals(gateway)) {
            rebindNow = true;
        }
        LOG.info("bond {}: member path through the sharer {} {}{}: at most {} kbit/s up, {} kbit/s down{}", settings.bond(),
                gateway, was == null ? "joins the bond" : "offer changed", lcOnly ? " for LC copies only" : "", upKbps, downKbps,
                emergencyGateway != null ? " once the emergency ends" : "");
    }

    /**
     * The sharer's member leaves the schedule at once (offer 0, agreement withdrawn, sharer silent):
     * the sender skips it from the next packet, the concentrator is told to send nothing through it
     * within a tick, the timer closes its tunnel.
     */
    public synchronized void unshareStandby(String why) {
        if (shared == null) {
            return;
        }
        shared = null;
        if (emergencyGateway == null) {
            for (int i = 0; i < settings.members().size(); i++) {
                if (settings.members().get(i).standby()) {
                    scheduler.setUsable(i, false);
                }
            }
            rebindNow = true;
        }
        applyStandbyCaps();
        LOG.info("bond {}: member path through the sharer leaves the bond: {}", settings.bond(), why);
    }

    /**
     * The up rate the standby members are capped at for a sharer now (kbit/s; what the sharer's
     * kernel quota sustains, {@code SharingDataPaths.carriedKbps}), 0 when nobody caps them (no
     * sharer, or an emergency, which is uncapped).
     */
    public long sharedUpKbps() {
        Shared sh = shared;
        return sh == null || emergencyGateway != null ? 0 : sh.upKbps();
    }

    /** Whether the standby members are in the bond for a sharer now (not for an emergency). */
    public boolean sharing() {
        return shared != null && emergencyGateway == null;
    }

    /**
     * The standby members' caps from who uses them: none for an emergency, the offer for a sharer,
     * and 0 when nobody does (so nothing goes there before the health takes them out).
     */
    private void applyStandbyCaps() {
        Shared sh = shared;
        boolean emergency = emergencyGateway != null;
        for (int i = 0; i < settings.members().size(); i++) {
            if (!settings.members().get(i).standby()) {
                continue;
            }
            if (emergency) {
                scheduler.uncap(i);
            } else {
                long up = sh == null || sh.lcOnly() ? 0 : sh.upKbps() * 125;
                scheduler.setCap(i, up, TokenBucket.depthFor(up));
            }
        }
        capsChanged = true;
    }

    /** The cap of member {@code i} on the way back, as CAPS carries it (kbit/s, {@link ClientSession#CAP_NONE}). */
    private long downCap(int i) {
        if (!settings.members().get(i).standby() || emergencyGateway != null) {
            return ClientSession.CAP_NONE;
        }
        Shared sh = shared;
        return sh == null || sh.lcOnly() ? 0 : sh.downKbps();
    }

    /** Timer thread only: CAPS on the first usable member, at a change and every second once sent. */
    private void sendCaps(long now) {
        int n = members();
        boolean any = false;
        ByteBuffer p = timerFrame.payloadSpace();
        for (int i = 0; i < n; i++) {
            long c = downCap(i);
            any |= c != ClientSession.CAP_NONE;
            p.putInt((int) c);
        }
        if (!any && !capsSent) {
            return; // never capped: a concentrator that knows nothing of caps needs no message
        }
        for (int i = 0; i < n; i++) {
            if (scheduler.usable(i)) {
                if (peer.sendControl(timerFrame, 4 * n, i, PacketType.CAPS, now) >= 0) {
                    capsSent = true;
                    lastCapsSent = now;
                    capsChanged = false;
                }
                return;
            }
        }
    }

    // ------------------------------------------------------------------ timer

    private void tick(long now) {
        if (now - lastRebind >= REBIND_NANOS || lastRebind == 0 || rebindNow) {
            rebindNow = false;
            lastRebind = now;
            rebind();
        }
        switch (state) {
            case CONNECTING -> {
                if (now - nextAttempt >= 0) {
                    sendInits(now);
                    nextAttempt = now + retryNanos + (long) (Math.random() * retryNanos / 4);
                    retryNanos = Math.min(MAX_RETRY_NANOS, retryNanos * 2);
                }
            }
            case ESTABLISHED -> {
                keepAlive(now);
                if (now - lastHeardAny > 2 * settings.health().deadAfterNanos()) {
                    reconnect(now, "nothing heard on any link for " + (now - lastHeardAny) / 1_000_000 + " ms");
                }
                if (adaptive != null) {
                    adaptive.onTick(now);
                }
                if (capsChanged || capsSent && now - lastCapsSent > 1_000_000_000L) {
                    sendCaps(now);
                }
                if (adaptive != null && (weightsChanged || now - lastWeightsSent > 1_000_000_000L)) {
                    weightsChanged = false;
                    lastWeightsSent = now;
                    sendWeights(now);
                }
            }
            default -> {
            }
        }
    }

    private void sendInits(long now) {
        initiator.newAttempt();
        int sent = 0;
        for (int i = 0; i < channels.length; i++) {
            if (channels[i] != null) {
                initiator.writeInit(timerFrame, i, TunnelPeer.micros(now));
                if (send(i, timerFrame.datagram())) {
                    sent++;
                }
            }
        }
        if (sent == 0) {
            LOG.debug("bond {}: no member link can send a handshake yet", settings.bond());
        }
    }

    /**
     * How often a standby member (the path through a neighbour) is probed while it may carry
     * nothing but LC copies: its probes and their echoes cross the neighbour's line, which should
     * carry only the copies (issue 17: within 5 % of them). At the bond's 50 ms they were 2.2 kB/s
     * each way, a fifth more than a game's copies at 50 packets a second (the latency benchmark),
     * and all day long while no game ran. Every 500 ms: 0.2 kB/s. Once an emergency or a sharer's
     * offer puts data on it, it is probed as every member is.
     */
    static final long STANDBY_PROBE_NANOS = 500_000_000L;

    /**
     * Member {@code i}'s health parameters. A standby member is activated because the helper
     * opened its gate for it, during an emergency: one echo proves the path, and every further
     * 50 ms is the LAN's outage; and it is declared dead after two of its slower probes
     * ({@link #STANDBY_PROBE_NANOS}) went unanswered, not after the bond's dead_after_ms.
     */
    private LinkHealthConfig healthConfig(int i) {
        LinkHealthConfig h = settings.health();
        return settings.members().get(i).standby()
                ? h.withUpAfterEchoes(1).withDeadAfterAtLeast(2 * STANDBY_PROBE_NANOS + h.probeIntervalNanos()) : h;
    }

    /** Member {@code i}'s probe interval now ({@link #STANDBY_PROBE_NANOS}). */
    private long probeInterval(int i) {
        long base = settings.health().probeIntervalNanos();
        Shared sh = shared;
        boolean copiesOnly = emergencyGateway == null && (sh == null || sh.lcOnly());
        return settings.members().get(i).standby() && copiesOnly ? Math.max(base, STANDBY_PROBE_NANOS) : base;
    }

    private void keepAlive(long now) {
        for (int i = 0; i < channels.length; i++) {
            LinkHealth h = health[i];
            boolean changed;
            synchronized (h) {
                if (channels[i] != null && now - lastProbe[i] >= probeInterval(i)) {
                    lastProbe[i] = now;
                    long pn = peer.sendControl(timerFrame, 0, i, PacketType.PROBE, now);
                    if (pn >= 0) {
                        h.onProbeSent(pn, now);
                    }
                }
                changed = h.tick(now);
            }
            if (changed) {
                boolean up = h.state() == LinkHealth.State.UP;
                // a standby member nobody uses any more stays out, whatever its last echo said
                scheduler.setUsable(i, up && (!settings.members().get(i).standby() || standbyGateway() != null));
                Member m = settings.members().get(i);
                LOG.info("bond {}: member {} ({}) {}", settings.bond(), m.uplink(), m.device(), up
                        ? "up, rtt " + h.snapshot().srttNanos() / 1000 + " µs"
                        : "down: nothing heard for " + settings.health().deadAfterNanos() / 1_000_000 + " ms");
            }
        }
    }

    /** New weights are in the scheduler: the timer thread tells the concentrator within a tick. */
    void weightsChanged() {
        weightsChanged = true;
    }

    /** Timer thread only: it owns {@link #timerFrame}. */
    private void sendWeights(long now) {
        int n = members();
        ByteBuffer p = timerFrame.payloadSpace();
        for (int i = 0; i < n; i++) {
            p.putFloat((float) weight(i));
        }
        for (int i = 0; i < n; i++) {
            if (scheduler.usable(i)) {
                peer.sendControl(timerFrame, 4 * n, i, PacketType.WEIGHTS, now);
                return;
            }
        }
    }

    private void reconnect(long now, String why) {
        state = State.CONNECTING;
        retryNanos = FIRST_RETRY_NANOS;
        nextAttempt = now;
        LOG.info("bond {}: reconnecting to {}: {}", settings.bond(), settings.concentrator(), why);
    }

    /** Binds each member's socket to its uplink's current address; rebinds when it changed. */
    private void rebind() {
        String standby = standbyGateway();
        for (int i = 0; i < channels.length; i++) {
            Member m = settings.members().get(i);
            if (m.standby() && standby == null) {
                closeChannel(i);
                continue;
            }
            String gateway = m.standby() ? standby : m.gateway();
            Optional<Inet4Address> src = binder.sourceAddress(m.device());
            Inet4Address want = src.orElse(null);
            if (Objects.equals(want, sources[i]) && (want == null || channels[i] != null)) {
                continue;
            }
            closeChannel(i);
            if (want == null) {
                LOG.info("bond {}: member {} ({}) has no IPv4 address: not used", settings.bond(), m.uplink(), m.device());
                sources[i] = null;
                continue;
            }
            try {
                binder.route(m.uplinkIndex(), m.device(), want, gateway);
                DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET);
                ch.setOption(StandardSocketOptions.SO_SNDBUF, 1 << 20);
                ch.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
                ch.bind(new InetSocketAddress(want, 0));
                ch.connect(settings.concentrator());
                pump.register(i, ch);
                channels[i] = ch;
                sources[i] = want;
                LOG.info("bond {}: member {} ({}) sends from {}", settings.bond(), m.uplink(), m.device(),
                        ch.getLocalAddress());
            } catch (IOException | RuntimeException e) {
                LOG.warn("bond {}: member {} ({}): cannot open its tunnel from {}: {}", settings.bond(), m.uplink(),
                        m.device(), want.getHostAddress(), e.getMessage());
                closeChannel(i);
            }
        }
    }

    private void closeChannel(int i) {
        DatagramChannel ch = channels[i];
        channels[i] = null;
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // closing
            }
        }
        if (sources[i] != null) {
            Member m = settings.members().get(i);
            binder.unroute(m.uplinkIndex(), m.device(), sources[i]);
            sources[i] = null;
        }
    }

    // ------------------------------------------------------------------ receive side

    private final class Receiver implements DatagramPump.Handler {
        @Override
        public void onDatagram(int index, Frame f, SocketAddress source) {
            long now = System.nanoTime();
            ByteBuffer b = f.buffer();
            PacketType type = TunnelPeer.checkedType(f, drops);
            if (type == null) {
                return;
            }
            if (type == PacketType.HANDSHAKE_RESPONSE) {
                if (state != State.CONNECTING) {
                    // the answer to an attempt the timer sent just before the session came up:
                    // taking it would switch to keys the concentrator may already have dropped
                    drops.count(TunnelDrop.HANDSHAKE_UNEXPECTED);
                    return;
                }
                SessionKeys keys = initiator.onResponse(f, drops);
                if (keys != null) {
                    established(new TunnelSession(keys), index, now);
                }
                return;
            }
            if (type == PacketType.HANDSHAKE_INIT) {
                drops.count(TunnelDrop.HANDSHAKE_UNEXPECTED);
                return;
            }
            if (TunnelHeader.link(b, 0) != index) {
                drops.count(TunnelDrop.BAD_LINK); // a link's packets come back on that link's socket
                return;
            }
            peer.onDatagram(f, now);
        }

        @Override
        public long onIdle(long nowNanos) {
            return Math.min(peer.pollReorder(nowNanos), nowNanos + 100_000_000L);
        }
    }

    private void established(TunnelSession s, int link, long now) {
        // Packet numbers restart with the session: so does what health knows of each link.
        LinkHealth[] fresh = new LinkHealth[health.length];
        for (int i = 0; i < fresh.length; i++) {
            fresh[i] = new LinkHealth(healthConfig(i), new PctPdtTrendTest());
            scheduler.setUsable(i, false);
        }
        health = fresh;
        peer.session(s);
        capsSent = false;
        capsChanged = true; // a new session may be a restarted concentrator: it knows no cap
        if (adaptive != null) {
            adaptive.onSession();
        }
        lastHeardAny = now;
        state = State.ESTABLISHED;
        retryNanos = FIRST_RETRY_NANOS;
        LOG.info("bond {}: session {} with {} established over member {}", settings.bond(),
                Integer.toHexString(s.tunnelId()), settings.concentrator(), settings.members().get(link).uplink());
        // Probe every link at once: confirms the session at the far end and brings links up.
        for (int i = 0; i < lastProbe.length; i++) {
            lastProbe[i] = now - settings.health().probeIntervalNanos();
        }
    }

    private final class Extension implements TunnelPeer.Extension {
        @Override
        public void onHeard(int link, PacketType type, int owdMicros, long nowNanos) {
            lastHeardAny = nowNanos;
            LinkHealth h = health[link];
            synchronized (h) {
                h.onPacketHeard(nowNanos);
                if (type == PacketType.PROBE_ECHO || type == PacketType.PROBE) {
                    h.onOneWayDelay(owdMicros);
                }
            }
        }

        @Override
        public void onEcho(int link, long probePn, long deliveredWireBits, long nowNanos) {
            LinkHealth h = health[link];
            long queue;
            long base;
            synchronized (h) {
                h.onProbeEcho(probePn, nowNanos);
                queue = h.queueDelayNanos();
                base = h.baseRttNanos();
            }
            if (base >= 0) {
                // earliest arrival: half the base RTT as the one-way delay (the queue our own packets
                // build is the scheduler's model, not counted twice), the OWD jitter as measured
                scheduler.setPath(link, base / 2, h.snapshot().jitterMicros() * 1000);
            }
            if (adaptive != null && deliveredWireBits >= 0) {
                adaptive.onEcho(link, nowNanos, deliveredWireBits, queue);
            }
        }

        @Override
        public long bestRttNanos() {
            long best = -1;
            LinkHealth[] hs = health;
            for (LinkHealth h : hs) {
                net.coopwan.daemon.measure.LinkHealthSnapshot s = h.snapshot();
                if (s.state() == LinkHealth.State.UP && s.srttNanos() > 0 && (best < 0 || s.srttNanos() < best)) {
                    best = s.srttNanos();
                }
            }
            return best;
        }

        @Override
        public void onControl(int link, PacketType type, Frame frame, int payloadLength, long nowNanos) {
            if (adaptive != null && type == PacketType.SLOPS_VERDICT) {
                adaptive.onVerdict(link, frame, payloadLength);
            }
        }
    }

    @Override
    public void close() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        running = false;
        if (adaptive != null) {
            adaptive.stop();
        }
        pump.stop();
        timer.stop();
        workers.join();
        for (int i = 0; i < channels.length; i++) {
            closeChannel(i);
        }
        LcCopies l = peer.lc();
        if (l != null) {
            l.close();
            l.logSummary();
        }
        LOG.info("bond {}: data path stopped; drops {}; loss recovery {} {}", settings.bond(), drops.nonZero(),
                peer.recovery.enabled() ? "on" : "off", peer.recovery.nonZero());
    }
}
