package net.coopwan.daemon.coop.negotiation;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

import net.coopwan.config.CooperationType;
import net.coopwan.daemon.api.AgreementChanged;
import net.coopwan.daemon.api.AgreementStatus;
import net.coopwan.daemon.api.ControlException;
import net.coopwan.daemon.api.InfoRequested;
import net.coopwan.daemon.api.OfferSent;
import net.coopwan.daemon.api.PeerInfo;
import net.coopwan.daemon.api.ParameterSpan;
import net.coopwan.daemon.api.PendingApproval;
import net.coopwan.daemon.coop.agreement.Agreement;
import net.coopwan.daemon.coop.agreement.AgreementRules;
import net.coopwan.daemon.coop.agreement.ApprovalRequest;
import net.coopwan.daemon.coop.agreement.Approver;
import net.coopwan.daemon.coop.agreement.CooperationRequest;
import net.coopwan.daemon.coop.agreement.Offer;
import net.coopwan.daemon.coop.agreement.OwnerDecision;
import net.coopwan.daemon.coop.agreement.RejectReason;
import net.coopwan.daemon.coop.agreement.Rejection;
import net.coopwan.daemon.coop.agreement.RepeatCheck;
import net.coopwan.daemon.coop.agreement.Role;
import net.coopwan.daemon.coop.agreement.Verdict;
import net.coopwan.daemon.coop.channel.ChannelService;
import net.coopwan.daemon.coop.channel.ChannelState;
import net.coopwan.daemon.coop.channel.PeerChannel;
import net.coopwan.daemon.coop.channel.SealedMessages;
import net.coopwan.daemon.counters.EnumCounters;
import net.coopwan.daemon.store.AgreementStore;
import net.coopwan.daemon.store.StoreException;

/**
 * The handshake of FIG. 3A over the secure channel, both roles at once (docs/PROTOCOL.md 3.11):
 *
 * <pre>
 * requester                                   helper
 *   requestCooperation --OFFER-------------->  checkOffer; pending (store); owner sees it
 *                     <-----------------ACK--
 *                                              owner: approve (decide; agreement stored) | reject
 *                     <--RESPONSE------------
 *   acceptResponse: agreement stored          (a refusal: VERDICT back, helper deletes its agreement)
 *   later: REQUEST ------------------------->  checkRequest against the agreement
 *                     <--VERDICT (accepted | failed rules)
 *   any time: INFO_REQUEST ----------------->  ownInfo: the uplinks and traffic, or the owner's refusal
 *                     <--INFO (both roles may ask; the last INFO per peer is kept in memory)
 * </pre>
 *
 * Every message but an ACK is resent every {@link #RESEND_NANOS} until acknowledged, at most
 * {@link #MAX_TRIES} times; a receiver acknowledges every copy and acts on a message id once
 * (the last {@link #SEEN_IDS} ids per peer are remembered). One log line per state change, with
 * the peer and the reason.
 *
 * <p>Threads: {@link #onMessage} and {@link #tick} come from the channel service under its lock;
 * the owner's calls come from front-end threads and only queue messages (sent on the next tick,
 * within 50 ms), so the lock order is always service, then this.
 */
public final class Negotiation implements SealedMessages {
    /** Resend period: a few round trips on a peer link even at its worst, and what an owner waits for. */
    public static final long RESEND_NANOS = 1_000_000_000L;
    /** Sends of one message before it is given up: 10 s, twice the channel's dead time. */
    public static final int MAX_TRIES = 10;
    /** Message ids remembered per peer for duplicate detection: far more than can be in flight. */
    public static final int SEEN_IDS = 256;
    /** Longest owner's reason for a rejection. */
    public static final int MAX_REASON = 200;

    private final ChannelService channel;
    private final AgreementStore store;
    private final Supplier<Offer> ownOffer;
    private final Consumer<String> log;
    private final Consumer<AgreementChanged> publish;
    private final Clock clock;
    private final LongSupplier nanos;

    private final EnumCounters<NegotiationDrop> drops = new EnumCounters<>(NegotiationDrop.class);
    private final EnumCounters<RejectReason> requestRejections = new EnumCounters<>(RejectReason.class);
    private long requestsAccepted;

    private long nextId;
    /** Per peer: messages sent and not yet acknowledged, by id. */
    private final Map<String, Map<Long, Outgoing>> outgoing = new TreeMap<>();
    private final Map<String, LinkedHashSet<Long>> seen = new TreeMap<>();
    /** The offer last sent to each peer: a response is checked against it. */
    private final Map<String, Offer> advertised = new TreeMap<>();
    /** Ids of our responses and requests still answerable by a verdict, to the peer they went to. */
    private final Map<Long, String> sentResponses = new LinkedHashMap<>();
    private final Map<Long, CooperationRequest> sentRequests = new LinkedHashMap<>();
    /** The verdicts on our requests, newest last (bounded). */
    private final Map<Long, CoopMessage.VerdictMessage> verdicts = new LinkedHashMap<>();
    /** Ids of our INFO_REQUESTs still answerable, to the peer they went to (bounded). */
    private final Map<Long, String> sentInfoRequests = new LinkedHashMap<>();
    /** The last INFO from each peer, in memory only: it describes the moment it was asked. */
    private final Map<String, PeerInfo> peerInfo = new TreeMap<>();
    /** This router's information for a peer that asks; set by the daemon ({@link #ownInfo}). */
    private volatile Supplier<RouterInfo> ownInfo = () -> RouterInfo.refused("this router has no information to share");

    private static final class Outgoing {
        final String peerId;
        final long id;
        final byte[] bytes;
        final String what;
        int tries;
        long nextNanos;

        Outgoing(String peerId, long id, byte[] bytes, String what, long nextNanos) {
            this.peerId = peerId;
            this.id = id;
            this.bytes = bytes;
            this.what = what;
            this.nextNanos = nextNanos;
        }
    }

    /**
     * @param channel  the paired peers and their channel state (for {@link #requestCooperation})
     * @param store    pending approvals and agreements
     * @param ownOffer this router's offer (its enabled {@code config offer} sections), read at each request
     * @param log      one line per state change (the daemon's event log)
     * @param publish  state changes for front-ends; called under the service's lock, so it must only queue
     */
    public Negotiation(ChannelService channel, AgreementStore store, Supplier<Offer> ownOffer, Consumer<String> log,
            Consumer<AgreementChanged> publish, Clock clock, LongSupplier nanos, RandomGenerator random) {
        this.channel = channel;
        this.store = store;
        this.ownOffer = ownOffer;
        this.log = log;
        this.publish = publish;
        this.clock = clock;
        this.nanos = nanos;
        // a random start: ids of a restarted router do not collide with those its peer remembers
        this.nextId = random.nextLong() & 0xffff_ffffL;
    }

    // ------------------------------------------------------------------ channel side

    @Override
    public synchronized void onMessage(String peerId, ByteBuffer plaintext, long now, Sender sender) {
        CoopMessage m;
        try {
            m = CoopCodec.parse(plaintext);
        } catch (CoopFormatException e) {
            drops.count(NegotiationDrop.MALFORMED);
            return;
        }
        if (m instanceof CoopMessage.Ack a) {
            Map<Long, Outgoing> out = outgoing.get(peerId);
            if (out == null || out.remove(a.id()) == null) {
                drops.count(NegotiationDrop.UNEXPECTED);
            }
            return;
        }
        sender.send(peerId, ByteBuffer.wrap(CoopCodec.encode(new CoopMessage.Ack(m.id()))));
        LinkedHashSet<Long> ids = seen.computeIfAbsent(peerId, p -> new LinkedHashSet<>());
        if (!ids.add(m.id())) {
            drops.count(NegotiationDrop.DUPLICATE);
            return;
        }
        if (ids.size() > SEEN_IDS) {
            Iterator<Long> it = ids.iterator();
            it.next();
            it.remove();
        }
        try {
            if (m instanceof CoopMessage.OfferMessage o) {
                onOffer(peerId, o, now, sender);
            } else if (m instanceof CoopMessage.ResponseMessage r) {
                onResponse(peerId, r, now, sender);
            } else if (m instanceof CoopMessage.RequestMessage q) {
                onRequest(peerId, q, now, sender);
            } else if (m instanceof CoopMessage.VerdictMessage v) {
                onVerdict(peerId, v);
            } else if (m instanceof CoopMessage.InfoRequestMessage q) {
                onInfoRequest(peerId, q, now, sender);
            } else if (m instanceof CoopMessage.InfoMessage i) {
                onInfo(peerId, i);
            }
        } catch (StoreException e) {
            drops.count(NegotiationDrop.STORE_FAILED);
            line(peerId, "message " + m.id() + " not handled, the store failed: " + e.getMessage());
        }
    }

    @Override
    public synchronized void tick(long now, Sender sender) {
        for (Map<Long, Outgoing> out : outgoing.values()) {
            for (Iterator<Outgoing> it = out.values().iterator(); it.hasNext();) {
                Outgoing o = it.next();
                if (now - o.nextNanos < 0) {
                    continue;
                }
                if (o.tries >= MAX_TRIES) {
                    it.remove();
                    drops.count(NegotiationDrop.GAVE_UP);
                    line(o.peerId, o.what + " given up: no ack after " + MAX_TRIES + " sends");
                    continue;
                }
                // a try counts whether or not the channel is up: the bound is in time, not in luck
                o.tries++;
                o.nextNanos = now + RESEND_NANOS;
                sender.send(o.peerId, ByteBuffer.wrap(o.bytes));
            }
        }
    }

    @Override
    public Map<String, Long> counters() {
        Map<String, Long> m = new LinkedHashMap<>();
        drops.nonZero().forEach((r, n) -> m.put("COOP_" + r.name(), n));
        requestRejections.nonZero().forEach((r, n) -> m.put("COOP_REQUEST_" + r.name(), n));
        return m;
    }

    /** Queues {@code m} for {@code peerId}; sent at once when a sender is at hand, else on the next tick. */
    private void queue(String peerId, CoopMessage m, String what, long now, Sender sender) {
        Outgoing o = new Outgoing(peerId, m.id(), CoopCodec.encode(m), what, now);
        outgoing.computeIfAbsent(peerId, p -> new LinkedHashMap<>()).put(o.id, o);
        if (sender != null) {
            o.tries++;
            o.nextNanos = now + RESEND_NANOS;
            sender.send(peerId, ByteBuffer.wrap(o.bytes));
        }
    }

    private long newId() {
        long id = nextId;
        nextId = (nextId + 1) & 0xffff_ffffL;
        return id;
    }

    // ------------------------------------------------------------------ helper side

    private void onOffer(String peerId, CoopMessage.OfferMessage m, long now, Sender sender) throws StoreException {
        List<Rejection> bad = AgreementRules.checkOffer(m.offer());
        if (!bad.isEmpty()) {
            String why = messages(bad);
            line(peerId, "offer refused: " + why);
            changed(peerId, AgreementChanged.What.REFUSED, why);
            long id = newId();
            sentResponses.put(id, peerId);
            queue(peerId, CoopMessage.ResponseMessage.refused(id, CoopMessage.Outcome.INVALID_OFFER, why), "response",
                    now, sender);
            return;
        }
        Instant at = clock.instant();
        Optional<ApprovalRequest> old = store.pending(peerId);
        if (old.isPresent()) {
            RepeatCheck rc = AgreementRules.checkRepeat(old.get(), m.offer(), at);
            if (rc.outcome() != RepeatCheck.Outcome.SAME) {
                store.savePending(rc.pending());
            }
            line(peerId, "repeated offer (" + rc.outcome().name().toLowerCase() + ": " + rc.why() + "), pending the owner's"
                    + " approval: " + describe(rc.pending().offer()));
        } else {
            store.savePending(new ApprovalRequest(peerId, m.offer(), at));
            line(peerId, "offer pending the owner's approval: " + describe(m.offer()));
        }
        changed(peerId, AgreementChanged.What.PENDING, "");
    }

    private void onRequest(String peerId, CoopMessage.RequestMessage m, long now, Sender sender) throws StoreException {
        CooperationRequest req = new CooperationRequest(peerId, m.type(), m.values());
        Agreement a = store.agreement(peerId, Role.HELPER).orElse(null);
        List<Rejection> bad = AgreementRules.checkRequest(a, req);
        String what = "request " + m.id() + " for " + m.type().uciName() + " " + m.values();
        String why = messages(bad);
        if (bad.isEmpty()) {
            requestsAccepted++;
            line(peerId, what + " accepted");
        } else {
            bad.forEach(r -> requestRejections.count(r.reason()));
            line(peerId, what + " refused: " + why);
        }
        queue(peerId, new CoopMessage.VerdictMessage(newId(), m.id(), bad.isEmpty(), why), "verdict", now, sender);
    }

    private void onVerdict(String peerId, CoopMessage.VerdictMessage v) throws StoreException {
        CooperationRequest req = sentRequests.remove(v.about());
        if (req != null && req.peerId().equals(peerId)) {
            verdicts.put(v.about(), v);
            if (verdicts.size() > SEEN_IDS) {
                verdicts.remove(verdicts.keySet().iterator().next());
            }
            line(peerId, "request " + v.about() + " for " + req.type().uciName() + " " + (v.accepted() ? "accepted"
                    : "refused: " + v.reason()));
            return;
        }
        String to = sentResponses.remove(v.about());
        if (to != null && to.equals(peerId) && !v.accepted()) {
            boolean deleted = store.deleteAgreement(peerId, Role.HELPER);
            line(peerId, "our response was refused: " + v.reason() + (deleted ? "; agreement deleted" : ""));
            changed(peerId, AgreementChanged.What.WITHDRAWN, v.reason());
            return;
        }
        drops.count(NegotiationDrop.UNEXPECTED);
    }

    /**
     * Sets where this router's additional information comes from: the daemon's uplinks and traffic
     * sampler, with {@code peer.share_info} deciding between the figures and a refusal.
     */
    public void ownInfo(Supplier<RouterInfo> source) {
        this.ownInfo = java.util.Objects.requireNonNull(source);
    }

    private void onInfoRequest(String peerId, CoopMessage.InfoRequestMessage m, long now, Sender sender) {
        RouterInfo info;
        try {
            info = ownInfo.get();
        } catch (RuntimeException e) {
            // the answer still goes out: the requester's owner learns why, instead of waiting
            info = RouterInfo.refused("information unavailable: " + e.getMessage());
        }
        CoopMessage.InfoMessage answer = new CoopMessage.InfoMessage(newId(), m.id(), info);
        try {
            CoopCodec.encode(answer);
        } catch (IllegalArgumentException e) {
            answer = new CoopMessage.InfoMessage(answer.id(), m.id(), RouterInfo.refused("information not encodable: "
                    + e.getMessage()));
        }
        queue(peerId, answer, "information", now, sender);
        // A paired peer may ask as often as it likes (every answer is cheap), but the event log is
        // on flash: one line per peer per minute, the others counted into the next line.
        Long last = infoLineAt.get(peerId);
        if (last != null && now - last < INFO_LINE_NANOS) {
            infoLinesSuppressed.merge(peerId, 1, Integer::sum);
            return;
        }
        infoLineAt.put(peerId, now);
        Integer suppressed = infoLinesSuppressed.remove(peerId);
        line(peerId, "information request " + m.id() + " answered: " + (answer.info().shared()
                ? answer.info().uplinks().size() + " uplinks shared" : "refused: " + answer.info().reason())
                + (suppressed == null ? "" : " (" + suppressed + " more answered since the last line)"));
    }

    /** At most one event-log line per peer and this long for answered information requests. */
    static final long INFO_LINE_NANOS = 60_000_000_000L;
    /** When each peer's last answered-information line was written, and how many answers went unlogged since. */
    private final Map<String, Long> infoLineAt = new HashMap<>();
    private final Map<String, Integer> infoLinesSuppressed = new HashMap<>();

    private void onInfo(String peerId, CoopMessage.InfoMessage m) {
        String to = sentInfoRequests.remove(m.about());
        if (to == null || !to.equals(peerId)) {
            drops.count(NegotiationDrop.UNEXPECTED);
            return;
        }
        List<PeerInfo.UplinkInfo> ups = new ArrayList<>();
        for (RouterInfo.UplinkFigures u : m.info().uplinks()) {
            ups.add(new PeerInfo.UplinkInfo(u.name(), u.type().name().toLowerCase(java.util.Locale.ROOT),
                    u.state().name().toLowerCase(java.util.Locale.ROOT), u.downKbps(), u.upKbps(), u.windowS(),
                    u.rxAvgBps(), u.txAvgBps(), u.rxPeakBps(), u.txPeakBps()));
        }
        peerInfo.put(peerId, new PeerInfo(peerId, m.about(), clock.instant(), m.info().shared(), m.info().reason(), ups));
        line(peerId, "information received for request " + m.about() + ": " + (m.info().shared()
                ? ups.size() + " uplinks" : "refused: " + m.info().reason()));
    }

    /**
     * Asks {@code peerId} for its additional information (from a front-end thread; must not hold
     * the service's lock). The answer shows in {@link #peerInfo}.
     */
    public InfoRequested requestInfo(String peerId) {
        established(peerId);
        synchronized (this) {
            long id = newId();
            sentInfoRequests.put(id, peerId);
            trim(sentInfoRequests);
            queue(peerId, new CoopMessage.InfoRequestMessage(id), "information request", nanos.getAsLong(), null);
            line(peerId, "information request " + id + " sent");
            return new InfoRequested(peerId, id, clock.instant());
        }
    }

    /** The last information received from {@code peerId}. @throws ControlException NOT_FOUND when none */
    public synchronized PeerInfo peerInfo(String peerId) {
        PeerInfo i = peerInfo.get(peerId == null ? "" : peerId);
        if (i == null) {
            throw new ControlException(ControlException.Reason.NOT_FOUND, "no information from '" + peerId
                    + "' yet (coopwan ctl info " + peerId + " asks for it)");
        }
        return i;
    }

    /** Owner's approval (from a front-end thread). */
    public synchronized AgreementStatus approve(String peerId, Map<String, Map<String, Long>> types, String via) {
        Approver approver = approver(via);
        Map<CooperationType, Map<String, Long>> values = new EnumMap<>(CooperationType.class);
        if (types == null) {
            throw new ControlException(ControlException.Reason.INVALID_VALUE, "no types approved");
        }
        for (Map.Entry<String, Map<String, Long>> e : types.entrySet()) {
            CooperationType t;
            try {
                t = CooperationType.fromUci(e.getKey());
            } catch (IllegalArgumentException ex) {
                throw new ControlException(ControlException.Reason.INVALID_VALUE, ex.getMessage());
            }
            if (e.getValue() == null || e.getValue().values().stream().anyMatch(java.util.Objects::isNull)) {
                throw new ControlException(ControlException.Reason.INVALID_VALUE, "a value for every parameter of " + e.getKey());
            }
            values.put(t, e.getValue());
        }
        ApprovalRequest pending = pendingOf(peerId);
        Verdict<AgreementRules.Decided> v = AgreementRules.decide(pending, new OwnerDecision.Approve(values), approver,
                clock.instant());
        if (!v.accepted()) {
            throw new ControlException(ControlException.Reason.INVALID_VALUE, "approval of " + peerId + " refused, nothing"
                    + " stored: " + messages(v.rejections()) + "; offered: " + describe(pending.offer()));
        }
        Agreement a = v.get().agreement();
        storeWrite(() -> store.saveAgreement(a));
        long id = newId();
        sentResponses.put(id, peerId);
        trim(sentResponses);
        queue(peerId, CoopMessage.ResponseMessage.approved(id, v.get().response()), "response", nanos.getAsLong(), null);
        line(peerId, "agreement as helper, approved by " + approver.label() + ": " + describeValues(a.enabled()));
        changed(peerId, AgreementChanged.What.AGREED, "approved by " + approver.label());
        return status(a);
    }

    /** Owner's rejection (from a front-end thread). */
    public synchronized void reject(String peerId, String reason) {
        String why = reason == null || reason.isBlank() ? "rejected by the owner" : reason.strip();
        if (why.length() > MAX_REASON) {
            throw new ControlException(ControlException.Reason.INVALID_VALUE, "reason longer than " + MAX_REASON + " characters");
        }
        pendingOf(peerId);
        storeWrite(() -> store.deletePending(peerId));
        long id = newId();
        queue(peerId, CoopMessage.ResponseMessage.refused(id, CoopMessage.Outcome.REJECTED, why), "response",
                nanos.getAsLong(), null);
        line(peerId, "offer rejected by the owner: " + why);
        changed(peerId, AgreementChanged.What.REJECTED, why);
    }

    private ApprovalRequest pendingOf(String peerId) {
        Optional<ApprovalRequest> p;
        try {
            p = store.pending(peerId == null ? "" : peerId);
        } catch (StoreException e) {
            throw new ControlException(ControlException.Reason.RESOURCE_UNAVAILABLE, "store: " + e.getMessage());
        }
        return p.orElseThrow(() -> new ControlException(ControlException.Reason.NOT_FOUND,
                "no pending request from '" + peerId + "' (coopwan ctl pending lists them)"));
    }

    private static Approver approver(String via) {
        return switch (via == null ? "" : via) {
            case "cli" -> Approver.OWNER_CLI;
            case "web" -> Approver.OWNER_WEB;
            case "snmp" -> Approver.OWNER_SNMP;
            case "luci" -> Approver.OWNER_LUCI;
            default -> throw new ControlException(ControlException.Reason.INVALID_VALUE,
                    "approved via must be cli, web, snmp or luci, got '" + via + "'");
        };
    }

    // ------------------------------------------------------------------ requester side

    /** Sends this router's offer to {@code peerId} (from a front-end thread; must not hold the service's lock). */
    public OfferSent requestCooperation(String peerId) {
        established(peerId);
        Offer offer = ownOffer.get();
        if (offer.types().isEmpty()) {
            throw new ControlException(ControlException.Reason.INCONSISTENT,
                    "this router offers nothing: enable a 'config offer' section first");
        }
        synchronized (this) {
            long id = newId();
            advertised.put(peerId, offer);
            queue(peerId, new CoopMessage.OfferMessage(id, offer), "offer", nanos.getAsLong(), null);
            line(peerId, "offer sent: " + describe(offer));
            return new OfferSent(peerId, clock.instant(), id, spans(offer));
        }
    }

    /** @throws ControlException NOT_FOUND (not paired), RESOURCE_UNAVAILABLE (channel not ESTABLISHED) */
    private void established(String peerId) {
        // the channel's state is read under the service's lock (PeerChannel is not thread-safe);
        // this lock is not held here, so the lock order stays service, then this
        synchronized (channel) {
            PeerChannel c = channel.peer(peerId == null ? "" : peerId);
            if (c == null) {
                throw new ControlException(ControlException.Reason.NOT_FOUND, "not paired with '" + peerId
                        + "' (coopwan ctl peers lists the paired routers)");
            }
            if (c.state() != ChannelState.ESTABLISHED) {
                throw new ControlException(ControlException.Reason.RESOURCE_UNAVAILABLE, "the channel with " + peerId
                        + " is " + c.state() + ": " + c.reason());
            }
        }
    }

    private void onResponse(String peerId, CoopMessage.ResponseMessage r, long now, Sender sender) throws StoreException {
        if (r.outcome() != CoopMessage.Outcome.APPROVED) {
            advertised.remove(peerId);
            String why = (r.outcome() == CoopMessage.Outcome.INVALID_OFFER ? "our offer broke a rule: " : "") + r.reason();
            line(peerId, "our offer was rejected: " + why);
            changed(peerId, AgreementChanged.What.REJECTED, why);
            return;
        }
        // after a restart the offer sent is forgotten: the offer of the configuration is what we advertise
        Offer sent = advertised.getOrDefault(peerId, ownOffer.get());
        Verdict<Agreement> v = AgreementRules.acceptResponse(peerId, sent, r.response(), clock.instant());
        if (!v.accepted()) {
            String why = messages(v.rejections());
            line(peerId, "response refused, nothing enabled: " + why);
            changed(peerId, AgreementChanged.What.REFUSED, why);
            queue(peerId, new CoopMessage.VerdictMessage(newId(), r.id(), false, why), "verdict", now, sender);
            return;
        }
        store.saveAgreement(v.get());
        advertised.remove(peerId);
        line(peerId, "agreement as requester: " + describeValues(v.get().enabled()));
        changed(peerId, AgreementChanged.What.AGREED, "response accepted");
    }

    /**
     * Sends a cooperation request under the agreement with {@code request.peerId()} (the emergency
     * feature's entry point); the helper answers with a verdict ({@link #verdict}).
     *
     * @return the request's message id
     */
    public synchronized long sendRequest(CooperationRequest request) {
        long id = newId();
        sentRequests.put(id, request);
        trim(sentRequests);
        queue(request.peerId(), new CoopMessage.RequestMessage(id, request.type(), request.values()), "request",
                nanos.getAsLong(), null);
        return id;
    }

    /** The helper's verdict on our request {@code id}, once it arrived. */
    public synchronized Optional<CoopMessage.VerdictMessage> verdict(long id) {
        return Optional.ofNullable(verdicts.get(id));
    }

    // ------------------------------------------------------------------ views

    public List<PendingApproval> pending() {
        return AgreementViews.pending(store);
    }

    public List<AgreementStatus> agreements() {
        return AgreementViews.agreements(store);
    }

    private AgreementStatus status(Agreement a) {
        return AgreementViews.status(store, a);
    }

    public long requestsAccepted() {
        synchronized (this) {
            return requestsAccepted;
        }
    }

    public EnumCounters<RejectReason> requestRejections() {
        return requestRejections;
    }

    public EnumCounters<NegotiationDrop> drops() {
        return drops;
    }

    /** Messages not yet acknowledged (tests, status). */
    public synchronized int unacknowledged() {
        return outgoing.values().stream().mapToInt(Map::size).sum();
    }

    // ------------------------------------------------------------------ helpers

    interface StoreCall<T> {
        T call() throws StoreException;
    }

    private interface StoreWrite {
        void call() throws StoreException;
    }

    static <T> T storeOrRefuse(StoreCall<T> c) {
        try {
            return c.call();
        } catch (StoreException e) {
            throw new ControlException(ControlException.Reason.RESOURCE_UNAVAILABLE, "store: " + e.getMessage(), e);
        }
    }

    private static void storeWrite(StoreWrite c) {
        storeOrRefuse(() -> {
            c.call();
            return null;
        });
    }

    private static <K, V> void trim(Map<K, V> m) {
        while (m.size() > SEEN_IDS) {
            m.remove(m.keySet().iterator().next());
        }
    }

    private void line(String peerId, String text) {
        try {
            log.accept("cooperation with " + peerId + ": " + text);
        } catch (RuntimeException e) {
            // the log is best effort
        }
    }

    private void changed(String peerId, AgreementChanged.What what, String reason) {
        try {
            publish.accept(new AgreementChanged(peerId, what, reason, clock.instant()));
        } catch (RuntimeException e) {
            // a front-end's listener must not break the handshake
        }
    }

    static String messages(List<Rejection> rs) {
        List<String> l = new ArrayList<>();
        rs.forEach(r -> l.add(r.message()));
        return String.join("; ", l);
    }

    static Map<String, Map<String, ParameterSpan>> spans(Offer offer) {
        Map<String, Map<String, ParameterSpan>> out = new TreeMap<>();
        offer.types().forEach((t, ranges) -> {
            Map<String, ParameterSpan> m = new TreeMap<>();
            ranges.forEach((p, r) -> m.put(p, new ParameterSpan(r.min(), r.max())));
            out.put(t.uciName(), m);
        });
        return out;
    }

    static String describe(Offer offer) {
        List<String> l = new ArrayList<>();
        offer.types().forEach((t, ranges) -> {
            List<String> ps = new ArrayList<>();
            ranges.forEach((p, r) -> ps.add(p + "=" + r.min() + ".." + r.max()));
            l.add(t.uciName() + (ps.isEmpty() ? "" : ":" + String.join(",", ps)));
        });
        return l.isEmpty() ? "nothing" : String.join(" ", l);
    }

    static String describeValues(Map<CooperationType, Map<String, Long>> values) {
        List<String> l = new ArrayList<>();
        values.forEach((t, vs) -> {
            List<String> ps = new ArrayList<>();
            vs.forEach((p, v) -> ps.add(p + "=" + v));
            l.add(t.uciName() + (ps.isEmpty() ? "" : ":" + String.join(",", ps)));
        });
        return String.join(" ", l);
    }

}
