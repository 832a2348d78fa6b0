package net.coopwan.daemon.coop.emergency;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
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

import net.coopwan.config.CooperationType;
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
 * <p>Threads and locks: {@link #onMessage} and {@link #tick} come from the channel service under
 * its lock (every 50 ms); the detector and the owner call {@link #uplinkFailed},
 * {@link #uplinkRecovered} and {@link #endHelp}, which only change state here. Setting up and
 * removing paths runs commands, so it runs on this service's one worker thread, in order, and
 * reports back under this object's lock only: the lock order stays channel service, then this.
 * Messages decided by the worker leave on the next tick.
 */
public final class EmergencyService implements SealedMessages, AutoCloseable {
    /** Requesters one helper carries at once: one tunnel port and inner address each. */
    public static final int MAX_REQUESTERS = 4;
    /** After a refusal, or after the helper ended an emergency, ask again no sooner than this. */
    static final long ASK_AGAIN_NANOS = 30_000_000_000L;
    /**
     * The requester repeats its REQUEST this often while it is carried: the repeat is a lease.
     * A requester that was killed or restarted forgets its emergency and stops repeating, with
     * or without a channel, and the helper must not keep its quota open for it.
     */
    static final long LEASE_REFRESH_NANOS = 1_000_000_000L;
    /** The helper ends its help after this long without a repeat: the channel's dead time. */
    static final long LEASE_NANOS = 5_000_000_000L;
    /**
     * The requester gives up a helper whose channel has been down this long while it carries
     * the LAN (the helper restarted or its peer link is gone) and asks again: longer than the
     * channel's own 5 s death time would be lost time, so it is the channel's state that counts.
     */
    static final long HELPER_LOST_NANOS = 2_000_000_000L;
    /** Ended emergency ids remembered per requester, so late REQUEST copies start nothing. */
    static final int ENDED_IDS = 16;

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

    private final Settings settings;
    private final Peers peers;
    private final EmergencyPaths paths;
    private final Consumer<String> log;
    private final Consumer<EmergencyChanged> publish;
    private final Clock clock;
    private final LongSupplier nanos;
    private final RandomGenerator random;
    private final ExecutorService worker;
    private final EnumCounters<EmergencyDrop> drops = new EnumCounters<>(EmergencyDrop.class);

    private long nextId;
    private long started;
    /** Asks the channel for a tick now: a decided message then leaves at once, not at the next 50 ms. */
    private volatile Runnable wake = () -> { };
    // requester
    private boolean uplinkFailed;
    private EmergencyMessage.Cause failCause;
    private String failEvidence = "";
    private long askAgainAt;
    private boolean askAgainSet;
    private RequesterSession session;
    private String lastState = "NORMAL";
    private long lastStateNanos;
    private String lastReason = "";
    private long helperLostSince = -1;
    // helper
    private final Map<String, HelperSession> helping = new LinkedHashMap<>();
    private final Map<String, Deque<Long>> ended = new HashMap<>();
    private final List<EmergencyMessage> pendingOut = new ArrayList<>();
    private final List<String> pendingOutTo = new ArrayList<>();

    public EmergencyService(Settings settings, Peers peers, EmergencyPaths paths, Consumer<String> log,
            Consumer<EmergencyChanged> publish, Clock clock, LongSupplier nanos, RandomGenerator random) {
        this(settings, peers, paths, log, publish, clock, nanos, random, Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "emergency-paths");
            t.setDaemon(true);
            return t;
        }));
    }

    /** With the worker given: tests pass a direct executor to run set-ups in line. */
    EmergencyService(Settings settings, Peers peers, EmergencyPaths paths, Consumer<String> log,
            Consumer<EmergencyChanged> publish, Clock clock, LongSupplier nanos, RandomGenerator random,
            ExecutorService worker) {
        this.settings = settings;
        this.peers = peers;
        this.paths = paths;
        this.log = log;
        this.publish = publish;
        this.clock = clock;
        this.nanos = nanos;
        this.random = random;
        this.worker = worker;
        // a random start: ids of a restarted router do not collide with those its helper remembers
        this.nextId = random.nextLong() & 0xffff_ffffL;
        this.lastStateNanos = nanos.getAsLong();
    }

    /** Sets what asks the channel for an early tick (the daemon: {@code ChannelService::kick}). */
    public void wake(Runnable w) {
        this.wake = w;
    }

    // ------------------------------------------------------------------ detector and owner

    /** The own uplink failed ({@code evidence}: the detector's line). Asks a helper on the next tick. */
    public synchronized void uplinkFailed(EmergencyMessage.Cause cause, String evidence) {
        if (uplinkFailed) {
            return;
        }
        uplinkFailed = true;
        failCause = cause;
        failEvidence = evidence;
        askAgainSet = false;
        if (!settings.requestEnabled()) {
            line("uplink failed (" + evidence + "); not asking a neighbour: emergency requests are off (failover.enabled 0)");
        }
        wake.run();
    }

    /** The own uplink works again: the LAN goes back to it and the helper is told. */
    public synchronized void uplinkRecovered(String evidence) {
        if (!uplinkFailed) {
            return;
        }
        uplinkFailed = false;
        askAgainSet = false;
        RequesterSession s = session;
        if (s == null) {
            return;
        }
        long now = nanos.getAsLong();
        if (s.state == RequesterSession.State.ENDING) {
            return;
        }
        boolean held = s.holdsPath();
        s.ending(EmergencyMessage.EndReason.RECOVERED, now);
        if (held) {
            worker.execute(() -> {
                uncarry(s, "uplink recovered (" + evidence + ")");
                wake.run();
            });
        } else {
            requesterState("ENDING", s.helperId, "uplink recovered before the helper answered (" + evidence + ")", now);
            wake.run();
        }
    }

    /** The helper's owner ends the help for {@code requesterId}; false if there is none. */
    public synchronized boolean endHelp(String requesterId, String via) {
        HelperSession h = helping.get(requesterId);
        if (h == null || h.state == HelperSession.State.ENDING) {
            return false;
        }
        endHelping(h, EmergencyMessage.EndReason.OWNER_ENDED, "ended by the owner via " + via);
        wake.run();
        return true;
    }

    private void endHelping(HelperSession h, EmergencyMessage.EndReason why, String text) {
        long now = nanos.getAsLong();
        boolean hadPath = h.state != HelperSession.State.ENDING;
        h.ending(why, now);
        remember(h.requesterId, h.id);
        line("helping " + h.requesterId + " ends: " + text + "; telling it (emergency " + hex(h.id) + ")");
        if (hadPath) {
            worker.execute(() -> {
                paths.closeHelp(h.requesterId);
                publish(h.requesterId, "helper", false, text);
            });
        }
    }

    // ------------------------------------------------------------------ channel side

    @Override
    public synchronized void onMessage(String peerId, ByteBuffer plaintext, long now, Sender sender) {
        EmergencyMessage m;
        try {
            m = EmergencyCodec.parse(plaintext);
        } catch (EmergencyFormatException e) {
            drops.count(EmergencyDrop.EMERGENCY_MALFORMED);
            return;
        }
        if (m instanceof EmergencyMessage.Request r) {
            onRequest(peerId, r, now, sender);
        } else if (m instanceof EmergencyMessage.Ack a) {
            onAck(peerId, a, now);
        } else if (m instanceof EmergencyMessage.Terminate t) {
            onTerminate(peerId, t, now, sender);
        } else {
            onTerminateAck(peerId, (EmergencyMessage.TerminateAck) m);
        }
    }

    @Override
    public synchronized void tick(long now, Sender sender) {
        for (int i = 0; i < pendingOut.size(); i++) {
            send(sender, pendingOutTo.get(i), pendingOut.get(i));
        }
        pendingOut.clear();
        pendingOutTo.clear();
        requesterTick(now, sender);
        helperTick(now, sender);
    }

    private void requesterTick(long now, Sender sender) {
        RequesterSession s = session;
        if (s == null) {
            if (uplinkFailed && settings.requestEnabled() && (!askAgainSet || now - askAgainAt >= 0)) {
                startRequest(now);
                s = session;
            }
            if (s == null) {
                return;
            }
        }
        if (s.holdsPath()) {
            if (peers.established(s.helperId)) {
                helperLostSince = -1;
            } else if (helperLostSince < 0) {
                helperLostSince = now;
            } else if (now - helperLostSince >= HELPER_LOST_NANOS) {
                helperLostSince = -1;
                session = null;
                String helper = s.helperId;
                String why = "the channel to " + helper + " has been down for " + HELPER_LOST_NANOS / 1_000_000 + " ms";
                requesterState("NORMAL", null, why + "; asking again while the uplink is down", now);
                worker.execute(() -> {
                    paths.uncarry(helper);
                    publish(helper, "requester", false, why);
                });
                return;
            }
        }
        if (s.holdsPath() && now - s.leaseSentNanos >= LEASE_REFRESH_NANOS) {
            s.leaseSentNanos = now;
            send(sender, s.helperId, s.request());
        }
        if (s.state == RequesterSession.State.REQUESTING && s.resend.due(now)) {
            if (!peers.established(s.helperId)) {
                // keep asking on the next due time: the channel may come back, or another helper may be up
                s.resend.sent(now);
                return;
            }
            send(sender, s.helperId, s.request());
            s.resend.sent(now);
        } else if (s.state == RequesterSession.State.ENDING) {
            if (s.resend.givenUp(now)) {
                drops.count(EmergencyDrop.EMERGENCY_GAVE_UP);
                line("no TERMINATE_ACK from " + s.helperId + " for 10 s; emergency " + hex(s.id) + " is over here");
                session = null;
                requesterState("NORMAL", null, "terminate unanswered", now);
            } else if (s.resend.due(now)) {
                send(sender, s.helperId, new EmergencyMessage.Terminate(s.id, s.endReason));
                s.resend.sent(now);
            }
        }
    }

    private void startRequest(long now) {
        List<String> candidates = peers.helpers();
        String helper = null;
        for (String p : candidates) {
            if (peers.established(p)) {
                helper = p;
                break;
            }
        }
        if (helper == null) {
            if (!askAgainSet) {
                line("uplink failed (" + failEvidence + "); no neighbour to ask: "
                        + (candidates.isEmpty() ? "no emergency agreement as requester" : "no channel up to " + candidates));
            }
            askAgainSet = true;
            askAgainAt = now + 1_000_000_000L;
            return;
        }
        if (settings.mode() == EmergencyMessage.Mode.CONCENTRATOR && settings.ownConcentrators().isEmpty()) {
            if (!askAgainSet) {
                line("uplink failed (" + failEvidence + "); mode concentrator, but no bond has a concentrator to reach");
            }
            askAgainSet = true;
            askAgainAt = now + ASK_AGAIN_NANOS;
            return;
        }
        long id = nextId;
        nextId = (nextId + 1) & 0xffff_ffffL;
        session = new RequesterSession(id, helper, settings.mode(), failCause, failEvidence,
                settings.mode() == EmergencyMessage.Mode.CONCENTRATOR ? settings.ownConcentrators() : List.of(), now);
        requesterState("REQUESTING", helper, "uplink failed: " + failEvidence + "; asking " + helper + " (emergency "
                + hex(id) + ", " + settings.mode().name().toLowerCase() + ")", now);
    }

    private void helperTick(long now, Sender sender) {
        for (var it = helping.values().iterator(); it.hasNext();) {
            HelperSession h = it.next();
            if (h.state == HelperSession.State.HELPING && h.ackDue) {
                h.ackDue = !send(sender, h.requesterId, h.ack);
            } else if (h.state == HelperSession.State.ENDING) {
                if (h.resend.givenUp(now)) {
                    drops.count(EmergencyDrop.EMERGENCY_GAVE_UP);
                    line("no TERMINATE_ACK from " + h.requesterId + " for 10 s; help ends here");
                    it.remove();
                    continue;
                }
                if (h.resend.due(now)) {
                    send(sender, h.requesterId, new EmergencyMessage.Terminate(h.id, h.endReason));
                    h.resend.sent(now);
                }
            }
            if (h.state == HelperSession.State.HELPING) {
                checkStillAllowed(h, now);
            }
        }
    }

    /** The agreement may be withdrawn and the requester may vanish: either ends the help. */
    private void checkStillAllowed(HelperSession h, long now) {
        if (now - h.leaseNanos >= LEASE_NANOS) {
            endHelping(h, EmergencyMessage.EndReason.CANNOT_CARRY, "no request from it for "
                    + (now - h.leaseNanos) / 1_000_000 + " ms (its lease ran out: restarted, stopped or cut off)");
            return;
        }
        // once a second is enough to notice a withdrawn agreement, and keeps store reads rare
        if (now - h.agreementCheckedNanos >= 1_000_000_000L) {
            h.agreementCheckedNanos = now;
            Optional<Agreement> a = peers.agreement(h.requesterId, Role.HELPER);
            if (a.isEmpty() || !a.get().enables(CooperationType.EMERGENCY)) {
                endHelping(h, EmergencyMessage.EndReason.AGREEMENT_WITHDRAWN, "the emergency agreement was withdrawn");
            }
        }
    }

    private boolean send(Sender sender, String peerId, EmergencyMessage m) {
        return sender.send(peerId, EmergencyCodec.encode(m));
    }

    // ------------------------------------------------------------------ helper: requests

    private void onRequest(String peerId, EmergencyMessage.Request r, long now, Sender sender) {
        HelperSession h = helping.get(peerId);
        if (h != null && h.id == r.emergencyId()) {
            h.leaseNanos = now;
            if (h.state == HelperSession.State.HELPING) {
                h.ackDue = true; // a lost ACK, or the lease's repeat: the same grant again
            }
            return; // PREPARING: the ACK follows when the path is ready; ENDING: the TERMINATE is on its way
        }
        Deque<Long> done = ended.get(peerId);
        if (done != null && done.contains(r.emergencyId())) {
            drops.count(EmergencyDrop.EMERGENCY_STALE);
            return;
        }
        Optional<Agreement> a = peers.agreement(peerId, Role.HELPER);
        if (a.isEmpty() || !a.get().enables(CooperationType.EMERGENCY)) {
            refuse(peerId, r, EmergencyMessage.Refusal.NO_AGREEMENT, EmergencyDrop.EMERGENCY_REFUSED_NO_AGREEMENT,
                    "no emergency agreement with this router as helper", sender);
            return;
        }
        Map<String, Long> agreed = a.get().enabled().get(CooperationType.EMERGENCY);
        long quota = agreed.getOrDefault("quota_bytes", 0L);
        long window = agreed.getOrDefault("window_ms", 0L);
        if (quota < 1 || window < 1) {
            refuse(peerId, r, EmergencyMessage.Refusal.NOT_ENABLED, EmergencyDrop.EMERGENCY_REFUSED_NO_AGREEMENT,
                    "the agreement has no quota_bytes and window_ms", sender);
            return;
        }
        if (r.quotaBytes() > quota || r.windowMs() > window) {
            refuse(peerId, r, EmergencyMessage.Refusal.OVER_AGREEMENT, EmergencyDrop.EMERGENCY_REFUSED_OVER_AGREEMENT,
                    "asked " + r.quotaBytes() + " B per " + r.windowMs() + " ms; agreed at most " + quota + " B per "
                            + window + " ms", sender);
            return;
        }
        for (EmergencyMessage.Destination d : r.destinations()) {
            if (!settings.allowedConcentrators().contains(d)) {
                refuse(peerId, r, EmergencyMessage.Refusal.DESTINATION_NOT_ALLOWED,
                        EmergencyDrop.EMERGENCY_REFUSED_DESTINATION, "concentrator " + d + " is not in this helper's list ("
                                + (settings.allowedConcentrators().isEmpty() ? "empty: failover.concentrator"
                                        : settings.allowedConcentrators().toString()) + ")", sender);
                return;
            }
        }
        if (h != null) {
            // a new emergency from the same requester (it restarted): the old one is over
            line("helping " + peerId + ": a new emergency " + hex(r.emergencyId()) + " replaces " + hex(h.id));
            remember(peerId, h.id);
            helping.remove(peerId);
            HelperSession old = h;
            worker.execute(() -> paths.closeHelp(old.requesterId));
        }
        int slot = freeSlot();
        if (slot < 0) {
            refuse(peerId, r, EmergencyMessage.Refusal.BUSY, EmergencyDrop.EMERGENCY_REFUSED_BUSY,
                    "already carrying " + MAX_REQUESTERS + " neighbours", sender);
            return;
        }
        long useWindow = r.windowMs() == 0 ? window : r.windowMs();
        long useQuota = Math.min(r.quotaBytes() == 0 ? quota : r.quotaBytes(),
                bandwidthCeiling(agreed.getOrDefault("bandwidth_kbps", 0L), useWindow));
        byte[] key = new byte[EmergencyCodec.KEY_BYTES];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) random.nextInt(256);
        }
        EmergencyMessage.Grant grant = new EmergencyMessage.Grant(useQuota, useWindow, settings.helperPort() + slot,
                settings.tunnelNetwork() + 2 + slot, settings.tunnelNetwork() + 1, settings.tunnelPrefix(), key);
        HelperSession fresh = new HelperSession(r.emergencyId(), peerId, r.mode(), r.cause(), grant, slot,
                r.destinations(), now);
        helping.put(peerId, fresh);
        line("helping " + peerId + ": emergency " + hex(r.emergencyId()) + " requested (" + r.cause().name().toLowerCase()
                + "); agreement allows " + useQuota + " B per " + useWindow + " ms; setting up");
        InetAddress addr = peers.address(peerId);
        worker.execute(() -> prepare(fresh, addr));
    }

    /**
     * The agreement's {@code bandwidth_kbps} as bytes per window ([0115]'s "amount of bandwidth"):
     * both ceilings the owner approved hold, so the quota is the lower of the two. No bandwidth
     * in the agreement: no ceiling from it.
     */
    static long bandwidthCeiling(long kbps, long windowMs) {
        if (kbps <= 0) {
            return Long.MAX_VALUE;
        }
        return Math.max(1, kbps * windowMs / 8);
    }

    private void prepare(HelperSession h, InetAddress requesterAddress) {
        String error = null;
        try {
            paths.openHelp(h.requesterId, requesterAddress, h.mode, h.grant, h.destinations);
        } catch (Exception e) {
            error = e.getMessage() == null ? e.toString() : e.getMessage();
        }
        boolean publishStart = false;
        synchronized (this) {
            if (helping.get(h.requesterId) != h || h.state != HelperSession.State.PREPARING) {
                return; // ended or replaced while setting up; whoever ended it removes the path
            }
            if (error != null) {
                helping.remove(h.requesterId);
                remember(h.requesterId, h.id);
                drops.count(EmergencyDrop.EMERGENCY_SETUP_FAILED);
                line("helping " + h.requesterId + ": set-up failed: " + error);
                queue(h.requesterId, EmergencyMessage.Ack.refused(h.id, EmergencyMessage.Refusal.SETUP_FAILED, error));
            } else {
                h.ready();
                started++;
                publishStart = true;
                line("helping " + h.requesterId + " since now: carrying its traffic, at most " + h.grant.quotaBytes()
                        + " B per " + h.grant.windowMs() + " ms (emergency " + hex(h.id) + ")");
            }
        }
        wake.run(); // the ACK (or the refusal) leaves now
        if (error != null) {
            paths.closeHelp(h.requesterId);
        }
        if (publishStart) {
            publish(h.requesterId, "helper", true, "requested: " + h.cause.name().toLowerCase());
        }
    }

    private void refuse(String peerId, EmergencyMessage.Request r, EmergencyMessage.Refusal why, EmergencyDrop counted,
            String text, Sender sender) {
        drops.count(counted);
        line("refused emergency " + hex(r.emergencyId()) + " from " + peerId + ": " + text);
        send(sender, peerId, EmergencyMessage.Ack.refused(r.emergencyId(), why, text));
    }

    private int freeSlot() {
        boolean[] used = new boolean[MAX_REQUESTERS];
        for (HelperSession h : helping.values()) {
            used[h.slot] = true;
        }
        int hosts = (1 << (32 - settings.tunnelPrefix())) - 2;
        for (int i = 0; i < MAX_REQUESTERS && i + 2 <= hosts; i++) {
            if (!used[i]) {
                return i;
            }
        }
        return -1;
    }

    private void remember(String peerId, long id) {
        Deque<Long> d = ended.computeIfAbsent(peerId, k -> new ArrayDeque<>());
        d.addLast(id);
        while (d.size() > ENDED_IDS) {
            d.removeFirst();
        }
    }

    // ------------------------------------------------------------------ requester: answers

    private void onAck(String peerId, EmergencyMessage.Ack a, long now) {
        RequesterSession s = session;
        if (s != null && s.helperId.equals(peerId) && s.id == a.emergencyId() && s.holdsPath() && a.accepted()) {
            return; // the answer to the lease's repeat
        }
        if (s == null || !s.helperId.equals(peerId) || s.id != a.emergencyId()
                || s.state != RequesterSession.State.REQUESTING) {
            drops.count(EmergencyDrop.EMERGENCY_UNEXPECTED);
            return;
        }
        if (!a.accepted()) {
            session = null;
            askAgainSet = true;
            askAgainAt = now + ASK_AGAIN_NANOS;
            requesterState("NORMAL", null, peerId + " refused emergency " + hex(s.id) + ": " + a.reason()
                    + "; asking again in " + ASK_AGAIN_NANOS / 1_000_000_000L + " s if the uplink is still down", now);
            return;
        }
        s.granted(a.grant(), now);
        requesterState("STARTING", peerId, peerId + " granted " + a.grant().quotaBytes() + " B per "
                + a.grant().windowMs() + " ms; moving the LAN onto it", now);
        InetAddress helperAddress = peers.address(peerId);
        worker.execute(() -> carry(s, helperAddress));
    }

    private void carry(RequesterSession s, InetAddress helperAddress) {
        String error = null;
        try {
            paths.carry(s.helperId, helperAddress, s.mode, s.grant);
        } catch (Exception e) {
            error = e.getMessage() == null ? e.toString() : e.getMessage();
        }
        boolean ok;
        synchronized (this) {
            if (session != s || s.state != RequesterSession.State.STARTING) {
                return; // ended while setting up: the queued uncarry follows on this thread
            }
            long now = nanos.getAsLong();
            ok = error == null;
            if (ok) {
                started++;
                s.carried(now);
                requesterState("CARRIED", s.helperId, "carried by neighbour " + s.helperId + " (" + s.reason + ")", now);
            } else {
                s.ending(EmergencyMessage.EndReason.REQUESTER_ENDED, now);
                askAgainSet = true;
                askAgainAt = now + ASK_AGAIN_NANOS;
                requesterState("ENDING", s.helperId, "could not move the LAN onto " + s.helperId + ": " + error, now);
            }
        }
        if (ok) {
            publish(s.helperId, "requester", true, s.reason);
        } else {
            paths.uncarry(s.helperId);
        }
    }

    private void uncarry(RequesterSession s, String why) {
        paths.uncarry(s.helperId);
        synchronized (this) {
            if (session == s) {
                requesterState("ENDING", s.helperId, "LAN back on the own uplink: " + why, nanos.getAsLong());
            }
        }
        publish(s.helperId, "requester", false, why);
    }

    private void onTerminate(String peerId, EmergencyMessage.Terminate t, long now, Sender sender) {
        // every copy is answered: our TERMINATE_ACK may have been lost
        send(sender, peerId, new EmergencyMessage.TerminateAck(t.emergencyId()));
        RequesterSession s = session;
        if (s != null && s.helperId.equals(peerId) && s.id == t.emergencyId()) {
            boolean held = s.holdsPath();
            session = null;
            // the helper's owner decided: not asked again for this failure before the pause
            askAgainSet = true;
            askAgainAt = now + ASK_AGAIN_NANOS;
            String why = "ended by " + peerId + ": " + t.reason().text();
            requesterState("NORMAL", null, why, now);
            if (held) {
                worker.execute(() -> {
                    paths.uncarry(s.helperId);
                    publish(s.helperId, "requester", false, why);
                });
            }
            return;
        }
        HelperSession h = helping.get(peerId);
        if (h != null && h.id == t.emergencyId()) {
            helping.remove(peerId);
            remember(peerId, h.id);
            String why = "ended by " + peerId + ": " + t.reason().text();
            if (h.state != HelperSession.State.ENDING) {
                line("helping " + peerId + " " + why + " (emergency " + hex(h.id) + ")");
                worker.execute(() -> {
                    paths.closeHelp(peerId);
                    publish(peerId, "helper", false, why);
                });
            }
            return;
        }
        drops.count(EmergencyDrop.EMERGENCY_UNEXPECTED);
    }

    private void onTerminateAck(String peerId, EmergencyMessage.TerminateAck t) {
        RequesterSession s = session;
        long now = nanos.getAsLong();
        if (s != null && s.helperId.equals(peerId) && s.id == t.emergencyId() && s.state == RequesterSession.State.ENDING) {
            session = null;
            requesterState("NORMAL", null, peerId + " confirmed the end of emergency " + hex(s.id), now);
            return;
        }
        HelperSession h = helping.get(peerId);
        if (h != null && h.id == t.emergencyId() && h.state == HelperSession.State.ENDING) {
            helping.remove(peerId);
            line("helping " + peerId + ": it confirmed the end of emergency " + hex(h.id));
            return;
        }
        drops.count(EmergencyDrop.EMERGENCY_UNEXPECTED);
    }

    private void queue(String peerId, EmergencyMessage m) {
        pendingOutTo.add(peerId);
        pendingOut.add(m);
    }

    // ------------------------------------------------------------------ status

    public synchronized EmergencyStatus status() {
        long now = nanos.getAsLong();
        Instant wall = clock.instant();
        RequesterSession s = session;
        EmergencyStatus.Requester req;
        if (s == null) {
            req = new EmergencyStatus.Requester(lastState, null, wall.minusNanos(now - lastStateNanos), lastReason, "",
                    0, 0, 0, 0);
        } else {
            EmergencyPaths.PathCounters c = s.holdsPath() ? paths.counters(s.helperId, false)
                    : EmergencyPaths.PathCounters.ZERO;
            req = new EmergencyStatus.Requester(lastState, s.helperId, wall.minusNanos(now - lastStateNanos), lastReason,
                    s.mode.name().toLowerCase(), s.grant == null ? 0 : s.grant.quotaBytes(),
                    s.grant == null ? 0 : s.grant.windowMs(), c.bytesOut(), c.bytesIn());
        }
        List<EmergencyStatus.Helping> hs = new ArrayList<>();
        for (HelperSession h : helping.values()) {
            EmergencyPaths.PathCounters c = h.state == HelperSession.State.HELPING ? paths.counters(h.requesterId, true)
                    : EmergencyPaths.PathCounters.ZERO;
            int used = (int) Math.min(100, c.bytesLastWindow() * 100 / Math.max(1, h.grant.quotaBytes()));
            hs.add(new EmergencyStatus.Helping(h.requesterId, h.state.name(), wall.minusNanos(now - h.startedNanos),
                    h.cause.name().toLowerCase(), h.grant.quotaBytes(), h.grant.windowMs(), c.bytesOut(),
                    c.bytesDropped(), c.packetsRefused(), used));
        }
        return new EmergencyStatus(req, hs, started, counters());
    }

    @Override
    public Map<String, Long> counters() {
        Map<String, Long> m = new LinkedHashMap<>();
        drops.nonZero().forEach((k, v) -> m.put(k.name(), v));
        return m;
    }

    public EnumCounters<EmergencyDrop> drops() {
        return drops;
    }

    // ------------------------------------------------------------------ helpers

    private void requesterState(String state, String peerId, String reason, long now) {
        lastState = state;
        lastStateNanos = now;
        lastReason = reason;
        line(state.toLowerCase() + (peerId == null ? "" : " (" + peerId + ")") + ": " + reason);
    }

    private void publish(String peerId, String role, boolean start, String reason) {
        try {
            publish.accept(new EmergencyChanged(peerId, role, start, reason, clock.instant()));
        } catch (RuntimeException e) {
            // a front-end's listener never stops the emergency
        }
    }

    private void line(String text) {
        try {
            log.accept("emergency: " + text);
        } catch (RuntimeException e) {
            // the log is best effort
        }
    }

    static String hex(long id) {
        return String.format("%08x", id);
    }

    /** Removes every path (the owner's stop); waits up to 5 s for the worker. */
    @Override
    public void close() {
        worker.execute(paths::clear);
        worker.shutdown();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** For tests: the requester's state name. */
    synchronized String requesterState() {
        return lastState;
    }

    /** For tests: the helper's sessions by requester. */
    synchronized Map<String, String> helperStates() {
        Map<String, String> m = new LinkedHashMap<>();
        helping.forEach((k, v) -> m.put(k, v.state.name()));
        return m;
    }
}
