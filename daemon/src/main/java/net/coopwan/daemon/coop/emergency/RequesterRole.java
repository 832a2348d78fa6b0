package net.coopwan.daemon.coop.emergency;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;

import net.coopwan.daemon.api.EmergencyStatus;
import net.coopwan.daemon.coop.channel.SealedMessages;

/**
 * This router as requester: asks a helper when its own uplink fails, moves its LAN onto the
 * helper after the ACK, repeats the REQUEST as a lease while carried, and goes back when the
 * uplink recovers ({@link RequesterSession} is the state machine of one emergency). Not
 * thread-safe: every method runs under the context's lock, the worker's callbacks take it.
 */
final class RequesterRole {
    /** After a refusal, or after the helper ended an emergency, ask again no sooner than this. */
    static final long ASK_AGAIN_NANOS = 30_000_000_000L;
    /**
     * The REQUEST is repeated this often while carried: the repeat is the helper's lease. A
     * requester that was killed or restarted forgets its emergency and stops repeating, with or
     * without a channel, and the helper must not keep its quota open for it.
     */
    static final long LEASE_REFRESH_NANOS = 1_000_000_000L;
    /**
     * A helper whose channel has been down this long while it carries the LAN (it restarted or
     * its peer link is gone) is given up and asked again: waiting for the channel's own 5 s death
     * time would be lost time, so it is the channel's state that counts.
     */
    static final long HELPER_LOST_NANOS = 2_000_000_000L;
    /** While no helper can be asked, look again this often. */
    static final long NO_HELPER_RETRY_NANOS = 1_000_000_000L;

    private final EmergencyContext ctx;
    private long nextId;
    private boolean uplinkFailed;
    private EmergencyMessage.Cause failCause;
    private String failEvidence = "";
    private long askAgainAt;
    private boolean askAgainSet;
    private RequesterSession session;
    private String state = "NORMAL";
    private long stateNanos;
    private String reason = "";
    private long helperLostSince = -1;

    RequesterRole(EmergencyContext ctx) {
        this.ctx = ctx;
        // a random start: ids of a restarted router do not collide with those its helper remembers
        this.nextId = ctx.random.nextLong() & 0xffff_ffffL;
        this.stateNanos = ctx.nanos.getAsLong();
    }

    // ------------------------------------------------------------------ detector

    void uplinkFailed(EmergencyMessage.Cause cause, String evidence) {
        if (uplinkFailed) {
            return;
        }
        uplinkFailed = true;
        failCause = cause;
        failEvidence = evidence;
        askAgainSet = false;
        if (!ctx.settings.requestEnabled()) {
            ctx.line("uplink failed (" + evidence + "); not asking a neighbour: emergency requests are off (failover.enabled 0)");
        }
        ctx.wake.run();
    }

    void uplinkRecovered(String evidence) {
        if (!uplinkFailed) {
            return;
        }
        uplinkFailed = false;
        askAgainSet = false;
        RequesterSession s = session;
        if (s == null) {
            ctx.line("uplink recovered (" + evidence + "); no neighbour was carrying the LAN");
            return;
        }
        if (s.state == RequesterSession.State.ENDING) {
            return;
        }
        long now = ctx.nanos.getAsLong();
        boolean held = s.holdsPath();
        s.ending(EmergencyMessage.EndReason.RECOVERED, now);
        if (held) {
            ctx.worker.execute(() -> {
                uncarry(s, "uplink recovered (" + evidence + ")");
                ctx.wake.run();
            });
        } else {
            state("ENDING", s.helperId, "uplink recovered before the helper answered (" + evidence + ")", now);
            ctx.wake.run();
        }
    }

    // ------------------------------------------------------------------ channel tick

    void tick(long now, SealedMessages.Sender sender) {
        RequesterSession s = session;
        if (s == null) {
            if (uplinkFailed && ctx.settings.requestEnabled() && (!askAgainSet || now - askAgainAt >= 0)) {
                startRequest(now);
                s = session;
            }
            if (s == null) {
                return;
            }
        }
        if (s.holdsPath() && helperLost(s, now)) {
            return;
        }
        if (s.holdsPath() && now - s.leaseSentNanos >= LEASE_REFRESH_NANOS) {
            s.leaseSentNanos = now;
            ctx.send(sender, s.helperId, s.request());
        }
        if (s.state == RequesterSession.State.REQUESTING && s.resend.due(now)) {
            if (ctx.peers.established(s.helperId)) {
                ctx.send(sender, s.helperId, s.request());
            }
            // without a channel: asked again at the next due time, the channel may come back
            s.resend.sent(now);
        } else if (s.state == RequesterSession.State.ENDING) {
            if (s.resend.givenUp(now)) {
                ctx.drops.count(EmergencyDrop.EMERGENCY_GAVE_UP);
                ctx.line("no TERMINATE_ACK from " + s.helperId + " for 10 s; emergency " + EmergencyContext.hex(s.id)
                        + " is over here");
                session = null;
                state("NORMAL", null, "terminate unanswered", now);
            } else if (s.resend.due(now)) {
                ctx.send(sender, s.helperId, new EmergencyMessage.Terminate(s.id, s.endReason));
                s.resend.sent(now);
            }
        }
    }

    /** True when the helper's channel has been down too long: the dead path is left. */
    private boolean helperLost(RequesterSession s, long now) {
        if (ctx.peers.established(s.helperId)) {
            helperLostSince = -1;
            return false;
        }
        if (helperLostSince < 0) {
            helperLostSince = now;
            return false;
        }
        if (now - helperLostSince < HELPER_LOST_NANOS) {
            return false;
        }
        helperLostSince = -1;
        session = null;
        String helper = s.helperId;
        String why = "the channel to " + helper + " has been down for " + HELPER_LOST_NANOS / 1_000_000 + " ms";
        state("NORMAL", null, why + "; asking again while the uplink is down", now);
        ctx.worker.execute(() -> {
            ctx.uncarry(helper, s.pathName);
            ctx.publish(helper, "requester", false, why);
        });
        return true;
    }

    private void startRequest(long now) {
        List<String> candidates = ctx.peers.helpers();
        String helper = null;
        for (String p : candidates) {
            if (ctx.peers.established(p)) {
                helper = p;
                break;
            }
        }
        if (helper == null) {
            if (!askAgainSet) {
                ctx.line("uplink failed (" + failEvidence + "); no neighbour to ask: "
                        + (candidates.isEmpty() ? "no emergency agreement as requester" : "no channel up to " + candidates));
            }
            askAgain(now, NO_HELPER_RETRY_NANOS);
            return;
        }
        EmergencyService.Settings settings = ctx.settings;
        if (settings.mode() == EmergencyMessage.Mode.CONCENTRATOR && settings.ownConcentrators().isEmpty()) {
            if (!askAgainSet) {
                ctx.line("uplink failed (" + failEvidence + "); mode concentrator, but no bond has a concentrator to reach");
            }
            askAgain(now, ASK_AGAIN_NANOS);
            return;
        }
        long id = nextId;
        nextId = (nextId + 1) & 0xffff_ffffL;
        session = new RequesterSession(id, helper, settings.mode(), failCause, failEvidence,
                settings.mode() == EmergencyMessage.Mode.CONCENTRATOR ? settings.ownConcentrators() : List.of(), now);
        state("REQUESTING", helper, "uplink failed: " + failEvidence + "; asking " + helper + " (emergency "
                + EmergencyContext.hex(id) + ", " + settings.mode().name().toLowerCase() + ")", now);
    }

    private void askAgain(long now, long after) {
        askAgainSet = true;
        askAgainAt = now + after;
    }

    // ------------------------------------------------------------------ answers

    void onAck(String peerId, EmergencyMessage.Ack a, long now) {
        RequesterSession s = session;
        boolean ours = s != null && s.helperId.equals(peerId) && s.id == a.emergencyId();
        if (ours && s.holdsPath() && a.accepted()) {
            return; // the answer to the lease's repeat
        }
        if (!ours || s.state != RequesterSession.State.REQUESTING) {
            ctx.drops.count(EmergencyDrop.EMERGENCY_UNEXPECTED);
            return;
        }
        if (!a.accepted()) {
            session = null;
            askAgain(now, ASK_AGAIN_NANOS);
            state("NORMAL", null, peerId + " refused emergency " + EmergencyContext.hex(s.id) + ": " + a.reason()
                    + "; asking again in " + ASK_AGAIN_NANOS / 1_000_000_000L + " s if the uplink is still down", now);
            return;
        }
        s.granted(a.grant(), now);
        state("STARTING", peerId, peerId + " granted " + a.grant().quotaBytes() + " B per " + a.grant().windowMs()
                + " ms; moving the LAN onto it", now);
        InetAddress helperAddress = ctx.peers.address(peerId);
        ctx.worker.execute(() -> carry(s, helperAddress));
    }

    /** Worker thread: claim 30, the LAN moves only now that the helper has answered. */
    private void carry(RequesterSession s, InetAddress helperAddress) {
        String error = null;
        try {
            s.pathName = ctx.paths.carry(s.helperId, helperAddress, s.mode, s.grant);
        } catch (Exception e) {
            error = EmergencyContext.reasonOf(e);
        }
        if (error == null) {
            // counted now, before anything can end it: the queued uncarry adds its counters
            ctx.ledger.started(s.pathName, s.helperId, "requester");
        }
        synchronized (ctx.lock) {
            if (session != s || s.state != RequesterSession.State.STARTING) {
                return; // ended while setting up: the queued uncarry follows on this thread
            }
            long now = ctx.nanos.getAsLong();
            if (error == null) {
                s.carried(now);
                state("CARRIED", s.helperId, s.reason, now); // front-ends say "carried by neighbour X since ..." themselves
            } else {
                s.ending(EmergencyMessage.EndReason.REQUESTER_ENDED, now);
                askAgain(now, ASK_AGAIN_NANOS);
                state("ENDING", s.helperId, "could not move the LAN onto " + s.helperId + ": " + error, now);
            }
        }
        if (error == null) {
            ctx.publish(s.helperId, "requester", true, s.reason);
        } else {
            ctx.paths.uncarry(s.helperId);
        }
    }

    /** Worker thread: the LAN back on the own uplink. */
    private void uncarry(RequesterSession s, String why) {
        ctx.uncarry(s.helperId, s.pathName);
        synchronized (ctx.lock) {
            if (session == s) {
                state("ENDING", s.helperId, "LAN back on the own uplink: " + why, ctx.nanos.getAsLong());
            }
        }
        ctx.publish(s.helperId, "requester", false, why);
    }

    /** The helper ends our emergency; false if the TERMINATE is not about it. */
    boolean onTerminate(String peerId, EmergencyMessage.Terminate t, long now) {
        RequesterSession s = session;
        if (s == null || !s.helperId.equals(peerId) || s.id != t.emergencyId()) {
            return false;
        }
        boolean held = s.holdsPath();
        session = null;
        // the helper's owner decided: not asked again for this failure before the pause
        askAgain(now, ASK_AGAIN_NANOS);
        String why = "ended by " + peerId + ": " + t.reason().text();
        state("NORMAL", null, why, now);
        if (held) {
            ctx.worker.execute(() -> {
                ctx.uncarry(s.helperId, s.pathName);
                ctx.publish(s.helperId, "requester", false, why);
            });
        }
        return true;
    }

    /** The helper confirmed our end; false if the TERMINATE_ACK is not about it. */
    boolean onTerminateAck(String peerId, EmergencyMessage.TerminateAck t, long now) {
        RequesterSession s = session;
        if (s == null || !s.helperId.equals(peerId) || s.id != t.emergencyId()
                || s.state != RequesterSession.State.ENDING) {
            return false;
        }
        session = null;
        state("NORMAL", null, peerId + " confirmed the end of emergency " + EmergencyContext.hex(s.id), now);
        return true;
    }

    // ------------------------------------------------------------------ status

    EmergencyStatus.Requester status(long now, Instant wall) {
        RequesterSession s = session;
        Instant since = wall.minusNanos(now - stateNanos);
        if (s == null) {
            return new EmergencyStatus.Requester(state, null, since, reason, "", 0, 0, 0, 0);
        }
        EmergencyPaths.PathCounters c = s.holdsPath() ? ctx.paths.counters(s.helperId, false)
                : EmergencyPaths.PathCounters.ZERO;
        return new EmergencyStatus.Requester(state, s.helperId, since, reason, s.mode.name().toLowerCase(),
                s.grant == null ? 0 : s.grant.quotaBytes(), s.grant == null ? 0 : s.grant.windowMs(), c.bytesOut(),
                c.bytesIn());
    }

    String state() {
        return state;
    }

    private void state(String to, String peerId, String why, long now) {
        state = to;
        stateNanos = now;
        reason = why;
        ctx.line(to.toLowerCase() + (peerId == null ? "" : " (" + peerId + ")") + ": " + why);
    }
}
