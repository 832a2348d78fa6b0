package net.coopwan.daemon.coop.emergency;

import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

import net.coopwan.daemon.api.EmergencyChanged;
import net.coopwan.daemon.coop.channel.SealedMessages;
import net.coopwan.daemon.counters.EnumCounters;

/**
 * What the two roles share: the configuration, the channel's and the store's view, the paths,
 * the one worker thread, the counters, the log and the clock. Both roles' state is guarded by
 * {@link #lock} (the {@link EmergencyService}): the channel calls in under its own lock, the worker
 * and the detector take this one only, so the lock order stays channel service, then this.
 */
final class EmergencyContext {
    final EmergencyService.Settings settings;
    final EmergencyService.Peers peers;
    final EmergencyPaths paths;
    final Clock clock;
    final LongSupplier nanos;
    final RandomGenerator random;
    final ExecutorService worker;
    final EnumCounters<EmergencyDrop> drops = new EnumCounters<>(EmergencyDrop.class);
    final Object lock;
    private final Consumer<String> log;
    private final Consumer<EmergencyChanged> publish;
    /** Asks the channel for a tick now: a decided message then leaves at once, not at the next 50 ms. */
    volatile Runnable wake = () -> { };
    /** Where starts and final counters are kept across restarts. */
    final EmergencyLedger ledger;

    EmergencyContext(Object lock, EmergencyService.Settings settings, EmergencyService.Peers peers, EmergencyPaths paths,
            EmergencyLedger ledger, Consumer<String> log, Consumer<EmergencyChanged> publish, Clock clock,
            LongSupplier nanos, RandomGenerator random, ExecutorService worker) {
        this.lock = lock;
        this.ledger = ledger;
        this.settings = settings;
        this.peers = peers;
        this.paths = paths;
        this.log = log;
        this.publish = publish;
        this.clock = clock;
        this.nanos = nanos;
        this.random = random;
        this.worker = worker;
    }

    boolean send(SealedMessages.Sender sender, String peerId, EmergencyMessage m) {
        return sender.send(peerId, EmergencyCodec.encode(m));
    }

    void publish(String peerId, String role, boolean start, String reason) {
        try {
            publish.accept(new EmergencyChanged(peerId, role, start, reason, clock.instant()));
        } catch (RuntimeException e) {
            // a front-end's listener never stops the emergency
        }
    }

    void line(String text) {
        try {
            log.accept("emergency: " + text);
        } catch (RuntimeException e) {
            // the log is best effort
        }
    }

    /** Worker thread: removes the helper's path for {@code requesterId} and adds its last counters to the ledger. */
    void closeHelp(String requesterId, String pathName) {
        EmergencyPaths.PathCounters last = paths.closeHelp(requesterId);
        if (pathName != null) {
            ledger.ended(pathName, last);
        }
    }

    /** Worker thread: takes the LAN off the helper and adds the path's last counters to the ledger. */
    void uncarry(String helperId, String pathName) {
        EmergencyPaths.PathCounters last = paths.uncarry(helperId);
        if (pathName != null) {
            ledger.ended(pathName, last);
        }
    }

    static String hex(long id) {
        return String.format("%08x", id);
    }

    static String reasonOf(Exception e) {
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
