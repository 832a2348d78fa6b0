package net.coopwan.daemon.coop.sharing;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;

import net.coopwan.config.CooperationType;
import net.coopwan.daemon.coop.agreement.Agreement;
import net.coopwan.daemon.coop.agreement.Role;
import net.coopwan.daemon.api.EmergencyStatus;
import net.coopwan.daemon.api.SharingStatus;
import net.coopwan.daemon.coop.channel.SealedMessages;
import net.coopwan.daemon.coop.emergency.EmergencyLedger;
import net.coopwan.daemon.coop.emergency.EmergencyMessage;
import net.coopwan.daemon.coop.emergency.EmergencyPaths.PathCounters;
import net.coopwan.daemon.counters.EnumCounters;

/**
 * Bandwidth sharing on the secure channel, both roles at once (docs/PROTOCOL.md 3.13):
 *
 * <pre>
 * borrower                                              sharer
 *                 &lt;---OFFER(id, seq, down, up, window)--  every 1 s, and at once on a change
 *  offer above 0 --USE(id, seq)-------------------------&gt;  agreement(sharer)? this run's offer, above 0? slot?
 *                                                           path set up (worker: tunnel end, NAT, quota), then
 *                 &lt;------------------ANSWER(grant)------
 *  path set up (worker); new sessions move, per mille     (USE every 1 s is the path's lease; the
 *  of the eligible, by the kernel                          quota follows every new offer)
 *                 &lt;---OFFER(id, seq+1, 0, 0)----------  own users need the line (no bandwidth available)
 *  no new session moves; moved ones drain (or reset)
 *  last one ended --RELEASE(id)-------------------------&gt;  path removed
 *                 &lt;----------------RELEASE_ACK(id)-----
 * </pre>
 *
 * Parses and dispatches; the state machines are {@link BorrowingSession} (per sharer) and
 * {@link LendingSession} (per borrower), the sharer's numbers {@link ShareableBandwidth} and
 * {@link SharerOffers}, the borrower's {@link NewSessionShare}. {@link #onMessage} and {@link #tick}
 * come from the channel service under its lock; path changes run on this service's worker and
 * report back under this object's lock only (lock order: channel service, then this). Messages
 * decided on the worker wait in an outbox for the next tick, which {@link #wake} asks for at once.
 *
 * <p>What each path carried is read from the kernel at each sample ({@link SharingPaths#carried});
 * the totals are the emergency's bookkeeping ({@link EmergencyLedger}, roles {@code "sharer"} and
 * {@code "borrower"}): a path's final counters are added when it closes, and what a killed run left
 * in the kernel when the next one starts. The owner may stop lending to a borrower
 * ({@link #stopLending}): it is offered nothing at once and its USE refused until resumed; the stop
 * is kept ({@link LendingStops}).
 */
public final class SharingService implements SealedMessages, AutoCloseable {

    /**
     * @param lend           this router may be a sharer (its owner's agreements still decide with whom)
     * @param borrow         this router may borrow
     * @param estimate       the sharer's estimate, per direction; {@code capacityKbps} is replaced by
     *                       {@code capacityDownKbps} / {@code capacityUpKbps}, the caps by each agreement's
     * @param quotaWindowMs  the window of the sharer's kernel quota (the emergency's T)
     * @param forceTerminate the borrower resets its moved sessions when the offer goes
     * @param busyPercent    the borrower moves sessions only when its own uplink is this busy
     */
    public record Settings(boolean lend, boolean borrow, ShareableBandwidth.Settings estimate, long capacityDownKbps,
                           long capacityUpKbps, long quotaWindowMs, boolean forceTerminate, int busyPercent) {
    }

    /** What the service needs to know of the channel and the store. */
    public interface Peers {
        /** Every agreement in which this router has {@code role}: one read of the store. */
        List<Agreement> agreements(Role role);

        Optional<Agreement> agreement(String peerId, Role role);

        boolean established(String peerId);

        InetAddress address(String peerId);
    }

    private static final long SECOND = 1_000_000_000L;

    private final Settings settings;
    private final Peers peers;
    private final SharingPaths paths;
    private final ExecutorService worker;
    private final Consumer<String> log;
    private final EnumCounters<SharingDrop> drops = new EnumCounters<>(SharingDrop.class);
    private final ShareableBandwidth down;
    private final ShareableBandwidth up;
    private final SharerOffers offers;
    private final NewSessionShare share;
    private final Map<String, LendingSession> lending = new LinkedHashMap<>();
    private final Map<String, BorrowingSession> borrowing = new LinkedHashMap<>();
    private final Map<String, Long> offerSentNanos = new LinkedHashMap<>();
    private final Map<String, Long> offerSentSeq = new LinkedHashMap<>();
    private final Map<String, Integer> shareSet = new LinkedHashMap<>();
    /** Per sharer: the split of new sessions learned from what the paths carry (NewSessionShare). */
    private final Map<String, NewSessionShare.Learned> learned = new LinkedHashMap<>();
    /** Per sharer: the per mille the log last reported. */
    private final Map<String, Integer> shareLogged = new LinkedHashMap<>();
    /** Per sharer: what one moved and one home session got between the last two readings. */
    private final SessionReadings sessionReadings = new SessionReadings();
    private final EmergencyLedger ledger;
    private final LendingStops stops;
    /** The borrowers the owner stopped lending to. */
    private final Set<String> stopped = new LinkedHashSet<>();
    /** An offer must leave at the next tick, not only at the next sample (the owner stopped or resumed). */
    private boolean offerNow;
    /** The stops could not be read at start: every borrower is offered nothing. */
    private final boolean stopsUnknown;
    /** The open paths' names in the ledger, by {@link #key}. */
    private final Map<String, String> pathNames = new HashMap<>();
    /** The rate through each open path over the last window, kbit/s {down, up}, by {@link #key}. */
    private final Map<String, long[]> rateNow = new HashMap<>();
    /** Messages decided off the channel's thread, sent at the next tick. */
    private final List<Map.Entry<String, SharingMessage>> outbox = new ArrayList<>();
    private boolean sampled;
    private long sampledNanos;
    /** When the worker was last asked for readings, and whether it has been. */
    private boolean requested;
    private long requestedNanos;
    /** The worker's readings arrived since the last sample: the next tick samples them. */
    private boolean readFresh;
    private final long samplePeriodNanos;
    /** The longest period between two samples of the own line, the sessions and the paths' counters. */
    static final long SAMPLE_MAX_NANOS = 250_000_000L;
    // the worker's last readings (read())
    private boolean reading;
    private SharingPaths.Bytes readUplink = SharingPaths.Bytes.ZERO;
    private SharingPaths.Bytes readLent = SharingPaths.Bytes.ZERO;
    private Map<String, Integer> readSessions = Map.of();
    private Map<String, SharingPaths.Bytes> readBorrowed = Map.of();
    /**
     * Borrower: a lower offer's trim (forced termination), per sharer: the limits, and the first of
     * the two conntrack readings the sessions' rates come from (null until the worker has it).
     */
    private record Trim(long downKbps, long upKbps, String why, List<SharingPaths.MovedSession> first, long firstNanos) {
    }

    private final Map<String, Trim> trims = new LinkedHashMap<>();
    /** What each open path carried since it opened, by {@link #key}. */
    private Map<String, PathCounters> readCarried = new HashMap<>();
    private Map<String, Integer> readLentSessions = Map.of();
    /** After {@link #close}: the channel's last ticks and messages are ignored, not handed to a stopped worker. */
    private boolean shutDown;
    /** Asks the channel for a tick now. */
    private volatile Runnable wake = () -> { };
    /** Counters of the borrower's parts outside the service (learning download hosts), shown beside its drops. */
    private volatile java.util.function.Supplier<Map<String, Long>> moreCounters = Map::of;

    /** Totals and stops in memory only (tests). */
    public SharingService(Settings settings, Peers peers, SharingPaths paths, ExecutorService worker, Consumer<String> log,
            long offerId) {
        this(settings, peers, paths, worker, log, offerId, EmergencyLedger.inMemory(), LendingStops.inMemory());
    }

    /**
     * Ends the paths a killed earlier run left (their kernel counters go to {@code ledger} first),
     * on this thread so the totals are whole before the first status, then is ready for the channel.
     */
    public SharingService(Settings settings, Peers peers, SharingPaths paths, ExecutorService worker, Consumer<String> log,
            long offerId, EmergencyLedger ledger, LendingStops stops) {
        this.settings = settings;
        this.ledger = ledger;
        this.stops = stops;
        boolean known = true;
        try {
            this.stopped.addAll(stops.stopped());
        } catch (IllegalStateException e) {
            known = false;
        }
        // the owner's stops unreadable: lend to nobody rather than to one the owner stopped
        this.stopsUnknown = !known;
        this.peers = peers;
        this.paths = paths;
        this.worker = worker;
        this.log = log;
        ShareableBandwidth.Settings e = settings.estimate();
        this.down = new ShareableBandwidth(uncapped(e, settings.capacityDownKbps()));
        this.up = new ShareableBandwidth(uncapped(e, settings.capacityUpKbps()));
        this.offers = new SharerOffers(offerId, settings.quotaWindowMs());
        this.share = new NewSessionShare(settings.busyPercent());
        // a quarter of the window, 0.1 to 0.25 s: the borrower's split of new sessions is decided
        // at each sample, and new sessions come in bursts (a page's connections): at a sample a
        // second (T = 10 s) a second's sessions met one split and piled fifteen sessions on the
        // sharer's path in the benchmark; each sample costs one conntrack reading
        this.samplePeriodNanos = Math.min(SAMPLE_MAX_NANOS, Math.max(100_000_000L,
                settings.estimate().windowMs() * 1_000_000L / 4));
        endAll("left by an earlier run");
        if (stopsUnknown) {
            line(null, "lending: the owner's stops cannot be read from the state store; lending to nobody");
        }
    }

    /** The ledger's and the readings' key of a path: role and peer. */
    private static String key(String peerId, boolean lending) {
        return (lending ? "lend:" : "borrow:") + peerId;
    }

    /**
     * Removes every path of both roles; the paths the ledger has running end with the counters the
     * kernel had for them (zeros where it had none).
     */
    private void endAll(String why) {
        Map<String, PathCounters> last = paths.leftovers();
        paths.clear();
        synchronized (this) {
            for (String name : ledger.running()) {
                PathCounters c = last.getOrDefault(name, PathCounters.ZERO);
                ledger.ended(name, c);
                line(null, "path " + name + " " + why + " removed; its counters kept (" + c.bytesIn() + " B down, "
                        + c.bytesOut() + " B up, " + c.sessions() + " sessions moved)");
            }
            pathNames.clear();
            readCarried = new HashMap<>();
        }
    }

    private static ShareableBandwidth.Settings uncapped(ShareableBandwidth.Settings e, long capacity) {
        return new ShareableBandwidth.Settings(e.windowMs(), capacity, e.peakObservationMs(), e.marginPercent(),
                e.stepPercent(), e.minOfferKbps(), SharingCodec.MAX_KBPS, 100);
    }

    public void wake(Runnable w) {
        wake = w;
    }

    /** Adds {@code more} to {@link #counters} (and so to the status). */
    public void moreCounters(java.util.function.Supplier<Map<String, Long>> more) {
        moreCounters = more;
    }

    // ------------------------------------------------------------------ channel side

    @Override
    public synchronized void onMessage(String peerId, ByteBuffer plaintext, long now, Sender sender) {
        if (shutDown) {
            return; // the channel outlives this service by a tick at stop: its worker is gone
        }
        SharingMessage m;
        try {
            m = SharingCodec.parse(plaintext);
        } catch (SharingFormatException e) {
            drops.count(SharingDrop.SHARING_MALFORMED);
            return;
        }
        if (m instanceof SharingMessage.Offer o) {
            BorrowingSession b = borrowerSession(peerId);
            if (b == null && o.none()) {
                // "no bandwidth available" for a session this router has, whose agreement is gone
                // here already: it can only end what that session does
                b = borrowing.get(peerId);
            }
            if (b == null) {
                drops.count(SharingDrop.SHARING_NOT_BORROWER);
                return;
            }
            if (!o.none() && lcOnly(peerId, Role.REQUESTER) && !duplicationWants.test(peerId)) {
                // a path for LC copies nobody makes now: as "no bandwidth available", so an
                // open path drains and is released, and none is asked for
                o = new SharingMessage.Offer(o.offerId(), o.seq(), 0, 0, o.windowMs());
            }
            borrowerActions(b, b.onOffer(o, now), sender);
        } else if (m instanceof SharingMessage.Use u) {
            onUse(peerId, u, now, sender);
        } else if (m instanceof SharingMessage.Answer a) {
            BorrowingSession b = borrowing.get(peerId);
            if (b != null && b.repeats(a)) {
                return; // the answer to a USE of the lease
            }
            if (b == null || !b.expects(a)) {
                drops.count(SharingDrop.SHARING_UNEXPECTED);
                return;
            }
            borrowerActions(b, b.onAnswer(a, now), sender);
        } else if (m instanceof SharingMessage.Release r) {
            LendingSession l = lending.get(peerId);
            if (l == null) {
                send(sender, peerId, new SharingMessage.ReleaseAck(r.offerId())); // our first answer may have been lost
                return;
            }
            lenderActions(l, l.onRelease(), sender);
        } else {
            SharingMessage.ReleaseAck a = (SharingMessage.ReleaseAck) m;
            BorrowingSession b = borrowing.get(peerId);
            List<BorrowingSession.Action> acts = b == null ? List.of() : b.onReleaseAck(a, now);
            if (acts.isEmpty()) {
                drops.count(SharingDrop.SHARING_UNEXPECTED);
            }
            if (b != null) {
                borrowerActions(b, acts, sender);
            }
        }
    }

    private BorrowingSession borrowerSession(String sharerId) {
        if (!settings.borrow() || !enabled(sharerId, Role.REQUESTER)) {
            return null;
        }
        return borrowing.computeIfAbsent(sharerId, id -> new BorrowingSession(id, settings.forceTerminate()));
    }

    /**
     * Whether the agreement with {@code peerId} in {@code role} lets a path exist: it enables
     * bandwidth sharing, or duplication (the path then carries LC copies only, {@link #lcOnly}).
     */
    private boolean enabled(String peerId, Role role) {
        return peers.agreement(peerId, role).map(a -> a.enables(CooperationType.BANDWIDTH_SHARING)
                || a.enables(CooperationType.DUPLICATION)).orElse(false);
    }

    /**
     * Duplication alone (docs/latency.md section 8): the agreement enables {@code duplication} but
     * not {@code bandwidth_sharing}. The sharer then offers the agreement's duplication
     * {@code bandwidth_kbps} both ways, fixed (its owner approved that rate for LC copies, whatever
     * its own users do), its kernel quota holds the path to it; the borrower moves no session and
     * its member carries LC copies only, and only while its duplication wants the path.
     */
    private boolean lcOnly(String peerId, Role role) {
        return peers.agreement(peerId, role).map(SharingService::lcOnly).orElse(false);
    }

    private static boolean lcOnly(Agreement a) {
        return a.enables(CooperationType.DUPLICATION) && !a.enables(CooperationType.BANDWIDTH_SHARING);
    }

    /** Borrower: whether this router's duplication wants the path through {@code peerId} now; default no. */
    private volatile java.util.function.Predicate<String> duplicationWants = id -> false;

    /**
     * Borrower: who says whether duplication wants the path through a neighbour now (latency on,
     * the bond running, the channel up, common ISP not SAME: {@code DuplicationSwitch} ON with it).
     * A duplication-only sharer's offers count as 0 while it says no, so the path is released.
     */
    public void duplicationWants(java.util.function.Predicate<String> wants) {
        duplicationWants = wants == null ? id -> false : wants;
    }

    private void onUse(String borrowerId, SharingMessage.Use u, long now, Sender sender) {
        LendingSession l = lending.get(borrowerId);
        if (l != null && l.state() != LendingSession.State.CLOSED) {
            lenderActions(l, l.onUse(now), sender);
            return;
        }
        if (!settings.lend() || !enabled(borrowerId, Role.HELPER)) {
            refuse(borrowerId, u, SharingDrop.SHARING_REFUSED_NO_AGREEMENT, SharingMessage.Refusal.NO_AGREEMENT,
                    "no bandwidth_sharing or duplication agreement with this router as sharer", sender);
            return;
        }
        if (stopped.contains(borrowerId)) {
            refuse(borrowerId, u, SharingDrop.SHARING_REFUSED_STOPPED, SharingMessage.Refusal.NO_OFFER,
                    "lending to this router was stopped by the sharer's owner", sender);
            return;
        }
        SharingMessage.Offer o = offers.last(borrowerId);
        if (u.offerId() != offers.offerId() || o == null || o.none()) {
            refuse(borrowerId, u, SharingDrop.SHARING_REFUSED_NO_OFFER, SharingMessage.Refusal.NO_OFFER,
                    "offer " + String.format("%08x", u.offerId()) + " is not open", sender);
            return;
        }
        EmergencyMessage.Grant g;
        try {
            g = paths.grant(borrowerId, LendingSession.quotaBytes(o), o.windowMs());
        } catch (Exception e) {
            refuse(borrowerId, u, SharingDrop.SHARING_REFUSED_BUSY, SharingMessage.Refusal.BUSY, reasonOf(e), sender);
            return;
        }
        LendingSession s = new LendingSession(borrowerId, o, g, now);
        lending.put(borrowerId, s);
        line(borrowerId, "lending: USE for offer " + String.format("%08x", o.offerId()) + " accepted; setting the path up");
        lenderActions(s, s.start(), sender);
    }

    private void refuse(String peerId, SharingMessage.Use u, SharingDrop drop, SharingMessage.Refusal r, String why,
            Sender sender) {
        drops.count(drop);
        line(peerId, "lending: USE refused (" + r.name().toLowerCase() + "): " + why);
        send(sender, peerId, SharingMessage.Answer.refused(u.offerId(), r, why));
    }

    @Override
    public synchronized void tick(long now, Sender sender) {
        if (shutDown) {
            return;
        }
        for (Map.Entry<String, SharingMessage> e : outbox) {
            send(sender, e.getKey(), e.getValue());
        }
        outbox.clear();
        // readings a quarter of the window apart, at most 0.25 s: the owner's users get their line
        // back within one window even at T = 1 s (the estimate needs a sample or two, the borrower one more)
        boolean due = !requested || now - requestedNanos >= samplePeriodNanos;
        if (due && read(now)) {
            requested = true;
            requestedNanos = now;
        }
        // each reading is sampled at the first tick after it arrived (within 50 ms), not at the next
        // request: a reading a whole period old (0.25 s at T = 1 s) was what the estimate saw, and
        // the owner's own download waited that much longer for the offer to fall
        boolean second = readFresh;
        if (second) {
            readFresh = false;
            sample(now);
        }
        // a due offer goes out even while the worker is slow: it is the offer's lease
        if (settings.lend() && (second || offerNow || due)) {
            // each sample: a changed offer leaves at once; else once a second as its lease
            offerNow = false;
            offer(now, sender);
        }
        if (second) {
            rates(now);
        }
        for (LendingSession l : List.copyOf(lending.values())) {
            lenderActions(l, l.tick(now), sender);
            if (l.state() == LendingSession.State.CLOSED) {
                lending.remove(l.borrowerId());
            }
        }
        for (BorrowingSession b : List.copyOf(borrowing.values())) {
            borrowerActions(b, b.onChannel(peers.established(b.sharerId()), now), sender);
            if (second && b.state() != BorrowingSession.State.IDLE) {
                // unknown (conntrack unreadable) keeps the path: releasing it would cut live sessions
                int n = readSessions.getOrDefault(b.sharerId(), -1);
                borrowerActions(b, b.onSessions(n < 0 ? 1 : n, now), sender);
            }
            borrowerActions(b, b.tick(now), sender);
            if (second) {
                adjustShare(b, now);
                trim(b, now);
            }
        }
    }

    /**
     * Asks the worker for the readings (they may run commands: conntrack, nft counters), so the
     * channel's lock is never held over a process; the first tick after they arrive samples them.
     * False when the last request is still under way.
     */
    private boolean read(long now) {
        if (reading) {
            return false; // the one asked for is still under way: asked again at the next tick
        }
        reading = true;
        List<String> sharers = new ArrayList<>();
        // a transfer's least rate on its path: of what the sharer's quota sustains for the moved
        // sessions, of the own line for those at home
        Map<String, Long> movedTransferKbps = new HashMap<>();
        long homeTransferKbps = NewSessionShare.transferKbps(Math.max(down.capacityKbps(now), up.capacityKbps(now)));
        borrowing.forEach((id, b) -> {
            if (b.state() != BorrowingSession.State.IDLE) {
                sharers.add(id);
                SharingMessage.Offer o = b.offer(now);
                movedTransferKbps.put(id, o == null ? 0 : NewSessionShare.transferKbps(LendingSession.sustainedKbps(
                        Math.max(o.downKbps(), o.upKbps()), o.windowMs())));
            }
        });
        List<String> borrowers = new ArrayList<>(lending.keySet());
        boolean anyLending = !lending.isEmpty();
        worker.execute(() -> {
            SharingPaths.Bytes u = paths.uplink();
            SharingPaths.Bytes l = anyLending ? paths.lent() : SharingPaths.Bytes.ZERO;
            Map<String, Integer> sessions = new LinkedHashMap<>();
            Map<String, Integer> lentSessions = new LinkedHashMap<>();
            Map<String, PathCounters> carried = new HashMap<>();
            Map<String, SharingPaths.SessionSample> samples = new HashMap<>();
            long sampledAt = now; // the tick's: both readings of an interval lag theirs alike
            for (String id : sharers) {
                sessions.put(id, paths.sessions(id));
                samples.put(id, paths.sessionSample(id));
                carried.put(key(id, false), paths.carried(id, false));
            }
            for (String id : borrowers) {
                lentSessions.put(id, paths.lentSessions(id));
                carried.put(key(id, true), paths.carried(id, true));
            }
            synchronized (this) {
                readUplink = u;
                readLent = l;
                readSessions = sessions;
                readLentSessions = lentSessions;
                // the worker runs one task at a time: a path closed before this reading reads as zeros
                readCarried = carried;
                sessionReadings.update(samples, sampledAt, movedTransferKbps, homeTransferKbps);
                reading = false;
                readFresh = true;
            }
        });
        return true;
    }

    private void sample(long now) {
        SharingPaths.Bytes dev = readUplink;
        SharingPaths.Bytes lent = readLent;
        down.sample(now, dev.down(), lent.down());
        up.sample(now, dev.up(), lent.up());
        ShareableBandwidth.Decision d = down.evaluate(now);
        ShareableBandwidth.Decision u = up.evaluate(now);
        if (settings.lend() && (d.changed() || u.changed())) {
            line(null, "lending: spare " + d.shareableKbps() + " kbit/s down (" + d.why() + "), " + u.shareableKbps()
                    + " kbit/s up (" + u.why() + ")");
        }
        sampled = true;
        sampledNanos = now;
    }

    /** Sharer: each borrower's offer, sent on a change at once and else every second (the offer's lease). */
    private void offer(long now, Sender sender) {
        // one read of the store per sample: this runs under the channel's lock
        List<Agreement> borrowers = new ArrayList<>();
        for (Agreement a : peers.agreements(Role.HELPER)) {
            if ((a.enables(CooperationType.BANDWIDTH_SHARING) || a.enables(CooperationType.DUPLICATION))
                    && peers.established(a.peerId())) {
                borrowers.add(a);
            }
        }
        for (Agreement a : borrowers) {
            String id = a.peerId();
            boolean lcOnly = lcOnly(a);
            Map<String, Long> v = a.enabled().get(lcOnly ? CooperationType.DUPLICATION : CooperationType.BANDWIDTH_SHARING);
            SharerOffers.Caps caps = new SharerOffers.Caps(v.getOrDefault("bandwidth_kbps", 0L),
                    lcOnly ? 100 : (int) (long) v.getOrDefault("max_share_percent", 0L));
            if (stopped.contains(id) || stopsUnknown) {
                caps = new SharerOffers.Caps(0, 0); // the owner stopped lending to it: an offer of nothing
            }
            // duplication alone: the approved rate, not the spare (LC copies are few and must not
            // vanish when the own users download: suppression, not the offer, protects them)
            SharingMessage.Offer o = lcOnly ? offers.fixed(id, caps.agreedKbps())
                    : offers.offer(id, caps, down.announcedKbps(), up.announcedKbps(),
                    down.capacityKbps(now), up.capacityKbps(now), borrowers.size());
            Long seq = offerSentSeq.get(id);
            Long at = offerSentNanos.get(id);
            if (seq == null || seq != o.seq() || now - at >= SECOND) {
                if (send(sender, id, o)) {
                    if (seq == null || seq != o.seq()) { // the first offer to a borrower too: the admin sees what it began with
                        line(id, "lending: offer " + o.downKbps() + " kbit/s down, " + o.upKbps() + " kbit/s up"
                                + (stopped.contains(id) ? " (lending stopped by the owner)"
                                : o.none() ? " (no bandwidth available)" : ""));
                    }
                    offerSentSeq.put(id, o.seq());
                    offerSentNanos.put(id, now);
                }
            }
            LendingSession l = lending.get(id);
            if (l != null) {
                lenderActions(l, l.onOffer(o, drain(caps, now), now), sender);
            }
        }
        for (String id : List.copyOf(offerSentSeq.keySet())) {
            if (!enabled(id, Role.HELPER)) {
                withdrawn(id, sender, now);
            }
        }
    }

    /**
     * Sharer: the agreement with {@code id} was withdrawn (or no longer enables sharing). As the
     * emergency's helper ends its help at once, the borrower hears "no bandwidth available" now
     * instead of its offer expiring 3 s later: the per-packet member leaves its bonds and no new
     * session moves, in the same event; the path's quota falls to the floor for what drains, and
     * the path closes at the borrower's RELEASE or the lease's end, as after any offer of 0.
     */
    private void withdrawn(String id, Sender sender, long now) {
        SharingMessage.Offer none = offers.offer(id, new SharerOffers.Caps(0, 0), 0, 0, 0, 0, 1);
        send(sender, id, none); // not sent (channel down): the offer expires on the borrower as before
        line(id, "lending: the agreement was withdrawn: offer 0 kbit/s down, 0 kbit/s up (no bandwidth available)");
        LendingSession l = lending.get(id);
        if (l != null) {
            lenderActions(l, l.onOffer(none, drain(new SharerOffers.Caps(0, 0), now), now), sender);
        }
        offers.forget(id);
        offerSentSeq.remove(id);
        offerSentNanos.remove(id);
    }

    /** Sharer: what a borrower's moved sessions keep of this line while the offer is below it. */
    private LendingSession.Drain drain(SharerOffers.Caps caps, long now) {
        return LendingSession.Drain.of(down.capacityKbps(now), up.capacityKbps(now), caps.agreedKbps());
    }

    /** Borrower: the per mille of new sessions, recomputed at each sample while borrowing. */
    private void adjustShare(BorrowingSession b, long now) {
        String id = b.sharerId();
        SharingMessage.Offer o = b.offer(now);
        if (b.state() != BorrowingSession.State.BORROWING || o == null) {
            return; // the other states stop new sessions through their own SetShare(0)
        }
        if (lcOnly(id, Role.REQUESTER)) {
            return; // duplication alone moves no session: BORROWING starts at share 0 and stays there
        }
        long[] via = rateNow.getOrDefault(key(id, false), new long[] {0, 0, 0, 0});
        SessionReadings.Reading r = sessionReadings.get(id);
        SessionGoodput.PerSession moved = r == null ? SessionGoodput.PerSession.UNKNOWN : r.moved();
        SessionGoodput.PerSession home = r == null ? SessionGoodput.PerSession.UNKNOWN : r.home();
        NewSessionShare.Decision d = share.decide(new NewSessionShare.Inputs(
                new NewSessionShare.Direction(o.downKbps(), down.capacityKbps(now), Math.max(0, down.ownKbps(now)),
                        down.ownRecentKbps(now), via[0], via[2], moved.downKbps(), home.downKbps(), moved.sessions(),
                        home.sessions(), moved.downTotalKbps(), home.downTotalKbps()),
                new NewSessionShare.Direction(o.upKbps(), up.capacityKbps(now), Math.max(0, up.ownKbps(now)),
                        up.ownRecentKbps(now), via[1], via[3], moved.upKbps(), home.upKbps(), moved.sessions(),
                        home.sessions(), moved.upTotalKbps(), home.upTotalKbps()),
                o.windowMs(), learned.getOrDefault(id, NewSessionShare.Learned.NONE), r == null ? -1 : r.newSessions()));
        learned.put(id, d.learned());
        Integer had = shareSet.get(id);
        if (had != null && had == d.perMille()) {
            return;
        }
        // one line when moves stop or start, or the split moved far from the last one logged:
        // the learned split steps every second while it adapts, which is not an admin's event
        Integer logged = shareLogged.get(id);
        if (logged == null || (logged == 0) != (d.perMille() == 0) || Math.abs(logged - d.perMille()) >= 200) {
            line(id, "borrowing: " + d.why());
            shareLogged.put(id, d.perMille());
        }
        shareSet.put(id, d.perMille());
        worker.execute(() -> {
            try {
                paths.setShare(id, d.perMille());
            } catch (Exception e) {
                synchronized (this) {
                    shareSet.remove(id);
                    line(id, "borrowing: cannot set the share of new sessions: " + reasonOf(e));
                }
            }
        });
    }

    /**
     * Borrower: the second step of a lower offer's trim, at the sample after the first reading: the
     * sessions' rates over the interval, the newest reset until the rest fit ({@link SessionTrim}).
     */
    private void trim(BorrowingSession b, long now) {
        String id = b.sharerId();
        Trim t = trims.get(id);
        if (t == null) {
            return;
        }
        if (b.state() != BorrowingSession.State.BORROWING) {
            trims.remove(id); // draining resets all of them, or none
            return;
        }
        if (t.first() == null) {
            if (t.firstNanos() >= 0) {
                return; // the first reading is under way
            }
            Trim asked = new Trim(t.downKbps(), t.upKbps(), t.why(), null, now);
            trims.put(id, asked);
            worker.execute(() -> {
                List<SharingPaths.MovedSession> first = paths.movedSessions(id);
                synchronized (this) {
                    if (trims.get(id) != asked) {
                        return; // a newer offer started its own
                    }
                    if (first == null) {
                        trims.remove(id);
                        line(id, "borrowing: cannot read conntrack; no session reset (" + t.why() + ")");
                    } else {
                        trims.put(id, new Trim(t.downKbps(), t.upKbps(), t.why(), first, now));
                    }
                }
            });
            return;
        }
        trims.remove(id);
        long interval = now - t.firstNanos();
        worker.execute(() -> {
            List<SharingPaths.MovedSession> second = paths.movedSessions(id);
            if (second == null) {
                synchronized (this) {
                    line(id, "borrowing: cannot read conntrack; no session reset (" + t.why() + ")");
                }
                return;
            }
            List<SharingPaths.MovedSession> victims = SessionTrim.victims(t.first(), second, interval, t.downKbps(),
                    t.upKbps());
            if (!victims.isEmpty()) {
                paths.resetSessions(id, victims);
            }
            synchronized (this) {
                line(id, "borrowing: " + t.why() + ": reset the " + victims.size() + " newest of " + second.size()
                        + " moved sessions");
            }
        });
    }

    private final Map<String, PathRates> rates = new LinkedHashMap<>();

    /** At each sample: the rate through every open path, from its kernel counters, both roles. */
    private void rates(long now) {
        long window = settings.estimate().windowMs() * 1_000_000L;
        List<String> open = new ArrayList<>();
        lending.keySet().forEach(id -> open.add(key(id, true)));
        borrowing.forEach((id, b) -> {
            if (b.state() != BorrowingSession.State.IDLE) {
                open.add(key(id, false));
            }
        });
        rates.keySet().retainAll(open);
        rateNow.keySet().retainAll(open);
        for (String k : open) {
            PathCounters c = readCarried.getOrDefault(k, PathCounters.ZERO);
            rateNow.put(k, rates.computeIfAbsent(k, x -> new PathRates()).kbps(now, new SharingPaths.Bytes(c.bytesIn(),
                    c.bytesOut()), window, down.recentNanos()));
        }
    }

    // ------------------------------------------------------------------ actions

    private void borrowerActions(BorrowingSession b, List<BorrowingSession.Action> actions, Sender sender) {
        String id = b.sharerId();
        for (BorrowingSession.Action a : actions) {
            if (a instanceof BorrowingSession.Send s) {
                send(sender, id, s.message());
            } else if (a instanceof BorrowingSession.Changed c) {
                line(id, "borrowing: " + c.from().name().toLowerCase() + " -> " + c.to().name().toLowerCase() + ": " + c.why());
            } else if (a instanceof BorrowingSession.OpenPath o) {
                InetAddress addr = peers.address(id);
                worker.execute(() -> {
                    String error = null;
                    try {
                        paths.openBorrow(id, addr, o.grant());
                    } catch (Exception e) {
                        error = reasonOf(e);
                    }
                    if (error == null) {
                        opened(id, false);
                    }
                    synchronized (this) {
                        borrowerActions(b, b.onPathOpened(error, now()), null);
                    }
                    wake.run();
                });
            } else if (a instanceof BorrowingSession.SetShare s) {
                shareSet.put(id, s.perMille());
                worker.execute(() -> {
                    try {
                        paths.setShare(id, s.perMille());
                    } catch (Exception e) {
                        synchronized (this) {
                            line(id, "borrowing: cannot set the share of new sessions: " + reasonOf(e));
                        }
                    }
                });
            } else if (a instanceof BorrowingSession.ResetSessions r) {
                line(id, "borrowing: resetting the sessions moved to the sharer (" + r.why() + ")");
                worker.execute(() -> paths.resetSessions(id));
            } else if (a instanceof BorrowingSession.TrimSessions t) {
                // both readings follow sample ticks, so the interval between them is the ticks'
                trims.put(id, new Trim(t.downKbps(), t.upKbps(), t.why(), null, -1));
            } else if (a instanceof BorrowingSession.ClosePath) {
                shareSet.remove(id);
                learned.remove(id);
                shareLogged.remove(id);
                trims.remove(id);
                worker.execute(() -> closed(id, false, () -> paths.closeBorrow(id)));
            }
        }
        memberOffer(b);
    }

    /** The offer the per-packet variant's member was last given, per sharer: {down, up} kbit/s. */
    private final Map<String, List<Long>> memberSet = new LinkedHashMap<>();

    /**
     * Borrower, per-packet variant: the offer in force while BORROWING (else 0 both ways) goes to
     * the path at once, so the member through the sharer follows every new offer and leaves the
     * bond on offer 0, expiry or drain in the same event ({@link SharingPaths#setOffer}).
     */
    private void memberOffer(BorrowingSession b) {
        String id = b.sharerId();
        SharingMessage.Offer o = b.state() == BorrowingSession.State.BORROWING ? b.offer(now()) : null;
        long lcOnly = lcOnly(id, Role.REQUESTER) ? 1 : 0;
        List<Long> want = o == null ? List.of(0L, 0L, lcOnly) : List.of(o.downKbps(), o.upKbps(), lcOnly);
        if (want.equals(memberSet.getOrDefault(id, List.of(0L, 0L, lcOnly)))) {
            return;
        }
        memberSet.put(id, want);
        worker.execute(() -> {
            try {
                paths.setOffer(id, want.get(0), want.get(1), want.get(2) == 1);
            } catch (Exception e) {
                synchronized (this) {
                    memberSet.remove(id);
                    line(id, "borrowing: cannot give the offer to the member through the sharer: " + reasonOf(e));
                }
            }
        });
    }

    private void lenderActions(LendingSession l, List<LendingSession.Action> actions, Sender sender) {
        String id = l.borrowerId();
        for (LendingSession.Action a : actions) {
            if (a instanceof LendingSession.Send s) {
                send(sender, id, s.message());
            } else if (a instanceof LendingSession.Changed c) {
                line(id, "lending: " + c.from().name().toLowerCase() + " -> " + c.to().name().toLowerCase() + ": " + c.why());
                if (c.to() == LendingSession.State.CLOSED && c.why().startsWith("set-up failed")) {
                    drops.count(SharingDrop.SHARING_SETUP_FAILED);
                }
            } else if (a instanceof LendingSession.OpenPath o) {
                InetAddress addr = peers.address(id);
                worker.execute(() -> {
                    String error = null;
                    try {
                        paths.openLend(id, addr, o.grant());
                    } catch (Exception e) {
                        error = reasonOf(e);
                    }
                    if (error == null) {
                        opened(id, true);
                    }
                    synchronized (this) {
                        lenderActions(l, l.onPathOpened(error), null);
                        if (l.state() == LendingSession.State.CLOSED && lending.get(id) == l) {
                            lending.remove(id);
                        }
                    }
                    wake.run();
                });
            } else if (a instanceof LendingSession.SetQuota q) {
                worker.execute(() -> {
                    try {
                        paths.setLendQuota(id, q.downBytes(), q.upBytes(), q.windowMs());
                    } catch (Exception e) {
                        synchronized (this) {
                            line(id, "lending: cannot change the quota: " + reasonOf(e));
                        }
                    }
                });
            } else if (a instanceof LendingSession.ClosePath) {
                worker.execute(() -> closed(id, true, () -> paths.closeLend(id)));
            }
        }
    }

    /** Worker: a path opened; the ledger counts it running under its kernel name (if the kernel keeps its counters). */
    private void opened(String peerId, boolean lending) {
        String name = paths.pathName(peerId, lending);
        if (name == null) {
            return;
        }
        ledger.started(name, peerId, lending ? "sharer" : "borrower");
        synchronized (this) {
            pathNames.put(key(peerId, lending), name);
        }
    }

    /**
     * Worker: closes a path with {@code close}, its counters read just before; they go to the
     * ledger and leave the readings in one step, so no status counts them twice or not at all.
     */
    private void closed(String peerId, boolean lending, Runnable close) {
        PathCounters last = paths.carried(peerId, lending);
        close.run();
        synchronized (this) {
            String k = key(peerId, lending);
            String name = pathNames.remove(k);
            if (name != null) {
                ledger.ended(name, last);
            }
            readCarried.remove(k);
        }
    }

    /** Sends now when the channel's sender is at hand, else at the next tick (asked for at once). */
    private boolean send(Sender sender, String peerId, SharingMessage m) {
        if (sender == null) {
            outbox.add(Map.entry(peerId, m));
            wake.run();
            return true;
        }
        return sender.send(peerId, SharingCodec.encode(m));
    }

    /** The time of a result from the worker: the last tick's (the worker has no clock of its own). */
    private long now() {
        return sampledNanos;
    }

    private void line(String peerId, String text) {
        try {
            log.accept("sharing: " + (peerId == null ? "" : peerId + ": ") + text);
        } catch (RuntimeException e) {
            // the log is best effort
        }
    }

    private static String reasonOf(Exception e) {
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    /** Removes every path of both roles (the daemon's stop or a reload); waits up to 5 s for the worker. */
    @Override
    public void close() {
        synchronized (this) {
            if (shutDown) {
                return;
            }
            shutDown = true;
        }
        worker.execute(() -> endAll("at stop"));
        worker.shutdown();
        try {
            worker.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------ status

    @Override
    public Map<String, Long> counters() {
        Map<String, Long> m = new LinkedHashMap<>();
        drops.nonZero().forEach((k, v) -> m.put(k.name(), v));
        m.putAll(moreCounters.get());
        return m;
    }

    /** Both roles now, with the kernel's counters and the kept totals, for the front-ends. */
    public synchronized SharingStatus status() {
        long now = sampledNanos;
        // the kept totals of ended paths, by key, plus what the open paths carried so far
        Map<String, long[]> total = new HashMap<>();
        for (EmergencyStatus.Total t : ledger.totals()) {
            add(total, key(t.peerId(), t.role().equals("sharer")), t.bytesIn(), t.bytesOut(), t.sessions());
        }
        readCarried.forEach((k, c) -> add(total, k, c.bytesIn(), c.bytesOut(), c.sessions()));
        long[] lent = new long[3];
        long[] borrowed = new long[3];
        total.forEach((k, v) -> {
            long[] sum = k.startsWith("lend:") ? lent : borrowed;
            for (int i = 0; i < 3; i++) {
                sum[i] += v[i];
            }
        });
        long sessionsLent = 0;
        List<SharingStatus.Lending> lend = new ArrayList<>();
        for (String id : borrowersToShow()) {
            SharingMessage.Offer o = offers.last(id);
            LendingSession l = lending.get(id);
            long[] t = total.getOrDefault(key(id, true), new long[3]);
            long[] r = rateNow.getOrDefault(key(id, true), new long[2]);
            long n = l == null ? 0 : Math.max(0, readLentSessions.getOrDefault(id, 0));
            sessionsLent += n;
            lend.add(new SharingStatus.Lending(id, o == null ? 0 : o.downKbps(), o == null ? 0 : o.upKbps(),
                    l == null ? "NONE" : l.state().name(), l == null ? 0 : l.quotaBytes(), stopped.contains(id), n,
                    r[0], r[1], t[0], t[1]));
        }
        long sessionsBorrowed = 0;
        List<SharingStatus.Borrowing> borrow = new ArrayList<>();
        for (Map.Entry<String, BorrowingSession> e : borrowing.entrySet()) {
            String id = e.getKey();
            BorrowingSession b = e.getValue();
            SharingMessage.Offer o = b.offer(now);
            long[] t = total.getOrDefault(key(id, false), new long[3]);
            long[] r = rateNow.getOrDefault(key(id, false), new long[2]);
            long n = b.state() == BorrowingSession.State.IDLE ? 0 : Math.max(0, readSessions.getOrDefault(id, 0));
            sessionsBorrowed += n;
            borrow.add(new SharingStatus.Borrowing(id, b.state().name(), o == null ? 0 : o.downKbps(),
                    o == null ? 0 : o.upKbps(), shareSet.getOrDefault(id, 0), n, t[2], r[0], r[1], t[0], t[1]));
        }
        SharingStatus.Totals totals = new SharingStatus.Totals(sessionsLent, sessionsBorrowed, borrowed[2], lent[0],
                lent[1], borrowed[0], borrowed[1]);
        return new SharingStatus(settings.lend(), settings.borrow(), down.announcedKbps(), up.announcedKbps(), lend,
                borrow, counters(), totals);
    }

    private static void add(Map<String, long[]> total, String key, long down, long up, long sessions) {
        long[] v = total.computeIfAbsent(key, k -> new long[3]);
        v[0] += down;
        v[1] += up;
        v[2] += sessions;
    }

    /**
     * The borrowers the owner sees (and may stop or resume): every agreement with
     * bandwidth_sharing in which this router is the sharer, and any still offered, lent to or stopped.
     */
    private List<String> borrowersToShow() {
        Set<String> ids = new LinkedHashSet<>();
        for (Agreement a : peers.agreements(Role.HELPER)) {
            if (a.enables(CooperationType.BANDWIDTH_SHARING) || offers.last(a.peerId()) != null) {
                ids.add(a.peerId());
            }
        }
        ids.addAll(lending.keySet());
        ids.addAll(stopped);
        return new ArrayList<>(ids);
    }

    // ------------------------------------------------------------------ the sharer's owner

    /**
     * The owner stops lending to {@code borrowerId}: the stop is kept first (a restart must not
     * lend again silently), then an offer of nothing leaves at the next tick, asked for at once;
     * the borrower moves no new session and drains (or resets) the moved ones as for any offer
     * withdrawn, and its USE for a new path is refused until {@link #resumeLending}. Stopping
     * twice is harmless.
     *
     * @param via who stopped it, for the log ("web", "cli", "snmp", "luci")
     * @return false when {@code borrowerId} is no borrower of this router (no agreement with
     *         bandwidth_sharing as sharer, nothing offered, not stopped)
     * @throws IllegalStateException the stop cannot be kept (nothing changed)
     */
    public synchronized boolean stopLending(String borrowerId, String via) {
        if (!borrowersToShow().contains(borrowerId)) {
            return false;
        }
        if (stopped.contains(borrowerId)) {
            return true;
        }
        stops.stop(borrowerId, via);
        stopped.add(borrowerId);
        offerNow = true;
        LendingSession l = lending.get(borrowerId);
        line(borrowerId, "lending: stopped by the owner (" + via + "): offering nothing"
                + (l == null ? "" : ", the path's sessions drain") + "; its USE is refused until resumed");
        wake.run();
        return true;
    }

    /**
     * The owner resumes lending to {@code borrowerId}: it is offered its share again at the next
     * tick, asked for at once. Resuming one not stopped is harmless.
     *
     * @return false when {@code borrowerId} is no borrower of this router
     * @throws IllegalStateException the resume cannot be kept (nothing changed)
     */
    public synchronized boolean resumeLending(String borrowerId, String via) {
        if (!borrowersToShow().contains(borrowerId)) {
            return false;
        }
        if (!stopped.contains(borrowerId)) {
            return true;
        }
        stops.resume(borrowerId);
        stopped.remove(borrowerId);
        offerNow = true;
        line(borrowerId, "lending: resumed by the owner (" + via + ")");
        wake.run();
        return true;
    }

    /** For tests and status: the borrower's state per sharer. */
    public synchronized Map<String, String> borrowingStates() {
        Map<String, String> m = new LinkedHashMap<>();
        borrowing.forEach((k, v) -> m.put(k, v.state().name()));
        return m;
    }

    /** For tests and status: the sharer's paths per borrower. */
    public synchronized Map<String, String> lendingStates() {
        Map<String, String> m = new LinkedHashMap<>();
        lending.forEach((k, v) -> m.put(k, v.state().name()));
        return m;
    }

    /** The last offer made to {@code borrowerId}, or null. */
    public synchronized SharingMessage.Offer offerTo(String borrowerId) {
        return offers.last(borrowerId);
    }
}
