package net.coopwan.daemon.coop.sharing;

import java.util.ArrayList;
import java.util.List;

import net.coopwan.daemon.coop.emergency.EmergencyMessage;
import net.coopwan.daemon.steer.SlidingWindowQuota;

/**
 * The sharer's side of one borrower's path, as a plain state machine: events in, actions out.
 * The role decides beforehand whether a USE may open a path at all (agreement, current offer,
 * free slot); this is what happens once it may.
 *
 * <pre>
 * (USE accepted) PREPARING --path ready--> LENDING (ANSWER granted; a repeated USE gets it again)
 * PREPARING --set-up failed--> CLOSED (ANSWER refused: set-up failed)
 * LENDING --offer changed--> LENDING (the kernel quotas follow the new offer at once, each direction its own;
 *                                     a window that began before a rise keeps the older one: SlidingWindowQuota)
 * LENDING --RELEASE--> CLOSED (path closed, RELEASE_ACK)
 * LENDING --no USE for 5 s (the lease)--> CLOSED (path closed: the borrower stopped or lost the channel)
 * </pre>
 *
 * The quotas follow the offer: {@code rate x window / 8} bytes per window in each direction, from
 * that direction's rate, never below the {@link Drain} allowance, so the sessions already moved
 * drain instead of hanging when the offer drops to nothing (the borrower then moves no new ones).
 * Per direction, because a sharer whose own users take its download direction still offers its
 * idle upload: a download quota at the larger of the two rates let the moved sessions keep the
 * whole download offer after it was withdrawn (the sharing benchmark measured 2 Mbit/s of a
 * 2.5 Mbit/s quota going on, and the sharer's own download at 80 % of its line). The grant carries
 * the larger one for both until the first offer after the path opened sets each.
 */
public final class LendingSession {

    public enum State { PREPARING, LENDING, CLOSED }

    public sealed interface Action {
    }

    public record Send(SharingMessage message) implements Action {
    }

    /** Open the path for the borrower under this grant (tunnel end, kernel NAT and quota). */
    public record OpenPath(EmergencyMessage.Grant grant) implements Action {
    }

    /** The kernel quotas of the open path, bytes per window: towards the borrower (down) and from it (up). */
    public record SetQuota(long downBytes, long upBytes, long windowMs) implements Action {
    }

    public record ClosePath() implements Action {
    }

    public record Changed(State from, State to, String why) implements Action {
    }

    /** What draining sessions keep at least when the offer is none, however small the line: 100 kbit/s. */
    public static final long FLOOR_KBPS = 100;
    /** What draining sessions keep of the sharer's line when the offer is none: 5 %. */
    public static final int DRAIN_PERCENT = 5;

    /**
     * What the moved sessions keep, per direction, while the offer is below it: 5 % of the sharer's
     * capacity in that direction ({@link #DRAIN_PERCENT}), at least {@link #FLOOR_KBPS}, at most
     * the agreement's rate (when it has one). A fixed 100 kbit/s shared by every moved session
     * starved them: in the sharing benchmark six moved sessions of 80 kbit/s each read nothing for
     * 35 s while the sharer's own download ran, and one timed out, which is the RST the owner did
     * not configure. 5 % leaves the sharer's own users 95 % of their line (the goal is 90 % within
     * a window), and the borrower moves no new session meanwhile, so what drains only ends.
     */
    public record Drain(long downKbps, long upKbps) {
        public static Drain of(long capacityDownKbps, long capacityUpKbps, long agreedKbps) {
            return new Drain(kbps(capacityDownKbps, agreedKbps), kbps(capacityUpKbps, agreedKbps));
        }

        private static long kbps(long capacityKbps, long agreedKbps) {
            long v = Math.max(0, capacityKbps) * DRAIN_PERCENT / 100;
            return Math.max(FLOOR_KBPS, agreedKbps > 0 ? Math.min(agreedKbps, v) : v);
        }
    }
    static final long LEASE_NANOS = 5_000_000_000L;

    private final String borrowerId;
    private final long offerId;
    private final EmergencyMessage.Grant grant;
    private State state = State.PREPARING;
    private long leaseNanos;
    private long downQuotaBytes;
    private long upQuotaBytes;

    /** A USE for {@code offer} was accepted; the grant carries the quota for it. */
    public LendingSession(String borrowerId, SharingMessage.Offer offer, EmergencyMessage.Grant grant, long now) {
        this.borrowerId = borrowerId;
        this.offerId = offer.offerId();
        this.grant = grant;
        this.leaseNanos = now;
        this.downQuotaBytes = grant.quotaBytes();
        this.upQuotaBytes = grant.quotaBytes();
    }

    /** The grant for {@code offer}: the larger direction's quota per window (the grant has one for both). */
    public static long quotaBytes(SharingMessage.Offer offer) {
        return quotaBytes(Math.max(offer.downKbps(), offer.upKbps()), offer.windowMs());
    }

    /**
     * What a sharer's kernel quota for {@code kbps} over {@code windowMs} lets through when it is
     * used all the time: the quota per window and two ticks of its sliding window, 90 % of the rate
     * for T = 1 s, 97 % for 10 s (steer.SlidingWindowQuota#sustainedPerMille; docs/PROTOCOL.md 3.13).
     */
    public static long sustainedKbps(long kbps, long windowMs) {
        return kbps * SlidingWindowQuota.sustainedPerMille(windowMs) / 1000;
    }

    /**
     * One direction's quota: {@code kbps} (at least the floor) over the window, at least one full
     * packet. The borrower's per-packet member caps each direction by it (SharingDataPaths#carriedKbps).
     */
    public static long quotaBytes(long kbps, long windowMs) {
        return Math.max(1500, Math.max(FLOOR_KBPS, kbps) * 1000 / 8 * windowMs / 1000);
    }

    public String borrowerId() {
        return borrowerId;
    }

    public State state() {
        return state;
    }

    public EmergencyMessage.Grant grant() {
        return grant;
    }

    /** The kernel quota towards the borrower (its downloads, the bulk of a borrowed session). */
    public long quotaBytes() {
        return downQuotaBytes;
    }

    /** The kernel quota from the borrower. */
    public long upQuotaBytes() {
        return upQuotaBytes;
    }

    /** The first actions: open the path (the role runs it on its worker). */
    public List<Action> start() {
        return List.of(new OpenPath(grant));
    }

    /** The worker opened the path, or failed with {@code error}. */
    public List<Action> onPathOpened(String error) {
        List<Action> out = new ArrayList<>();
        if (state != State.PREPARING) {
            if (error == null) {
                out.add(new ClosePath());
            }
            return out;
        }
        if (error != null) {
            change(out, State.CLOSED, "set-up failed: " + error);
            out.add(new Send(SharingMessage.Answer.refused(offerId, SharingMessage.Refusal.SETUP_FAILED, error)));
            return out;
        }
        change(out, State.LENDING, "path open, quota " + grant.quotaBytes() + " B per " + grant.windowMs() + " ms");
        out.add(new Send(SharingMessage.Answer.granted(offerId, grant)));
        return out;
    }

    /** A USE for this path: renews the lease; answered again once lending (the first answer may have been lost). */
    public List<Action> onUse(long now) {
        leaseNanos = now;
        return state == State.LENDING ? List.of(new Send(SharingMessage.Answer.granted(offerId, grant))) : List.of();
    }

    /**
     * The offer now (sent at each sample): each direction's quota follows its rate, never below
     * what {@code drain} leaves the sessions already moved.
     */
    public List<Action> onOffer(SharingMessage.Offer offer, Drain drain, long now) {
        long down = quotaBytes(Math.max(drain.downKbps(), offer.downKbps()), offer.windowMs());
        long up = quotaBytes(Math.max(drain.upKbps(), offer.upKbps()), offer.windowMs());
        if (state != State.LENDING || down == downQuotaBytes && up == upQuotaBytes || offer.offerId() != offerId) {
            return List.of();
        }
        downQuotaBytes = down;
        upQuotaBytes = up;
        return List.of(new SetQuota(down, up, offer.windowMs()));
    }

    /** A RELEASE: the path goes; always answered (the borrower's first RELEASE_ACK may have been lost). */
    public List<Action> onRelease() {
        List<Action> out = new ArrayList<>();
        if (state != State.CLOSED) {
            out.add(new ClosePath());
            change(out, State.CLOSED, "the borrower released it");
        }
        out.add(new Send(new SharingMessage.ReleaseAck(offerId)));
        return out;
    }

    /** The lease: no USE for 5 s closes the path. */
    public List<Action> tick(long now) {
        List<Action> out = new ArrayList<>();
        if (state == State.LENDING && now - leaseNanos >= LEASE_NANOS) {
            out.add(new ClosePath());
            change(out, State.CLOSED, "no USE for 5 s (the borrower stopped or lost the channel)");
        }
        return out;
    }

    private void change(List<Action> out, State to, String why) {
        State from = state;
        state = to;
        out.add(new Changed(from, to, why));
    }
}
