package net.coopwan.daemon.uplink.failure;

import java.io.IOException;
import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link UplinkFailureDetector} for one uplink device on a thread of its own: every
 * tick (default 25 ms) it reads the device's carrier and packet counters through a {@link
 * DeviceReader} ({@link SysfsDeviceReader}), reads the replies queued on the probers' sockets,
 * sends the probes that are due (each target every probe interval, the targets spread over it),
 * ticks the detector and calls the listener on each change. Replies are time-stamped at the tick that reads
 * them, up to one tick late: far inside the 300 ms probe timeout.
 *
 * <p>Every loop is bounded: the tick loop by {@link #close}, reading replies by {@link
 * #MAX_REPLIES_PER_TICK} per prober, sending by the number of targets. A tick that throws is
 * logged (the first, then every 1000th) and counted; the next tick runs as usual.
 *
 * <pre>
 *   List&lt;Prober&gt; probers = UplinkFailureRunner.openProbers(settings, "wan", wanAddress);
 *   UplinkFailureRunner r = new UplinkFailureRunner("wan", settings, new SysfsDeviceReader(), probers,
 *           (dev, v) -&gt; log.info("uplink {}: {}", dev, v.line()));
 *   r.start();
 *   ...
 *   r.close(); // stops the thread (bounded wait) and closes the probers
 * </pre>
 */
public final class UplinkFailureRunner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UplinkFailureRunner.class);
    /** Datagrams read per prober and tick: 10 probes/s never need more; a flood cannot hold the thread. */
    static final int MAX_REPLIES_PER_TICK = 64;
    private static final long JOIN_MILLIS = 2000;

    private final String device;
    private final UplinkFailureSettings settings;
    private final DeviceReader reader;
    private final Prober[] probers;
    private final UplinkFailureListener listener;
    private final UplinkFailureDetector detector;
    private final long tickNanos;
    private final long intervalNanos;
    private final long[] nextSendNanos;
    private final long[] nextSeq;
    private boolean scheduled;
    private long lastRx;
    private long lastTx;

    private volatile UplinkVerdict verdict;
    private volatile boolean running;
    private Thread thread;
    private volatile long ticks;
    private volatile long tickErrors;
    private volatile long listenerFailures;

    /**
     * @param device   the uplink's kernel device, e.g. {@code wan} or {@code pppoe-wan}
     * @param reader   where carrier and counters are read ({@code new SysfsDeviceReader()})
     * @param probers  one per target of {@code settings}, in the same order; this runner closes them
     * @param listener told of each change
     */
    public UplinkFailureRunner(String device, UplinkFailureSettings settings, DeviceReader reader,
                               List<? extends Prober> probers, UplinkFailureListener listener) {
        if (probers.size() != settings.targets().size()) {
            throw new IllegalArgumentException("one prober per target: " + probers.size() + " probers for "
                    + settings.targets().size() + " targets");
        }
        for (int i = 0; i < probers.size(); i++) {
            if (!probers.get(i).target().equals(settings.targets().get(i))) {
                throw new IllegalArgumentException("prober " + i + " probes " + probers.get(i).target()
                        + ", target " + i + " is " + settings.targets().get(i));
            }
        }
        this.device = device;
        this.settings = settings;
        this.reader = reader;
        this.probers = probers.toArray(new Prober[0]);
        this.listener = listener;
        this.detector = new UplinkFailureDetector(settings);
        this.tickNanos = settings.tickMs() * 1_000_000L;
        this.intervalNanos = settings.probeIntervalMs() * 1_000_000L;
        this.nextSendNanos = new long[probers.size()];
        this.nextSeq = new long[probers.size()];
        this.verdict = new UplinkVerdict(UplinkVerdict.State.HEALTHY, "starting", "not run yet", 0, 0, 1);
    }

    /**
     * Opens the real prober of each target of {@code settings} on {@code device}, bound to
     * {@code source} unless null; on failure closes those already open and throws.
     */
    public static List<Prober> openProbers(UplinkFailureSettings settings, String device, Inet4Address source)
            throws IOException {
        List<Prober> out = new ArrayList<>();
        boolean ok = false;
        try {
            for (ProbeTarget t : settings.targets()) {
                out.add(t.kind() == ProbeTarget.Kind.ICMP ? IcmpProber.open(t, device, source)
                        : UdpProber.open(t, device, source));
            }
            ok = true;
            return out;
        } finally {
            if (!ok) {
                out.forEach(Prober::close);
            }
        }
    }

    /** Starts the thread ({@code coopwan-uplink-failure-DEVICE}, a daemon thread); once. */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        running = true;
        thread = new Thread(this::loop, "coopwan-uplink-failure-" + device);
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        long next = System.nanoTime();
        while (running) {
            long now = System.nanoTime();
            try {
                step(now);
            } catch (RuntimeException e) {
                long n = ++tickErrors;
                if (n == 1 || n % 1000 == 0) {
                    LOG.warn("uplink {}: failure detection tick failed ({} so far)", device, n, e);
                }
            }
            next += tickNanos;
            long after = System.nanoTime();
            if (next < after) {
                next = after; // behind (a pause): do not burst to catch up
            }
            LockSupport.parkNanos(this, next - after);
        }
    }

    /** One tick at {@code nowNanos}; the thread's work, called directly by tests. */
    void step(long nowNanos) {
        DeviceReader.Reading dev = reader.read(device);
        if (dev != null) {
            lastRx = dev.rxPackets();
            lastTx = dev.txPackets();
            detector.onLink(dev.carrier(), lastRx, lastTx, nowNanos);
        } else {
            detector.onLink(false, lastRx, lastTx, nowNanos);
        }
        for (int i = 0; i < probers.length; i++) {
            int target = i;
            probers[i].drain(seq -> detector.onProbeReply(target, seq, nowNanos), MAX_REPLIES_PER_TICK);
        }
        if (!scheduled) {
            // Spread the targets over the interval so their probes do not leave in one burst.
            for (int i = 0; i < probers.length; i++) {
                nextSendNanos[i] = nowNanos + i * intervalNanos / probers.length;
            }
            scheduled = true;
        }
        for (int i = 0; i < probers.length; i++) {
            if (nowNanos - nextSendNanos[i] >= 0) {
                long seq = ++nextSeq[i];
                // A probe that could not leave still counts as sent: it will be lost, as it should.
                probers[i].send(seq);
                detector.onProbeSent(i, seq, nowNanos);
                nextSendNanos[i] += intervalNanos;
                if (nowNanos - nextSendNanos[i] >= 0) {
                    nextSendNanos[i] = nowNanos + intervalNanos;
                }
            }
        }
        ticks++;
        Optional<UplinkVerdict> change = detector.tick(nowNanos);
        if (change.isPresent()) {
            verdict = change.get();
            try {
                listener.onChange(device, change.get());
            } catch (RuntimeException e) {
                listenerFailures++;
                LOG.warn("uplink {}: failure listener threw", device, e);
            }
        }
    }

    public String device() {
        return device;
    }

    public UplinkFailureSettings settings() {
        return settings;
    }

    /** The last change (HEALTHY "starting" before the first); any thread. */
    public UplinkVerdict verdict() {
        return verdict;
    }

    public long ticks() {
        return ticks;
    }

    public long tickErrors() {
        return tickErrors;
    }

    public long listenerFailures() {
        return listenerFailures;
    }

    /** The detector, for tests and for a status read on the runner's own thread only. */
    UplinkFailureDetector detector() {
        return detector;
    }

    /**
     * Stops the thread, waiting at most 2 s for the tick in progress, and closes the probers.
     * Idempotent; also when never started.
     */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            running = false;
            t = thread;
        }
        if (t != null && t != Thread.currentThread()) {
            LockSupport.unpark(t);
            try {
                t.join(JOIN_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (t.isAlive()) {
                LOG.warn("uplink {}: failure detection thread still running {} ms after close", device, JOIN_MILLIS);
            }
        }
        for (Prober p : probers) {
            p.close();
        }
    }
}
