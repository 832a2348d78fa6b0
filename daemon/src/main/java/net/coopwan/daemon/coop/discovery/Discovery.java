package net.coopwan.daemon.coop.discovery;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

import net.coopwan.config.CoopwanConfig;
import net.coopwan.config.PeerLink;
import net.coopwan.daemon.api.DiscoveryStatus;
import net.coopwan.daemon.api.NearbyRouter;
import net.coopwan.daemon.coop.advert.Advert;
import net.coopwan.daemon.coop.advert.AdvertCodec;
import net.coopwan.daemon.coop.advert.AdvertFormatException;
import net.coopwan.daemon.coop.advert.AdvertInfo;
import net.coopwan.daemon.coop.advert.AdvertRateLimiter;
import net.coopwan.daemon.coop.advert.AdvertTag;
import net.coopwan.daemon.coop.advert.DropCounters;
import net.coopwan.daemon.coop.advert.DropReason;

/**
 * The discovery beacon on {@code peer.device} (seed 001 steps 302-306, [0099]-[0100]): sends
 * this router's advert as a UDP broadcast every 2 s (+/-25 %, {@link AdvertRateLimiter}),
 * receives the neighbours' adverts, and keeps {@link NearbyRouters}.
 *
 * <h2>Sockets</h2>
 * Java cannot bind a socket to a device (no SO_BINDTODEVICE), so two sockets, both on
 * {@code peer.port} with SO_REUSEADDR and SO_BROADCAST:
 * <ul>
 * <li>the <b>sender</b> is bound to the device's IPv4 address and sends to its subnet broadcast
 *     address (so the source address is the device's and the route is the device's subnet);</li>
 * <li>the <b>receiver</b> is bound to that subnet broadcast address. Linux delivers to it only
 *     datagrams addressed to that broadcast address, which arrive only on the interface holding
 *     the subnet: a wildcard (0.0.0.0) socket would also hear the port on the WAN.</li>
 * </ul>
 * Our own broadcasts loop back to the receiver; they carry our nonce from our address and are
 * ignored. When the device is missing, down or has no IPv4 address, discovery waits and retries
 * every {@value #RETRY_MS} ms; a send error closes both sockets and does the same.
 *
 * <h2>Threads</h2>
 * A timer thread ({@value #TICK_MS} ms) opens the sockets, sends periodic and triggered
 * adverts and expires the table; a receive thread decodes. Neither lets an exception out: bad
 * datagrams are counted per {@link DropReason}, anything unexpected is logged and counted.
 */
public final class Discovery implements AutoCloseable {
    static final long TICK_MS = 200;
    static final long RETRY_MS = 5000;
    /** Receive buffer: a 16-byte beacon, with room to see (and count) a longer datagram as TOO_LONG. */
    static final int RECEIVE_BUFFER = 64;
    /** State-change log lines allowed per {@value #LOG_WINDOW_MS} ms; a flood of forged routers must not flood the event log. */
    static final int LOG_BUDGET = 16;
    static final long LOG_WINDOW_MS = 10_000;

    private final PeerLink peer;
    private final int nonce;
    private final Consumer<String> log;
    private final Clock clock;
    private final LongSupplier nanos;
    private final AdvertRateLimiter limiter;
    private final NearbyRouters table;
    private final DropCounters drops = new DropCounters();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong datagrams = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final Predicate<InetAddress> systemLocal;

    private volatile AdvertInfo info;
    private volatile byte[] beacon;
    private volatile boolean triggered;
    private volatile String state = "starting";

    // Owned by the timer thread (and close()), guarded by this.
    private ScheduledExecutorService timer;
    private volatile PeerBinding binding;
    private DatagramSocket sender;
    private DatagramSocket receiver;
    private long nextAttemptNanos;
    private boolean attempted;
    private boolean closed;

    // Log budget, guarded by logLock.
    private final Object logLock = new Object();
    private long logWindowStart;
    private int logUsed;
    private int logSuppressed;

    /**
     * @param config  the configuration: {@code peer} for the sockets, offers and uplinks for the advert
     * @param log     where state-change lines go (the daemon's event log)
     * @param clock   wall time, for the rate limiter and first/last seen
     * @param nanos   monotonic time for expiry ({@code System::nanoTime})
     * @param random  draws the nonce and the jitter
     * @param isLocal whether an address is this host's, or null for the real interfaces
     */
    Discovery(CoopwanConfig config, Consumer<String> log, Clock clock, LongSupplier nanos, RandomGenerator random,
              Predicate<InetAddress> isLocal) {
        this.peer = config.peer();
        this.log = Objects.requireNonNull(log, "log");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.nanos = Objects.requireNonNull(nanos, "nanos");
        this.nonce = random.nextInt(0x10000);
        this.limiter = AdvertRateLimiter.withDefaults(clock, random);
        this.systemLocal = isLocal != null ? isLocal : Discovery::isSystemAddress;
        this.table = NearbyRouters.withDefaults(nonce, this::isLocal);
        setInfo(OwnAdvert.of(config, nonce));
        this.logWindowStart = nanos.getAsLong();
    }

    /** Discovery as the daemon runs it: system clocks, a SecureRandom nonce, the real interfaces. */
    public static Discovery create(CoopwanConfig config, Consumer<String> log) {
        return new Discovery(config, log, Clock.systemUTC(), System::nanoTime, new SecureRandom(), null);
    }

    /** Starts the timer (the sockets open on its first tick). */
    public synchronized void start() {
        if (timer != null || closed) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "coopwan-discovery");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::tick, 0, TICK_MS, TimeUnit.MILLISECONDS);
    }

    /** The peer link this instance serves; a change of it needs a new instance. */
    public PeerLink peer() {
        return peer;
    }

    /** This router's advert nonce (random per start). */
    public int nonce() {
        return nonce;
    }

    /** The information this router advertises now. */
    public AdvertInfo info() {
        return info;
    }

    /**
     * A reload: the advert is rebuilt from the new offers and uplinks (same nonce); if it changed,
     * an advert goes out at once, within the 1 s floor of the rate limiter.
     */
    public void update(CoopwanConfig config) {
        AdvertInfo next = OwnAdvert.of(config, nonce);
        if (!next.equals(info)) {
            setInfo(next);
            triggered = true;
        }
    }

    private void setInfo(AdvertInfo i) {
        info = i;
        beacon = AdvertCodec.encodeBeacon(i, AdvertTag.checksum());
    }

    // ------------------------------------------------------------------ timer

    void tick() {
        try {
            long now = nanos.getAsLong();
            synchronized (this) {
                if (closed) {
                    return;
                }
                if (sender == null && (!attempted || now - nextAttemptNanos >= 0)) {
                    open(now);
                }
                if (sender != null) {
                    boolean periodic = limiter.periodicDue(peer.device());
                    boolean trigger = !periodic && triggered && limiter.tryAcquire(peer.device());
                    if (periodic || trigger) {
                        triggered = false;
                        send(now);
                    }
                }
            }
            for (NearbyRouters.Entry e : table.expire(now)) {
                stateLine("router " + name(e) + " gone (not heard for "
                        + table.expiryNanos() / 1_000_000_000L + " s)");
            }
        } catch (RuntimeException e) {
            failures.incrementAndGet();
            stateLine("discovery tick failed: " + e);
        }
    }

    private void open(long now) {
        attempted = true;
        nextAttemptNanos = now + RETRY_MS * 1_000_000L;
        PeerBinding b;
        try {
            b = PeerBinding.resolve(peer.device());
        } catch (PeerBinding.Unusable e) {
            waiting(e.getMessage());
            return;
        }
        DatagramSocket rx = null;
        DatagramSocket tx = null;
        try {
            rx = socket(new InetSocketAddress(b.broadcast(), peer.port()));
            // Source port ephemeral: the device's address and peer.port belong to the secure
            // channel's socket (ChannelService), which must get every unicast datagram to it.
            tx = socket(new InetSocketAddress(b.address(), 0));
        } catch (IOException e) {
            closeQuietly(rx);
            closeQuietly(tx);
            waiting("cannot bind UDP " + peer.port() + " on " + peer.device() + " (" + b + "): " + e.getMessage());
            return;
        }
        binding = b;
        receiver = rx;
        sender = tx;
        state = "advertising on " + b.address().getHostAddress() + ":" + peer.port() + ", broadcast "
                + b.broadcast().getHostAddress();
        stateLine("beacon " + state + " (" + peer.device() + "), nonce " + hex(nonce) + ", offers "
                + OwnAdvert.offerNames(info) + (info.willing() ? "" : ", not willing"));
        final DatagramSocket listening = rx;
        Thread t = new Thread(() -> receiveLoop(listening), "coopwan-discovery-rx");
        t.setDaemon(true);
        t.start();
    }

    private static DatagramSocket socket(InetSocketAddress bind) throws IOException {
        DatagramSocket s = new DatagramSocket(null);
        try {
            s.setReuseAddress(true);
            s.setBroadcast(true);
            s.bind(bind);
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    private void waiting(String why) {
        String next = "waiting for " + peer.device() + ": " + why + " (retry every " + RETRY_MS / 1000 + " s)";
        if (!next.equals(state)) {
            state = next;
            stateLine("beacon " + next);
        }
    }

    private void send(long now) {
        byte[] b = beacon;
        try {
            sender.send(new DatagramPacket(b, b.length, binding.broadcast(), peer.port()));
            sent.incrementAndGet();
        } catch (IOException e) {
            failures.incrementAndGet();
            closeSockets();
            nextAttemptNanos = now + RETRY_MS * 1_000_000L;
            waiting("send failed: " + e.getMessage());
        }
    }

    // ------------------------------------------------------------------ receive

    private void receiveLoop(DatagramSocket s) {
        byte[] buf = new byte[RECEIVE_BUFFER];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        while (!s.isClosed()) {
            try {
                p.setLength(buf.length);
                s.receive(p);
            } catch (IOException e) {
                if (!s.isClosed()) {
                    // An error on an open socket: let the timer reopen rather than spin here.
                    failures.incrementAndGet();
                    synchronized (this) {
                        if (receiver == s) {
                            closeSockets();
                            waiting("receive failed: " + e.getMessage());
                        }
                    }
                }
                return;
            }
            try {
                handle(buf, 0, p.getLength(), p.getAddress(), nanos.getAsLong());
            } catch (RuntimeException e) {
                failures.incrementAndGet();
            }
        }
    }

    /**
     * One received datagram: counted, decoded with the checksum verifier, and on success put
     * into the table. Never throws for any content.
     */
    void handle(byte[] buf, int off, int len, InetAddress from, long nowNanos) {
        datagrams.incrementAndGet();
        Advert advert;
        try {
            advert = AdvertCodec.decodeBeacon(buf, off, len, AdvertTag.checksum());
        } catch (AdvertFormatException e) {
            drops.count(e);
            return;
        }
        if (from == null) {
            return;
        }
        NearbyRouters.Outcome o = table.heard(from, advert.info(), nowNanos);
        if (o == NearbyRouters.Outcome.OWN) {
            return;
        }
        accepted.incrementAndGet();
        if (o == NearbyRouters.Outcome.NEW || o == NearbyRouters.Outcome.CHANGED) {
            AdvertInfo i = advert.info();
            stateLine("router " + hex(i.nonce()) + " (" + from.getHostAddress() + ") "
                    + (o == NearbyRouters.Outcome.NEW ? "seen" : "changed") + ", offers " + OwnAdvert.offerNames(i)
                    + (i.willing() ? "" : ", not willing"));
        }
    }

    private boolean isLocal(InetAddress a) {
        PeerBinding b = binding;
        return b != null && b.address().equals(a) || systemLocal.test(a);
    }

    private static boolean isSystemAddress(InetAddress a) {
        try {
            return a.isLoopbackAddress() || NetworkInterface.getByInetAddress(a) != null;
        } catch (SocketException e) {
            return false;
        }
    }

    // ------------------------------------------------------------------ status

    /** Counters and the routers heard, for the ControlApi. */
    public DiscoveryStatus status() {
        long now = nanos.getAsLong();
        Instant wall = clock.instant();
        List<NearbyRouter> routers = new ArrayList<>();
        for (NearbyRouters.Entry e : table.snapshot(now)) {
            AdvertInfo i = e.info();
            routers.add(new NearbyRouter(e.key().address().getHostAddress(), hex(i.nonce()), i.willing(),
                    OwnAdvert.offerNames(i), i.uplinkType().name().toLowerCase(Locale.ROOT),
                    OwnAdvert.classText(i.downstreamClass()), OwnAdvert.classText(i.upstreamClass()), i.generation(),
                    wall.minusNanos(now - e.firstHeardNanos()), wall.minusNanos(now - e.lastHeardNanos()), e.adverts()));
        }
        Map<String, Long> d = new LinkedHashMap<>();
        drops.snapshot().forEach((r, n) -> d.put(r.name(), n));
        AdvertInfo own = info;
        return new DiscoveryStatus(true, peer.device(), peer.port(), state, hex(nonce),
                own.willing() ? OwnAdvert.offerNames(own) : List.of(), sent.get(), datagrams.get(), accepted.get(),
                table.ownAdverts(), d, table.evictions(), routers);
    }

    /** Drop counters (tests). */
    DropCounters drops() {
        return drops;
    }

    NearbyRouters table() {
        return table;
    }

    long failures() {
        return failures.get();
    }

    // ------------------------------------------------------------------ log

    private void stateLine(String line) {
        String out;
        synchronized (logLock) {
            long now = nanos.getAsLong();
            if (now - logWindowStart >= LOG_WINDOW_MS * 1_000_000L) {
                logWindowStart = now;
                logUsed = 0;
            }
            if (logUsed >= LOG_BUDGET) {
                logSuppressed++;
                return;
            }
            logUsed++;
            out = "peer link: " + line;
            if (logSuppressed > 0) {
                out += " (" + logSuppressed + " earlier line(s) suppressed)";
                logSuppressed = 0;
            }
        }
        try {
            log.accept(out);
        } catch (RuntimeException e) {
            failures.incrementAndGet();
        }
    }

    private static String name(NearbyRouters.Entry e) {
        return hex(e.key().nonce()) + " (" + e.key().address().getHostAddress() + ")";
    }

    static String hex(int nonce) {
        return String.format(Locale.ROOT, "%04x", nonce & 0xFFFF);
    }

    // ------------------------------------------------------------------ close

    private void closeSockets() {
        closeQuietly(receiver);
        closeQuietly(sender);
        receiver = null;
        sender = null;
        binding = null;
    }

    private static void closeQuietly(DatagramSocket s) {
        if (s != null) {
            s.close();
        }
    }

    @Override
    public void close() {
        ScheduledExecutorService t;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            t = timer;
            closeSockets();
            state = "stopped";
        }
        if (t != null) {
            t.shutdownNow();
            try {
                t.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
