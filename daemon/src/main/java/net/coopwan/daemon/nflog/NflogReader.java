package net.coopwan.daemon.nflog;

import java.io.IOException;
import java.util.Map;
import java.util.function.Consumer;

import net.coopwan.daemon.counters.EnumCounters;

/**
 * One thread reading one NFLOG group: it waits at most {@link Settings#pollMillis} for copies,
 * then reads at most {@link Settings#maxPerWake} datagrams without waiting, hands each copied
 * packet to the listener and tells it the batch is done ({@link Listener#batchDone}, also after an
 * idle wait, so time-based work runs at least that often). An overflow of the socket's buffer and
 * a broken datagram are counted and reading goes on; so does a listener that throws (logged).
 */
public final class NflogReader implements AutoCloseable {

    /** What the copies are for. Called on the reader's thread only. */
    public interface Listener {
        /** One copied packet, {@code len} bytes from {@code off}, the IP header first; valid during the call only. */
        void packet(byte[] buf, int off, int len);

        /** The end of a wake-up's batch (or of an idle wait): the time to act on what was read. */
        void batchDone();
    }

    /**
     * @param group      the NFLOG group
     * @param copyRange  bytes copied of each packet (the snap length)
     * @param maxPerWake datagrams read per wake-up before {@link Listener#batchDone}
     * @param pollMillis longest wait for copies, ms (also how long {@link #close} may take)
     */
    public record Settings(int group, int copyRange, int maxPerWake, int pollMillis) {
        public Settings {
            if (maxPerWake < 1 || pollMillis < 1 || pollMillis > 10_000) {
                throw new IllegalArgumentException("1 or more datagrams per wake-up, a wait of 1..10000 ms");
            }
        }
    }

    /** Largest datagram read: one page of copies at least, many with the queue threshold at 1. */
    static final int BUFFER = 65_536;

    private final Settings settings;
    private final NflogSocket socket;
    private final Listener listener;
    private final Consumer<String> log;
    private final EnumCounters<NflogDrop> drops = new EnumCounters<>(NflogDrop.class);
    private final Thread thread;
    private volatile boolean running = true;

    private NflogReader(Settings settings, NflogSocket socket, Listener listener, Consumer<String> log, String name) {
        this.settings = settings;
        this.socket = socket;
        this.listener = listener;
        this.log = log;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    /**
     * Opens the group on the calling thread (so in its network namespace) and starts reading;
     * throws with the reason when the group cannot be had.
     */
    public static NflogReader start(Settings settings, Listener listener, Consumer<String> log, String threadName)
            throws IOException {
        NflogSocket s = NflogSocket.open(settings.group(), settings.copyRange());
        NflogReader r = new NflogReader(settings, s, listener, log, threadName);
        r.thread.start();
        return r;
    }

    public Map<NflogDrop, Long> drops() {
        return drops.nonZero();
    }

    private void run() {
        byte[] buf = new byte[BUFFER];
        NflogMessages.Sink sink = new NflogMessages.Sink() {
            @Override
            public void packet(byte[] b, int off, int len) {
                listener.packet(b, off, len);
            }

            @Override
            public void answer(int seq, int errno) {
                // no request is outstanding once reading
            }
        };
        while (running) {
            try {
                if (socket.await(settings.pollMillis())) {
                    for (int i = 0; i < settings.maxPerWake() && running; i++) {
                        int n = socket.receive(buf);
                        if (n == -1) {
                            break;
                        }
                        if (n == NflogSocket.OVERFLOW) {
                            drops.count(NflogDrop.NFLOG_OVERFLOW);
                            continue;
                        }
                        try {
                            NflogMessages.parse(buf, n, sink);
                        } catch (NflogFormatException e) {
                            drops.count(NflogDrop.NFLOG_MALFORMED);
                        }
                    }
                }
                listener.batchDone();
            } catch (IOException e) {
                if (running) {
                    log.accept("NFLOG group " + settings.group() + ": reading stopped: " + e.getMessage());
                }
                return;
            } catch (RuntimeException e) {
                // a bug in the listener must not end learning; the next batch is read as usual
                log.accept("NFLOG group " + settings.group() + ": listener failed: " + e);
            }
        }
    }

    /** Stops the thread (within one wait) and closes the socket, which unbinds the group. */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(settings.pollMillis() + 1000L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        socket.close();
    }
}
