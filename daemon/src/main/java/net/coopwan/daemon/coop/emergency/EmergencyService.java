package net.coopwan.daemon.coop.emergency;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

import net.coopwan.daemon.api.EmergencyChanged;
import net.coopwan.daemon.api.EmergencyStatus;
import net.coopwan.daemon.coop.agreement.Agreement;
import net.coopwan.daemon.coop.agreement.Role;
import net.coopwan.daemon.coop.channel.SealedMessages;
import net.coopwan.daemon.counters.EnumCounters;

/**
 * The emergency connection on the secure channel, both roles at once (docs/PROTOCOL.md 3.12):
 *
 * <pre>
 * requester                                          helper
 *  uplink failed --REQUEST(id, mode, cause)------->  agreement(HELPER) enables emergency? quota, window?
 *                                                     no: ACK(refused, reason), counted
 *                                                     yes: path set up (worker), then
 *                <-------------ACK(grant: quota, window, tunnel port, addresses, key)--
 *  path set up (worker): LAN moved onto the helper     (a repeated REQUEST gets the same ACK)
 *  uplink back --TERMINATE(id, recovered)--------->  path removed
 *                <------------------------TERMINATE_ACK(id)--
 *  helper's owner ends it: <----TERMINATE(id, owner)--  path removed at once
 *  LAN back on the own uplink --TERMINATE_ACK(id)---->
 * </pre>
 *
 * <p>This class parses and dispatches; the roles are {@link RequesterRole} and {@link HelperRole},
 * which share an {@link EmergencyContext}. Threads and locks: {@link #onMessage} and {@link #tick}
 * come from the channel service under its lock (every 50 ms, or at once after {@link #wake}); the
 * detector and the owner call {@link #uplinkFailed}, {@link #uplinkRecovered} and {@link #endHelp},
 * which only change state here. Setting up and removing paths runs commands, so it runs on this
 * service's one worker thread ({@code emergency-paths}), in order, and reports back under this
 * object's lock only: the lock order stays channel service, then this.
 */
public final class EmergencyService implements SealedMessages, AutoCloseable {
    /**
     * How this router asks and helps; from {@code config failover}.
     *
     * @param ownConcentrators     as requester in mode concentrator: the far ends of its bonds
     * @param allowedConcentrators as helper: the only concentrators a requester's sealed packets
     *                             may go to (the seed's "pre-defined list of proxies", [0139])
     */
    public record Settings(boolean requestEnabled, EmergencyMessage.Mode mode, int helperPort, int tunnelNetwork,
            int tunnelPrefix, List<EmergencyMessage.Destination> ownConcentrators,
            List<EmergencyMessage.Destination> allowedConcentrators) {
        public Settings {
            ownConcentrators = List.copyOf(ownConcentrators);
            allowedConcentrators = List.copyOf(allowedConcentrators);
        }

        /** Mode direct, nothing to name or allow. */
        public Settings(boolean requestEnabled, EmergencyMessage.Mode mode, int helperPort, int tunnelNetwork,
                int tunnelPrefix) {
            this(requestEnabled, mode, helperPort, tunnelNetwork, tunnelPrefix, List.of(), List.of());
        }
    }

    /** What the service needs to know of the channel and the store. */
    public interface Peers {
        /** Peers with an emergency agreement where this router is the requester, in preference order. */
        List<String> helpers();

        /** The persisted agreement with {@code peerId} in {@code role}. */
        Optional<Agreement> agreement(String peerId, Role role);

        /** Whether the channel to the peer is ESTABLISHED. */
        boolean established(String peerId);

        /** The peer's address on the peer link, or null. */
        InetAddress address(String peerId);
    }

    private final EmergencyContext ctx;
    private final RequesterRole requester;
    private final HelperRole helper;

    /**
     * Removes what a killed earlier run left (its paths' counters go to the ledger first), then
     * is ready for the channel.
     */
    public EmergencyService(Settings settings, Peers peers, EmergencyPaths paths, EmergencyLedger ledger,
            Consumer<String> log, Consumer<EmergencyChanged> publish, Clock clock, LongSupplier nanos,
            RandomGenerator random) {
        this(settings, peers, paths, ledger, log, publish, clock, nanos, random, Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "emergency-paths");
            t.setDaemon(true);
            return t;
        }));
    }

    /** With the worker given: tests pass a direct executor to run set-ups in line. */
    EmergencyService(Settings settings, Peers peers, EmergencyPaths paths, EmergencyLedger ledger, Consumer<String> log,
            Consumer<EmergencyChanged> publish, Clock clock, LongSupplier nanos, RandomGenerator random,
            ExecutorService worker) {
        this.ctx = new EmergencyContext(this, settings, peers, paths, ledger, log, publish, clock, nanos, random, worker);
        this.requester = new RequesterRole(ctx);
        this.helper = new HelperRole(ctx);
        endAll("left by an earlier run");
    }

    /**
     * Removes every path and ends every emergency the ledger has running, with the final
     * counters found in the kernel (zeros where the kernel had none: that run's Java counters
     * died with it).
     */
    private void endAll(String why) {
        java.util.Map<String, EmergencyPaths.PathCounters> last = ctx.paths.clear();
        for (String name : ctx.ledger.running()) {
            EmergencyPaths.PathCounters c = last.getOrDefault(name, EmergencyPaths.PathCounters.ZERO);
            ctx.ledger.ended(name, c);
            ctx.line("path " + name + " " + why + " removed; its counters kept (" + c.bytesOut() + " B out, "
                    + c.bytesIn() + " B in, " + c.bytesDropped() + " B dropped)");
        }
    }

    /** Sets what asks the channel for an early tick (the daemon: {@code ChannelService::kick}). */
    public void wake(Runnable w) {
        ctx.wake = w;
    }

    // ------------------------------------------------------------------ detector and owner

    /** The own uplink failed ({@code evidence}: the detector's line); a helper is asked at once. */
    public synchronized void uplinkFailed(EmergencyMessage.Cause cause, String evidence) {
        requester.uplinkFailed(cause, evidence);
    }

    /** The own uplink works again: the LAN goes back to it and the helper is told. */
    public synchronized void uplinkRecovered(String evidence) {
        requester.uplinkRecovered(evidence);
    }

    /** The helper's owner ends the help for {@code requesterId}; false if there is none. */
    public synchronized boolean endHelp(String requesterId, String via) {
        return helper.endHelp(requesterId, via);
    }

    // ------------------------------------------------------------------ channel side

    @Override
    public synchronized void onMessage(String peerId, ByteBuffer plaintext, long now, Sender sender) {
        EmergencyMessage m;
        try {
            m = EmergencyCodec.parse(plaintext);
        } catch (EmergencyFormatException e) {
            ctx.drops.count(EmergencyDrop.EMERGENCY_MALFORMED);
            return;
        }
        if (m instanceof EmergencyMessage.Request r) {
            helper.onRequest(peerId, r, now, sender);
        } else if (m instanceof EmergencyMessage.Ack a) {
            requester.onAck(peerId, a, now);
        } else if (m instanceof EmergencyMessage.Terminate t) {
            // every copy is answered: our TERMINATE_ACK may have been lost
            ctx.send(sender, peerId, new EmergencyMessage.TerminateAck(t.emergencyId()));
            if (!requester.onTerminate(peerId, t, now) && !helper.onTerminate(peerId, t)) {
                ctx.drops.count(EmergencyDrop.EMERGENCY_UNEXPECTED);
            }
        } else {
            EmergencyMessage.TerminateAck t = (EmergencyMessage.TerminateAck) m;
            if (!requester.onTerminateAck(peerId, t, now) && !helper.onTerminateAck(peerId, t)) {
                ctx.drops.count(EmergencyDrop.EMERGENCY_UNEXPECTED);
            }
        }
    }

    @Override
    public synchronized void tick(long now, Sender sender) {
        requester.tick(now, sender);
        helper.tick(now, sender);
    }

    // ------------------------------------------------------------------ status

    public synchronized EmergencyStatus status() {
        long now = ctx.nanos.getAsLong();
        Instant wall = ctx.clock.instant();
        List<EmergencyStatus.Total> totals = ctx.ledger.totals();
        long started = 0;
        for (EmergencyStatus.Total t : totals) {
            started += t.started();
        }
        return new EmergencyStatus(requester.status(now, wall), helper.status(now, wall), started, counters(), totals);
    }

    @Override
    public Map<String, Long> counters() {
        Map<String, Long> m = new LinkedHashMap<>();
        ctx.drops.nonZero().forEach((k, v) -> m.put(k.name(), v));
        return m;
    }

    public EnumCounters<EmergencyDrop> drops() {
        return ctx.drops;
    }

    /** Removes every path (the owner's stop); waits up to 5 s for the worker. */
    @Override
    public void close() {
        ctx.worker.execute(() -> endAll("at stop"));
        ctx.worker.shutdown();
        try {
            ctx.worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** For tests: the requester's state name. */
    synchronized String requesterState() {
        return requester.state();
    }

    /** For tests: the helper's sessions by requester. */
    synchronized Map<String, String> helperStates() {
        return helper.states();
    }
}
