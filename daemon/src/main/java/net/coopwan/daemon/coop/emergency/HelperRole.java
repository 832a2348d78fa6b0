package net.coopwan.daemon.coop.emergency;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import net.coopwan.config.CooperationType;
import net.coopwan.daemon.api.EmergencyStatus;
import net.coopwan.daemon.coop.agreement.Agreement;
import net.coopwan.daemon.coop.agreement.Role;
import net.coopwan.daemon.coop.channel.SealedMessages;

/**
 * This router as helper: checks each REQUEST against the persisted agreement, sets the path up
 * before it ACKs, keeps the help while the requester's lease is renewed, and ends it when asked,
 * when its owner ends it, when the agreement is withdrawn or when the lease runs out
 * ({@link HelperSession} is the state machine of one requester's emergency). Not thread-safe:
 * every method runs under the context's lock, the worker's callbacks take it.
 */
final class HelperRole {
    /** Requesters one helper carries at once: one tunnel port and inner address each. */
    static final int MAX_REQUESTERS = 4;
    /** The help ends after this long without a repeat of the REQUEST: the channel's dead time. */
    static final long LEASE_NANOS = 5_000_000_000L;
    /** Ended emergency ids remembered per requester, so late REQUEST copies start nothing. */
    static final int ENDED_IDS = 16;

    private final EmergencyContext ctx;
    private final Map<String, HelperSession> helping = new LinkedHashMap<>();
    private final Map<String, Deque<Long>> ended = new HashMap<>();
    /** Messages decided off the channel's thread (by the worker), sent at the next tick. */
    private final List<String> pendingTo = new ArrayList<>();
    private final List<EmergencyMessage> pending = new ArrayList<>();

    HelperRole(EmergencyContext ctx) {
        this.ctx = ctx;
    }

    // ------------------------------------------------------------------ owner

    /** The owner ends the help for {@code requesterId}; false if there is none. */
    boolean endHelp(String requesterId, String via) {
        HelperSession h = helping.get(requesterId);
        if (h == null || h.state == HelperSession.State.ENDING) {
            return false;
        }
        end(h, EmergencyMessage.EndReason.OWNER_ENDED, "ended by the owner via " + via);
        ctx.wake.run();
        return true;
    }

    /** Stops forwarding at once and tells the requester (TERMINATE, resent until answered). */
    private void end(HelperSession h, EmergencyMessage.EndReason why, String text) {
        boolean hadPath = h.state != HelperSession.State.ENDING;
        h.ending(why, ctx.nanos.getAsLong());
        remember(h.requesterId, h.id);
        ctx.line("helping " + h.requesterId + " ends: " + text + "; telling it (emergency " + EmergencyContext.hex(h.id) + ")");
        if (hadPath) {
            ctx.worker.execute(() -> {
                ctx.closeHelp(h.requesterId, h.pathName);
                ctx.publish(h.requesterId, "helper", false, text);
            });
        }
    }

    // ------------------------------------------------------------------ channel tick

    void tick(long now, SealedMessages.Sender sender) {
        for (int i = 0; i < pending.size(); i++) {
            ctx.send(sender, pendingTo.get(i), pending.get(i));
        }
        pending.clear();
        pendingTo.clear();
        for (var it = helping.values().iterator(); it.hasNext();) {
            HelperSession h = it.next();
            if (h.state == HelperSession.State.HELPING && h.ackDue) {
                h.ackDue = !ctx.send(sender, h.requesterId, h.ack);
            } else if (h.state == HelperSession.State.ENDING) {
                if (h.resend.givenUp(now)) {
                    ctx.drops.count(EmergencyDrop.EMERGENCY_GAVE_UP);
                    ctx.line("no TERMINATE_ACK from " + h.requesterId + " for 10 s; help ends here");
                    it.remove();
                    continue;
                }
                if (h.resend.due(now)) {
                    ctx.send(sender, h.requesterId, new EmergencyMessage.Terminate(h.id, h.endReason));
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
            end(h, EmergencyMessage.EndReason.CANNOT_CARRY, "no request from it for " + (now - h.leaseNanos) / 1_000_000
                    + " ms (its lease ran out: restarted, stopped or cut off)");
            return;
        }
        // once a second is enough to notice a withdrawn agreement, and keeps store reads rare
        if (now - h.agreementCheckedNanos >= 1_000_000_000L) {
            h.agreementCheckedNanos = now;
            Optional<Agreement> a = ctx.peers.agreement(h.requesterId, Role.HELPER);
            if (a.isEmpty() || !a.get().enables(CooperationType.EMERGENCY)) {
                end(h, EmergencyMessage.EndReason.AGREEMENT_WITHDRAWN, "the emergency agreement was withdrawn");
            }
        }
    }

    // ------------------------------------------------------------------ requests

    void onRequest(String peerId, EmergencyMessage.Request r, long now, SealedMessages.Sender sender) {
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
            ctx.drops.count(EmergencyDrop.EMERGENCY_STALE);
            return;
        }
        EmergencyMessage.Grant grant = grant(peerId, r, sender);
        if (grant == null) {
            return;
        }
        if (h != null) {
            // a new emergency from the same requester (it restarted): the old one is over
            ctx.line("helping " + peerId + ": a new emergency " + EmergencyContext.hex(r.emergencyId()) + " replaces "
                    + EmergencyContext.hex(h.id));
            remember(peerId, h.id);
            helping.remove(peerId);
            HelperSession old = h;
            ctx.worker.execute(() -> ctx.closeHelp(peerId, old.pathName));
        }
        HelperSession fresh = new HelperSession(r.emergencyId(), peerId, r.mode(), r.cause(), grant,
                grant.tunnelPort() - ctx.settings.helperPort(), r.destinations(), now);
        helping.put(peerId, fresh);
        ctx.line("helping " + peerId + ": emergency " + EmergencyContext.hex(r.emergencyId()) + " requested ("
                + r.cause().name().toLowerCase() + "); agreement allows " + grant.quotaBytes() + " B per "
                + grant.windowMs() + " ms; setting up");
        InetAddress addr = ctx.peers.address(peerId);
        ctx.worker.execute(() -> prepare(fresh, addr));
    }

    /**
     * The grant for {@code r} under the persisted agreement (claim 32, docs/PROTOCOL.md 2.5), or
     * null after the refusal was sent and counted.
     */
    private EmergencyMessage.Grant grant(String peerId, EmergencyMessage.Request r, SealedMessages.Sender sender) {
        Optional<Agreement> a = ctx.peers.agreement(peerId, Role.HELPER);
        if (a.isEmpty() || !a.get().enables(CooperationType.EMERGENCY)) {
            return refuse(peerId, r, EmergencyMessage.Refusal.NO_AGREEMENT, EmergencyDrop.EMERGENCY_REFUSED_NO_AGREEMENT,
                    "no emergency agreement with this router as helper", sender);
        }
        Map<String, Long> agreed = a.get().enabled().get(CooperationType.EMERGENCY);
        long quota = agreed.getOrDefault("quota_bytes", 0L);
        long window = agreed.getOrDefault("window_ms", 0L);
        if (quota < 1 || window < 1) {
            return refuse(peerId, r, EmergencyMessage.Refusal.NOT_ENABLED, EmergencyDrop.EMERGENCY_REFUSED_NO_AGREEMENT,
                    "the agreement has no quota_bytes and window_ms", sender);
        }
        if (r.quotaBytes() > quota || r.windowMs() > window) {
            return refuse(peerId, r, EmergencyMessage.Refusal.OVER_AGREEMENT,
                    EmergencyDrop.EMERGENCY_REFUSED_OVER_AGREEMENT, "asked " + r.quotaBytes() + " B per " + r.windowMs()
                            + " ms; agreed at most " + quota + " B per " + window + " ms", sender);
        }
        List<EmergencyMessage.Destination> allowed = ctx.settings.allowedConcentrators();
        for (EmergencyMessage.Destination d : r.destinations()) {
            if (!allowed.contains(d)) {
                return refuse(peerId, r, EmergencyMessage.Refusal.DESTINATION_NOT_ALLOWED,
                        EmergencyDrop.EMERGENCY_REFUSED_DESTINATION, "concentrator " + d + " is not in this helper's list ("
                                + (allowed.isEmpty() ? "empty: failover.concentrator" : allowed.toString()) + ")", sender);
            }
        }
        HelperSession replaced = helping.get(peerId);
        int slot = freeSlot(replaced);
        if (slot < 0) {
            return refuse(peerId, r, EmergencyMessage.Refusal.BUSY, EmergencyDrop.EMERGENCY_REFUSED_BUSY,
                    "already carrying " + MAX_REQUESTERS + " neighbours", sender);
        }
        long useWindow = r.windowMs() == 0 ? window : r.windowMs();
        long useQuota = Math.min(r.quotaBytes() == 0 ? quota : r.quotaBytes(),
                bandwidthCeiling(agreed.getOrDefault("bandwidth_kbps", 0L), useWindow));
        byte[] key = new byte[EmergencyCodec.KEY_BYTES];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) ctx.random.nextInt(256);
        }
        EmergencyService.Settings s = ctx.settings;
        return new EmergencyMessage.Grant(useQuota, useWindow, s.helperPort() + slot, s.tunnelNetwork() + 2 + slot,
                s.tunnelNetwork() + 1, s.tunnelPrefix(), key);
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

    /** Worker thread: the path exists before the ACK leaves (claim 30). */
    private void prepare(HelperSession h, InetAddress requesterAddress) {
        String error = null;
        String name = null;
        try {
            name = ctx.paths.openHelp(h.requesterId, requesterAddress, h.mode, h.grant, h.destinations);
        } catch (Exception e) {
            error = EmergencyContext.reasonOf(e);
        }
        synchronized (ctx.lock) {
            if (helping.get(h.requesterId) != h || h.state != HelperSession.State.PREPARING) {
                return; // ended or replaced while setting up; whoever ended it removes the path (no traffic flowed)
            }
            if (error != null) {
                helping.remove(h.requesterId);
                remember(h.requesterId, h.id);
                ctx.drops.count(EmergencyDrop.EMERGENCY_SETUP_FAILED);
                ctx.line("helping " + h.requesterId + ": set-up failed: " + error);
                pendingTo.add(h.requesterId);
                pending.add(EmergencyMessage.Ack.refused(h.id, EmergencyMessage.Refusal.SETUP_FAILED, error));
            } else {
                h.pathName = name;
                h.ready();
                ctx.line("helping " + h.requesterId + " since now: carrying its traffic, at most " + h.grant.quotaBytes()
                        + " B per " + h.grant.windowMs() + " ms (emergency " + EmergencyContext.hex(h.id) + ")");
            }
        }
        ctx.wake.run(); // the ACK (or the refusal) leaves now
        if (error != null) {
            ctx.paths.closeHelp(h.requesterId);
        } else {
            ctx.ledger.started(name, h.requesterId, "helper");
            ctx.publish(h.requesterId, "helper", true, "requested: " + h.cause.name().toLowerCase());
        }
    }

    private EmergencyMessage.Grant refuse(String peerId, EmergencyMessage.Request r, EmergencyMessage.Refusal why,
            EmergencyDrop counted, String text, SealedMessages.Sender sender) {
        ctx.drops.count(counted);
        ctx.line("refused emergency " + EmergencyContext.hex(r.emergencyId()) + " from " + peerId + ": " + text);
        ctx.send(sender, peerId, EmergencyMessage.Ack.refused(r.emergencyId(), why, text));
        return null;
    }

    /** A free slot (tunnel port and inner address); {@code replaced}'s slot counts as free. */
    private int freeSlot(HelperSession replaced) {
        boolean[] used = new boolean[MAX_REQUESTERS];
        for (HelperSession h : helping.values()) {
            if (h != replaced) {
                used[h.slot] = true;
            }
        }
        int hosts = (1 << (32 - ctx.settings.tunnelPrefix())) - 2;
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

    /** The requester ends its emergency; false if the TERMINATE is not about one we carry. */
    boolean onTerminate(String peerId, EmergencyMessage.Terminate t) {
        HelperSession h = helping.get(peerId);
        if (h == null || h.id != t.emergencyId()) {
            return false;
        }
        helping.remove(peerId);
        remember(peerId, h.id);
        String why = "ended by " + peerId + ": " + t.reason().text();
        if (h.state != HelperSession.State.ENDING) {
            ctx.line("helping " + peerId + " " + why + " (emergency " + EmergencyContext.hex(h.id) + ")");
            ctx.worker.execute(() -> {
                ctx.closeHelp(peerId, h.pathName);
                ctx.publish(peerId, "helper", false, why);
            });
        }
        return true;
    }

    /** The requester confirmed the end we sent; false if the TERMINATE_ACK is not about it. */
    boolean onTerminateAck(String peerId, EmergencyMessage.TerminateAck t) {
        HelperSession h = helping.get(peerId);
        if (h == null || h.id != t.emergencyId() || h.state != HelperSession.State.ENDING) {
            return false;
        }
        helping.remove(peerId);
        ctx.line("helping " + peerId + ": it confirmed the end of emergency " + EmergencyContext.hex(h.id));
        return true;
    }

    // ------------------------------------------------------------------ status

    List<EmergencyStatus.Helping> status(long now, Instant wall) {
        List<EmergencyStatus.Helping> out = new ArrayList<>();
        for (HelperSession h : helping.values()) {
            EmergencyPaths.PathCounters c = h.state == HelperSession.State.HELPING ? ctx.paths.counters(h.requesterId, true)
                    : EmergencyPaths.PathCounters.ZERO;
            int used = (int) Math.min(100, c.bytesLastWindow() * 100 / Math.max(1, h.grant.quotaBytes()));
            out.add(new EmergencyStatus.Helping(h.requesterId, h.state.name(), wall.minusNanos(now - h.startedNanos),
                    h.cause.name().toLowerCase(), h.grant.quotaBytes(), h.grant.windowMs(), c.bytesOut(),
                    c.bytesDropped(), c.packetsRefused(), used));
        }
        return out;
    }

    Map<String, String> states() {
        Map<String, String> m = new LinkedHashMap<>();
        helping.forEach((k, v) -> m.put(k, v.state.name()));
        return m;
    }
}
