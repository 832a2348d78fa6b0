package net.coopwan.daemon.coop.sharing;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;

import net.coopwan.config.CooperationType;
import net.coopwan.daemon.coop.agreement.Agreement;
import net.coopwan.daemon.coop.agreement.Role;
import net.coopwan.daemon.coop.channel.SealedMessages;
import net.coopwan.daemon.coop.emergency.EmergencyMessage;
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
    /** Messages decided off the channel's thread, sent at the next tick. */
    private final List<Map.Entry<String, SharingMessage>> outbox = new ArrayList<>();
    private boolean sampled;
    private long sampledNanos;
    private final long samplePeriodNanos;
    // the worker's last readings (read())
    private boolean reading;
    private SharingPaths.Bytes readUplink = SharingPaths.Bytes.ZERO;
    private SharingPaths.Bytes readLent = SharingPaths.Bytes.ZERO;
    private Map<String, Integer> readSessions = Map.of();
    private Map<String, SharingPaths.Bytes> readBorrowed = Map.of();
    /** Asks the channel for a tick now. */
    private volatile Runnable wake = () -> { };

    public SharingService(Settings settings, Peers peers, SharingPaths paths, ExecutorService worker, Consumer<String> log,
            long offerId) {
        this.settings = settings;
        this.peers = peers;
        this.paths = paths;
        this.worker = worker;
        this.log = log;
        ShareableBandwidth.Settings e = settings.estimate();
        this.down = new ShareableBandwidth(uncapped(e, settings.capacityDownKbps()));
        this.up = new ShareableBandwidth(uncapped(e, settings.capacityUpKbps()));
        this.offers = new SharerOffers(offerId, settings.quotaWindowMs());
        this.share = new NewSessionShare(settings.busyPercent());
        this.samplePeriodNanos = Math.min(SECOND, Math.max(100_000_000L, settings.estimate().windowMs() * 1_000_000L / 4));
        worker.execute(paths::clear);
    }

    private static ShareableBandwidth.Settings uncapped(ShareableBandwidth.Settings e, long capacity) {
        return new ShareableBandwidth.Settings(e.windowMs(), capacity, e.peakObservationMs(), e.marginPercent(),
                e.stepPercent(), e.minOfferKbps(), SharingCodec.MAX_KBPS, 100);
    }

    public void wake(Runnable w) {
        wake = w;
    }

    // ------------------------------------------------------------------ channel side

    @Override
    public synchronized void onMessage(String peerId, ByteBuffer plaintext, long now, Sender sender) {
        SharingMessage m;
        try {
            m = SharingCodec.parse(plaintext);
        } catch (SharingFormatException e) {
            drops.count(SharingDrop.SHARING_MALFORMED);
            return;
        }
        if (m instanceof SharingMessage.Offer o) {
            BorrowingSession b = borrowerSession(peerId);
            if (b == null) {
                drops.count(SharingDrop.SHARING_NOT_BORROWER);
                return;
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

    private boolean enabled(String peerId, Role role) {
        return peers.agreement(peerId, role).map(a -> a.enables(CooperationType.BANDWIDTH_SHARING)).orElse(false);
    }

    private void onUse(String borrowerId, SharingMessage.Use u, long now, Sender sender) {
        LendingSession l = lending.get(borrowerId);
        if (l != null && l.state() != LendingSession.State.CLOSED) {
            lenderActions(l, l.onUse(now), sender);
            return;
        }
        if (!settings.lend() || !enabled(borrowerId, Role.HELPER)) {
            refuse(borrowerId, u, SharingDrop.SHARING_REFUSED_NO_AGREEMENT, SharingMessage.Refusal.NO_AGREEMENT,
                    "no bandwidth_sharing agreement with this router as sharer", sender);
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
        for (Map.Entry<String, SharingMessage> e : outbox) {
            send(sender, e.getKey(), e.getValue());
        }
        outbox.clear();
        // a quarter of the window, at most a second: the owner's users get their line back within
        // one window even at T = 1 s (the estimate needs a sample or two, the borrower one more)
        boolean second = !sampled || now - sampledNanos >= samplePeriodNanos;
        if (second) {
            read();
            sample(now);
        }
        if (settings.lend() && second) {
            // each sample: a changed offer leaves at once; else once a second as its lease
            offer(now, sender);
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
            }
        }
    }

    /**
     * Asks the worker for the readings (they may run commands: conntrack, nft counters), so the
     * channel's lock is never held over a process; this sample uses the last ones.
     */
    private void read() {
        if (reading) {
            return;
        }
        reading = true;
        List<String> sharers = new ArrayList<>();
        borrowing.forEach((id, b) -> {
            if (b.state() != BorrowingSession.State.IDLE) {
                sharers.add(id);
            }
        });
        boolean anyLending = !lending.isEmpty();
        worker.execute(() -> {
            SharingPaths.Bytes u = paths.uplink();
            SharingPaths.Bytes l = anyLending ? paths.lent() : SharingPaths.Bytes.ZERO;
            Map<String, Integer> sessions = new LinkedHashMap<>();
            Map<String, SharingPaths.Bytes> via = new LinkedHashMap<>();
            for (String id : sharers) {
                sessions.put(id, paths.sessions(id));
                via.put(id, paths.borrowed(id));
            }
            synchronized (this) {
                readUplink = u;
                readLent = l;
                readSessions = sessions;
                readBorrowed = via;
                reading = false;
            }
        });
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
            if (a.enables(CooperationType.BANDWIDTH_SHARING) && peers.established(a.peerId())) {
                borrowers.add(a);
            }
        }
        for (Agreement a : borrowers) {
            String id = a.peerId();
            Map<String, Long> v = a.enabled().get(CooperationType.BANDWIDTH_SHARING);
            SharerOffers.Caps caps = new SharerOffers.Caps(v.getOrDefault("bandwidth_kbps", 0L),
                    (int) (long) v.getOrDefault("max_share_percent", 0L));
            SharingMessage.Offer o = offers.offer(id, caps, down.announcedKbps(), up.announcedKbps(),
                    down.capacityKbps(now), up.capacityKbps(now), borrowers.size());
            Long seq = offerSentSeq.get(id);
            Long at = offerSentNanos.get(id);
            if (seq == null || seq != o.seq() || now - at >= SECOND) {
                if (send(sender, id, o)) {
                    if (seq != null && seq != o.seq()) {
                        line(id, "lending: offer " + o.downKbps() + " kbit/s down, " + o.upKbps() + " kbit/s up"
                                + (o.none() ? " (no bandwidth available)" : ""));
                    }
                    offerSentSeq.put(id, o.seq());
                    offerSentNanos.put(id, now);
                }
            }
            LendingSession l = lending.get(id);
            if (l != null) {
                lenderActions(l, l.onOffer(o, now), sender);
            }
        }
    }

    /** Borrower: the per mille of new sessions, recomputed at each sample while borrowing. */
    private void adjustShare(BorrowingSession b, long now) {
        String id = b.sharerId();
        SharingMessage.Offer o = b.offer(now);
        if (b.state() != BorrowingSession.State.BORROWING || o == null) {
            return; // the other states stop new sessions through their own SetShare(0)
        }
        long[] viaKbps = rates.computeIfAbsent(id, k -> new Rates()).kbps(now,
                readBorrowed.getOrDefault(id, SharingPaths.Bytes.ZERO), settings.estimate().windowMs() * 1_000_000L);
        NewSessionShare.Decision d = share.decide(new NewSessionShare.Inputs(o.downKbps(), o.upKbps(),
                down.capacityKbps(now), up.capacityKbps(now), Math.max(0, down.ownKbps(now)),
                Math.max(0, up.ownKbps(now)), viaKbps[0], viaKbps[1], o.windowMs()));
        Integer had = shareSet.get(id);
        if (had != null && had == d.perMille()) {
            return;
        }
        line(id, "borrowing: " + d.why());
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

    /** The rate through one sharer's path over the last window, from its byte counts at each sample. */
    private static final class Rates {
        private final java.util.ArrayDeque<long[]> samples = new java.util.ArrayDeque<>();

        long[] kbps(long now, SharingPaths.Bytes b, long windowNanos) {
            samples.addLast(new long[] {now, b.down(), b.up()});
            // keep the newest sample at least a window old, so the rate spans the whole window
            while (samples.size() > 2) {
                java.util.Iterator<long[]> it = samples.iterator();
                it.next();
                if (now - it.next()[0] < windowNanos) {
                    break;
                }
                samples.removeFirst();
            }
            long[] first = samples.peekFirst();
            long dt = now - first[0];
            if (dt <= 0) {
                return new long[] {0, 0};
            }
            return new long[] {Math.max(0, (b.down() - first[1]) * 8_000_000 / dt),
                Math.max(0, (b.up() - first[2]) * 8_000_000 / dt)};
        }
    }

    private final Map<String, Rates> rates = new LinkedHashMap<>();

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
            } else if (a instanceof BorrowingSession.ClosePath) {
                shareSet.remove(id);
                rates.remove(id);
                worker.execute(() -> paths.closeBorrow(id));
            }
        }
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
            } else if (a instanceof LendingSession.SettleQuota) {
                worker.execute(() -> paths.settleLendQuota(id));
            } else if (a instanceof LendingSession.ClosePath) {
                worker.execute(() -> paths.closeLend(id));
            }
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
        worker.execute(paths::clear);
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
        return m;
    }

    /** Both roles now, for the front-ends. */
    public synchronized net.coopwan.daemon.api.SharingStatus status() {
        long now = sampledNanos;
        List<net.coopwan.daemon.api.SharingStatus.Lending> lend = new ArrayList<>();
        for (Agreement a : peers.agreements(Role.HELPER)) {
            String id = a.peerId();
            SharingMessage.Offer o = offers.last(id);
            LendingSession l = lending.get(id);
            if (o == null && l == null) {
                continue;
            }
            lend.add(new net.coopwan.daemon.api.SharingStatus.Lending(id, o == null ? 0 : o.downKbps(),
                    o == null ? 0 : o.upKbps(), l == null ? "NONE" : l.state().name(), l == null ? 0 : l.quotaBytes()));
        }
        List<net.coopwan.daemon.api.SharingStatus.Borrowing> borrow = new ArrayList<>();
        borrowing.forEach((id, b) -> {
            SharingMessage.Offer o = b.offer(now);
            borrow.add(new net.coopwan.daemon.api.SharingStatus.Borrowing(id, b.state().name(), o == null ? 0 : o.downKbps(),
                    o == null ? 0 : o.upKbps(), shareSet.getOrDefault(id, 0)));
        });
        return new net.coopwan.daemon.api.SharingStatus(settings.lend(), settings.borrow(), down.announcedKbps(),
                up.announcedKbps(), lend, borrow, counters());
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
