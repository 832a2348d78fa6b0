package net.coopwan.daemon.coop.sharing;

import java.util.ArrayList;
import java.util.List;

import net.coopwan.daemon.coop.emergency.EmergencyMessage;

/**
 * The borrower's side of one sharer, as a plain state machine: events in, {@link Action}s out, no
 * threads, no I/O, time as {@code now} nanos. The role executes the actions (messages on the
 * channel, path and kernel changes on its worker) and reports back.
 *
 * <pre>
 * IDLE --offer above 0--> ASKING (USE at once, resent 100 ms doubling to 1 s)
 * ASKING --ANSWER granted--> OPENING (open the path under the grant)
 * ASKING --ANSWER refused--> IDLE (ask again after 30 s) ; --offer 0 or expired--> IDLE
 * OPENING --path open--> BORROWING (new sessions may move; USE every 1 s is the path's lease)
 * OPENING --path failed--> RELEASING
 * BORROWING --offer 0, expired or replaced--> DRAINING (no new session moves; with force, the
 *            moved sessions are reset; the lease goes on while sessions use the path)
 * BORROWING --a lower offer, with force--> BORROWING (the newest moved sessions are reset until
 *            the rest fit the new offer)
 * DRAINING --offer above 0 again--> BORROWING ; --no session left--> RELEASING
 * RELEASING (path closed, RELEASE resent) --RELEASE_ACK or 10 s--> IDLE
 * any --channel down 5 s--> IDLE (path closed: the sharer's end is gone)
 * </pre>
 *
 * An offer expires 3 s after its last copy (the sharer repeats it every second): a sharer that
 * stopped or lost the channel lends nothing any more. A new offer id means the sharer restarted:
 * its end of the path is gone, so the path is drained as for a withdrawn offer and asked anew.
 */
public final class BorrowingSession {

    public enum State { IDLE, ASKING, OPENING, BORROWING, DRAINING, RELEASING }

    /** What the role must do. */
    public sealed interface Action {
    }

    /** Send this message to the sharer. */
    public record Send(SharingMessage message) implements Action {
    }

    /** Open the path to the sharer under this grant (tunnel and kernel rules; new sessions stay home until a share is set). */
    public record OpenPath(EmergencyMessage.Grant grant) implements Action {
    }

    /** Stop moving new sessions ({@code perMille} 0) or move this share of them again. */
    public record SetShare(int perMille) implements Action {
    }

    /** Reset the sessions that went through the sharer (configured forced termination, [0154]). */
    public record ResetSessions(String why) implements Action {
    }

    /**
     * Reset the newest moved sessions until what the rest carry fits this offer (configured forced
     * termination on a lower offer, [0154]; which sessions is not specified there: newest first is
     * our choice, since the oldest are the likeliest to end by themselves soon and have the most
     * to lose).
     */
    public record TrimSessions(long downKbps, long upKbps, String why) implements Action {
    }

    /** Close the path (kernel rules and tunnel). */
    public record ClosePath() implements Action {
    }

    /** A state change, for the event log: one line with the peer and the reason. */
    public record Changed(State from, State to, String why) implements Action {
    }

    static final long OFFER_LIFETIME_NANOS = 3_000_000_000L;
    static final long LEASE_NANOS = 1_000_000_000L;
    static final long RETRY_AFTER_REFUSAL_NANOS = 30_000_000_000L;
    static final long RELEASE_GIVE_UP_NANOS = 10_000_000_000L;
    static final long CHANNEL_DEAD_NANOS = 5_000_000_000L;
    private static final long FIRST_RESEND_NANOS = 100_000_000L;

    private final String sharerId;
    private final boolean forceTerminate;
    private State state = State.IDLE;
    private SharingMessage.Offer offer;
    private long offerAtNanos;
    /** No offer id: ids are unsigned 32-bit, so -1 is none of them. */
    private static final long NONE = -1;
    /** The offer id the path belongs to (ASKING on), or NONE. */
    private long pathOfferId = NONE;
    private long nextSendNanos;
    private long resendIntervalNanos;
    private long releaseSinceNanos;
    private long retryAfterNanos;
    private boolean backingOff;
    private int sessions;
    private boolean channelUp = true;
    private long channelDownSinceNanos;

    /** @param forceTerminate reset the moved sessions when the offer goes (the seed's option in [0154], [0156]) */
    public BorrowingSession(String sharerId, boolean forceTerminate) {
        this.sharerId = sharerId;
        this.forceTerminate = forceTerminate;
    }

    public String sharerId() {
        return sharerId;
    }

    public State state() {
        return state;
    }

    /** The offer in force, or null when there is none or it expired. */
    public SharingMessage.Offer offer(long now) {
        return offer != null && now - offerAtNanos < OFFER_LIFETIME_NANOS ? offer : null;
    }

    private boolean offering(long now) {
        SharingMessage.Offer o = offer(now);
        return o != null && !o.none() && (pathOfferId == NONE && state == State.IDLE || o.offerId() == pathOfferId);
    }

    /** An OFFER from the sharer. */
    public List<Action> onOffer(SharingMessage.Offer o, long now) {
        List<Action> out = new ArrayList<>();
        boolean replaced = offer != null && o.offerId() != offer.offerId();
        if (offer != null && !replaced && seqBefore(o.seq(), offer.seq())) {
            return out; // an older copy, overtaken by a newer value
        }
        SharingMessage.Offer before = offer;
        offer = o;
        offerAtNanos = now;
        if (forceTerminate && state == State.BORROWING && !replaced && !o.none() && o.offerId() == pathOfferId
                && before != null && !before.none() && (o.downKbps() < before.downKbps() || o.upKbps() < before.upKbps())) {
            out.add(new TrimSessions(o.downKbps(), o.upKbps(), "the offer fell from " + before.downKbps() + "/"
                    + before.upKbps() + " to " + o.downKbps() + "/" + o.upKbps() + " kbit/s down/up"));
        }
        if (replaced && (state == State.BORROWING || state == State.OPENING || state == State.ASKING)) {
            drain(out, "the sharer restarted (offer " + hex(o.offerId()) + " replaces " + hex(pathOfferId) + ")", now);
        }
        step(out, now);
        return out;
    }

    /** An ANSWER from the sharer. */
    public List<Action> onAnswer(SharingMessage.Answer a, long now) {
        List<Action> out = new ArrayList<>();
        if (state != State.ASKING || a.offerId() != pathOfferId) {
            return out; // a repeat of an answer already acted on, or one nobody asked for: the role counts it
        }
        if (a.accepted()) {
            change(out, State.OPENING, "granted: quota " + a.grant().quotaBytes() + " B per " + a.grant().windowMs() + " ms");
            out.add(new OpenPath(a.grant()));
        } else {
            backingOff = true;
            retryAfterNanos = now + RETRY_AFTER_REFUSAL_NANOS;
            pathOfferId = NONE;
            change(out, State.IDLE, "refused (" + a.refusal().name().toLowerCase() + (a.reason().isEmpty() ? "" : ": "
                    + a.reason()) + "); asking again in 30 s");
        }
        return out;
    }

    /**
     * Whether this is the sharer's answer again to a USE of the path's lease: the sharer answers
     * every USE (it cannot tell a lease from a resend whose answer was lost), so a grant for the
     * path in use is normal, not to be counted.
     */
    public boolean repeats(SharingMessage.Answer a) {
        return a.accepted() && a.offerId() == pathOfferId
                && (state == State.OPENING || state == State.BORROWING || state == State.DRAINING);
    }

    /** Whether this answer was expected: a repeated or unasked one is counted by the role. */
    public boolean expects(SharingMessage.Answer a) {
        return state == State.ASKING && a.offerId() == pathOfferId;
    }

    /** The path is open (or could not be opened: {@code error} says why). */
    public List<Action> onPathOpened(String error, long now) {
        List<Action> out = new ArrayList<>();
        if (state != State.OPENING) {
            if (error == null) {
                out.add(new ClosePath()); // opened after the session moved on: undo
            }
            return out;
        }
        if (error != null) {
            release(out, "the path could not be opened: " + error, now);
            return out;
        }
        change(out, State.BORROWING, "path open; new sessions may move");
        nextSendNanos = now + LEASE_NANOS;
        step(out, now);
        return out;
    }

    /** How many sessions use the path now (the kernel's count of marked sessions). */
    public List<Action> onSessions(int count, long now) {
        sessions = count;
        List<Action> out = new ArrayList<>();
        step(out, now);
        return out;
    }

    /** A RELEASE_ACK from the sharer; false when none was expected (the role counts it). */
    public List<Action> onReleaseAck(SharingMessage.ReleaseAck a, long now) {
        List<Action> out = new ArrayList<>();
        if (state == State.RELEASING && a.offerId() == pathOfferId) {
            pathOfferId = NONE;
            change(out, State.IDLE, "the sharer closed its end");
            step(out, now);
        }
        return out;
    }

    /** The channel to the sharer is (not) established. */
    public List<Action> onChannel(boolean established, long now) {
        List<Action> out = new ArrayList<>();
        if (established) {
            channelUp = true;
            return out;
        }
        if (channelUp) {
            channelUp = false;
            channelDownSinceNanos = now;
        }
        return out;
    }

    /** The role's timer (every 50 ms or so): expiries, the lease, resends. */
    public List<Action> tick(long now) {
        List<Action> out = new ArrayList<>();
        if (!channelUp && now - channelDownSinceNanos >= CHANNEL_DEAD_NANOS && state != State.IDLE) {
            if (state != State.ASKING) {
                out.add(new SetShare(0));
                out.add(new ClosePath());
            }
            pathOfferId = NONE;
            change(out, State.IDLE, "channel to the sharer down for 5 s; path closed");
            return out;
        }
        if (state == State.RELEASING && now - releaseSinceNanos >= RELEASE_GIVE_UP_NANOS) {
            // the sharer's lease closes its side anyway
            pathOfferId = NONE;
            change(out, State.IDLE, "no RELEASE_ACK for 10 s; the sharer's lease ends its side");
        }
        step(out, now);
        if (now - nextSendNanos >= 0) {
            switch (state) {
                case ASKING -> {
                    out.add(new Send(new SharingMessage.Use(pathOfferId, offer.seq())));
                    nextSendNanos = now + resendIntervalNanos;
                    resendIntervalNanos = Math.min(LEASE_NANOS, resendIntervalNanos * 2);
                }
                case OPENING, BORROWING, DRAINING -> {
                    out.add(new Send(new SharingMessage.Use(pathOfferId, offer == null ? 0 : offer.seq())));
                    nextSendNanos = now + LEASE_NANOS;
                }
                case RELEASING -> {
                    out.add(new Send(new SharingMessage.Release(pathOfferId)));
                    nextSendNanos = now + resendIntervalNanos;
                    resendIntervalNanos = Math.min(LEASE_NANOS, resendIntervalNanos * 2);
                }
                default -> {
                }
            }
        }
        return out;
    }

    /** The transitions that follow from the offer and the sessions alone. */
    private void step(List<Action> out, long now) {
        switch (state) {
            case IDLE -> {
                if (backingOff && now - retryAfterNanos < 0) {
                    return;
                }
                backingOff = false;
                SharingMessage.Offer o = offer(now);
                if (o != null && !o.none()) {
                    pathOfferId = o.offerId();
                    change(out, State.ASKING, "offered " + o.downKbps() + " kbit/s down, " + o.upKbps() + " kbit/s up");
                    resendIntervalNanos = FIRST_RESEND_NANOS;
                    nextSendNanos = now;
                }
            }
            case ASKING -> {
                if (!offering(now)) {
                    pathOfferId = NONE;
                    change(out, State.IDLE, offer(now) == null ? "the offer expired" : "the offer was withdrawn");
                }
            }
            case BORROWING -> {
                if (!offering(now)) {
                    drain(out, offer(now) == null ? "the offer expired" : "no bandwidth available", now);
                }
            }
            case DRAINING -> {
                if (offering(now)) {
                    change(out, State.BORROWING, "offered again: " + offer.downKbps() + " kbit/s down, " + offer.upKbps()
                            + " kbit/s up");
                } else if (sessions == 0) {
                    release(out, "no session uses the path any more", now);
                }
            }
            default -> {
            }
        }
    }

    private void drain(List<Action> out, String why, long now) {
        if (state == State.ASKING) {
            pathOfferId = NONE;
            change(out, State.IDLE, why);
            return;
        }
        out.add(new SetShare(0));
        if (state == State.OPENING) {
            release(out, why, now);
            return;
        }
        change(out, State.DRAINING, why + "; new sessions stay home" + (forceTerminate ? ", moved ones are reset" : ""));
        if (forceTerminate) {
            out.add(new ResetSessions(why));
        }
        step(out, now);
    }

    private void release(List<Action> out, String why, long now) {
        out.add(new ClosePath());
        change(out, State.RELEASING, why);
        releaseSinceNanos = now;
        resendIntervalNanos = FIRST_RESEND_NANOS;
        nextSendNanos = now;
    }

    private void change(List<Action> out, State to, String why) {
        State from = state;
        state = to;
        out.add(new Changed(from, to, why));
    }

    /** Serial-number order of u32 sequence numbers (RFC 1982): a before b. */
    static boolean seqBefore(long a, long b) {
        return a != b && ((b - a) & 0xffff_ffffL) < 0x8000_0000L;
    }

    static String hex(long id) {
        return String.format("%08x", id);
    }
}
