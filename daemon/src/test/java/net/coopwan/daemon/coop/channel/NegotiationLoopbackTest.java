package net.coopwan.daemon.coop.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.coopwan.config.CooperationType;
import net.coopwan.config.ParameterRange;
import net.coopwan.daemon.api.AgreementChanged;
import net.coopwan.daemon.api.AgreementStatus;
import net.coopwan.config.ConfigLoader;
import net.coopwan.config.CoopwanConfig;
import net.coopwan.daemon.api.ControlException;
import net.coopwan.daemon.api.InterfaceCounters;
import net.coopwan.daemon.api.NetInterface;
import net.coopwan.daemon.api.PeerInfo;
import net.coopwan.daemon.api.UplinkStatus;
import net.coopwan.daemon.coop.info.InfoSharing;
import net.coopwan.daemon.coop.info.TrafficSampler;
import net.coopwan.daemon.coop.agreement.CooperationRequest;
import net.coopwan.daemon.coop.agreement.Offer;
import net.coopwan.daemon.coop.agreement.RejectReason;
import net.coopwan.daemon.coop.agreement.Role;
import net.coopwan.daemon.coop.negotiation.CoopMessage;
import net.coopwan.daemon.coop.negotiation.Negotiation;
import net.coopwan.daemon.coop.negotiation.NegotiationDrop;
import net.coopwan.daemon.secure.PairingCode;
import net.coopwan.daemon.store.AgreementStore;
import net.coopwan.daemon.store.Store;
import net.coopwan.daemon.tunnel.TunnelDrop;

/**
 * The handshake of FIG. 3A between two channel services on the in-memory {@link Lan} (real
 * sealing, replay windows and H2 stores; injected time): offer, owner's approval of a subset,
 * response, agreement on both; later requests checked against it; resends, duplicates, replays,
 * tampering and malformed plaintexts.
 */
class NegotiationLoopbackTest {

    static final String A = "coop-aaaa";
    static final String B = "coop-bbbb";
    /** The requester offers emergency and duplication; the helper's owner will approve emergency only. */
    static final Offer OFFER = new Offer(Map.of(
            CooperationType.EMERGENCY, Map.of("bandwidth_kbps", new ParameterRange(1000, 10_000),
                    "quota_bytes", new ParameterRange(1_000_000, 1_000_000_000), "window_ms", new ParameterRange(1000, 1000)),
            CooperationType.DUPLICATION, Map.of("bandwidth_kbps", new ParameterRange(1, 50_000))));
    static final Map<String, Map<String, Long>> EMERGENCY_5000 = Map.of("emergency",
            Map.of("bandwidth_kbps", 5000L, "quota_bytes", 50_000_000L, "window_ms", 1000L));

    @TempDir
    Path dir;

    private final Lan lan = new Lan();
    private final Lan.Node a = lan.node(A, "100.64.77.1");
    private final Lan.Node b = lan.node(B, "100.64.77.2");
    private final List<Store> stores = new ArrayList<>();
    private Side ra;
    private Side rb;
    private Offer offerOfA = OFFER;

    /** One router's handshake: its store, negotiation, log and published changes. */
    final class Side {
        final Lan.Node node;
        final AgreementStore store;
        final Negotiation negotiation;
        final List<String> log = new CopyOnWriteArrayList<>();
        final List<AgreementChanged> changes = new CopyOnWriteArrayList<>();

        Side(Lan.Node node, String name, long seed) throws Exception {
            this.node = node;
            Store s = Store.open(dir.resolve(name));
            stores.add(s);
            this.store = new AgreementStore(s);
            this.negotiation = new Negotiation(node.service, store, () -> offerOfA, log::add, changes::add, lan.clock,
                    () -> lan.now, new Random(seed));
            node.service.messages(negotiation);
        }

        boolean logged(String part) {
            return log.stream().anyMatch(l -> l.contains(part));
        }
    }

    @BeforeEach
    void pairAndConnect() throws Exception {
        PairingCode code = a.service.show(b.address.getAddress(), lan.now);
        var f = b.service.enter(a.address, code, lan.now, b.outbox);
        lan.pump();
        assertEquals(A, f.get().peerId());
        lan.advance(Duration.ofMillis(200));
        assertEquals(ChannelState.ESTABLISHED, a.peer(b).state());
        ra = new Side(a, "a", 1);
        rb = new Side(b, "b", 2);
    }

    @AfterEach
    void closeStores() {
        stores.forEach(Store::close);
    }

    private void approveEmergency() throws Exception {
        ra.negotiation.requestCooperation(B);
        lan.advance(Duration.ofMillis(100));
        rb.negotiation.approve(A, EMERGENCY_5000, "cli");
        lan.advance(Duration.ofMillis(100));
    }

    @Test
    void ownerApprovesASubsetAndBothPersistTheSameAgreement() throws Exception {
        var sent = ra.negotiation.requestCooperation(B);
        assertEquals(java.util.Set.of("emergency", "duplication"), sent.offered().keySet());
        lan.advance(Duration.ofMillis(100));
        var pending = rb.negotiation.pending();
        assertEquals(1, pending.size());
        assertEquals(A, pending.get(0).peerId());
        assertEquals(1000, pending.get(0).offered().get("emergency").get("bandwidth_kbps").min());
        assertEquals(10_000, pending.get(0).offered().get("emergency").get("bandwidth_kbps").max());
        assertTrue(rb.logged("cooperation with coop-aaaa: offer pending the owner's approval: emergency:"), rb.log.toString());
        assertEquals(AgreementChanged.What.PENDING, rb.changes.get(0).what());
        assertEquals(0, ra.negotiation.unacknowledged(), "the offer was acknowledged");

        AgreementStatus helper = rb.negotiation.approve(A, EMERGENCY_5000, "cli");
        assertEquals("helper", helper.role());
        assertEquals(5000L, helper.enabled().get("emergency").get("bandwidth_kbps"));
        assertEquals("owner via cli", helper.approvedBy());
        assertTrue(rb.negotiation.pending().isEmpty());
        lan.advance(Duration.ofMillis(100));

        var onA = ra.store.agreement(B, Role.REQUESTER).orElseThrow();
        var onB = rb.store.agreement(A, Role.HELPER).orElseThrow();
        assertEquals(onB.enabled(), onA.enabled(), "the same enabled types and values on both routers");
        assertEquals(Map.of(CooperationType.EMERGENCY, Map.of("bandwidth_kbps", 5000L, "quota_bytes", 50_000_000L,
                "window_ms", 1000L)), onA.enabled());
        assertFalse(onA.enables(CooperationType.DUPLICATION), "only the approved subset");
        assertTrue(ra.logged("agreement as requester: emergency:bandwidth_kbps=5000"), ra.log.toString());
        assertEquals(AgreementChanged.What.AGREED, ra.changes.get(ra.changes.size() - 1).what());
        assertEquals(0, ra.negotiation.unacknowledged() + rb.negotiation.unacknowledged());
        assertEquals(0, a.service.drops().total() + b.service.drops().total());
    }

    @Test
    void laterRequestsAreCheckedAgainstTheAgreement() throws Exception {
        approveEmergency();
        long notEnabled = ra.negotiation.sendRequest(new CooperationRequest(B, CooperationType.DUPLICATION,
                Map.of("bandwidth_kbps", 10L)));
        long over = ra.negotiation.sendRequest(new CooperationRequest(B, CooperationType.EMERGENCY,
                Map.of("bandwidth_kbps", 5001L)));
        long term = ra.negotiation.sendRequest(new CooperationRequest(B, CooperationType.EMERGENCY,
                Map.of("window_ms", 100L)));
        long ok = ra.negotiation.sendRequest(new CooperationRequest(B, CooperationType.EMERGENCY,
                Map.of("bandwidth_kbps", 5000L)));
        lan.advance(Duration.ofMillis(200));
        CoopMessage.VerdictMessage v1 = ra.negotiation.verdict(notEnabled).orElseThrow();
        assertFalse(v1.accepted());
        assertTrue(v1.reason().startsWith("TYPE_NOT_ENABLED: duplication"), v1.reason());
        CoopMessage.VerdictMessage v2 = ra.negotiation.verdict(over).orElseThrow();
        assertFalse(v2.accepted());
        assertEquals("OVER_AGREED_VALUE: emergency bandwidth_kbps=5001 above agreed 5000", v2.reason());
        assertFalse(ra.negotiation.verdict(term).orElseThrow().accepted(), "a term of the agreement cannot be requested");
        assertTrue(ra.negotiation.verdict(ok).orElseThrow().accepted());
        assertEquals(1, rb.negotiation.requestsAccepted());
        assertEquals(1, rb.negotiation.requestRejections().get(RejectReason.TYPE_NOT_ENABLED));
        assertEquals(1, rb.negotiation.requestRejections().get(RejectReason.OVER_AGREED_VALUE));
        assertEquals(1, rb.negotiation.requestRejections().get(RejectReason.UNKNOWN_PARAMETER));
        assertTrue(rb.logged("refused: TYPE_NOT_ENABLED: duplication"), rb.log.toString());
        assertEquals(1L, b.service.status().drops().get("COOP_REQUEST_TYPE_NOT_ENABLED"));
        // a request from a peer with no agreement at all: the helper (a) has none as helper
        long reverse = rb.negotiation.sendRequest(new CooperationRequest(A, CooperationType.EMERGENCY, Map.of()));
        lan.advance(Duration.ofMillis(100));
        assertFalse(rb.negotiation.verdict(reverse).orElseThrow().accepted(), "the agreement is one-directional");
    }

    @Test
    void anApprovalOutsideTheRangesIsRefusedAndNothingIsStoredOrSent() throws Exception {
        ra.negotiation.requestCooperation(B);
        lan.advance(Duration.ofMillis(100));
        int sentBefore = lan.sent.size();
        ControlException e = assertThrows(ControlException.class, () -> rb.negotiation.approve(A,
                Map.of("emergency", Map.of("bandwidth_kbps", 20_000L, "quota_bytes", 50_000_000L, "window_ms", 1000L)), "cli"));
        assertEquals(ControlException.Reason.INVALID_VALUE, e.reason());
        assertTrue(e.getMessage().contains("OUT_OF_RANGE: emergency bandwidth_kbps=20000 not in 1000..10000"), e.getMessage());
        e = assertThrows(ControlException.class, () -> rb.negotiation.approve(A,
                Map.of("suppression", Map.of("max_drop_percent", 5L)), "cli"));
        assertTrue(e.getMessage().contains("NOT_OFFERED: suppression"), e.getMessage());
        e = assertThrows(ControlException.class, () -> rb.negotiation.approve(A,
                Map.of("emergency", Map.of("bandwidth_kbps", 2000L)), "cli"));
        assertTrue(e.getMessage().contains("MISSING_PARAMETER: emergency quota_bytes"), e.getMessage());
        e = assertThrows(ControlException.class, () -> rb.negotiation.approve(A, Map.of("warp", Map.of()), "cli"));
        assertEquals(ControlException.Reason.INVALID_VALUE, e.reason());
        e = assertThrows(ControlException.class, () -> rb.negotiation.approve("coop-nobody", EMERGENCY_5000, "cli"));
        assertEquals(ControlException.Reason.NOT_FOUND, e.reason());
        lan.advance(Duration.ofMillis(100));
        assertTrue(rb.store.agreements().isEmpty());
        assertTrue(ra.store.agreements().isEmpty());
        assertEquals(1, rb.negotiation.pending().size(), "the request still waits for a valid decision");
        assertEquals(0, lan.sent.subList(sentBefore, lan.sent.size()).stream()
                .filter(d -> d.bytes()[1] == ChannelHeader.Kind.COOP_MESSAGE.code()).count(), "nothing sent");
    }

    @Test
    void theOwnersRejectionReachesTheRequesterWithItsReason() throws Exception {
        ra.negotiation.requestCooperation(B);
        lan.advance(Duration.ofMillis(100));
        rb.negotiation.reject(A, "not during exams");
        lan.advance(Duration.ofMillis(100));
        assertTrue(ra.logged("our offer was rejected: not during exams"), ra.log.toString());
        assertEquals(AgreementChanged.What.REJECTED, ra.changes.get(ra.changes.size() - 1).what());
        assertTrue(rb.negotiation.pending().isEmpty());
        assertTrue(ra.store.agreements().isEmpty() && rb.store.agreements().isEmpty());
        assertThrows(ControlException.class, () -> rb.negotiation.reject(A, "again"), "nothing pending any more");
    }

    @Test
    void aResponseOutsideWhatTheRequesterAdvertisesIsRefusedAndTheHelperWithdraws() throws Exception {
        ra.negotiation.requestCooperation(B);
        lan.advance(Duration.ofMillis(100));
        // the requester restarts with a narrower offer: the old offer is forgotten, the response is
        // checked against what it advertises now
        offerOfA = new Offer(Map.of(CooperationType.EMERGENCY, Map.of("bandwidth_kbps", new ParameterRange(1000, 2000),
                "quota_bytes", new ParameterRange(1_000_000, 1_000_000_000), "window_ms", new ParameterRange(1000, 1000))));
        ra = new Side(a, "a2", 3);
        rb.negotiation.approve(A, EMERGENCY_5000, "web");
        lan.advance(Duration.ofMillis(200));
        assertTrue(ra.store.agreements().isEmpty(), "nothing enabled on the requester");
        assertTrue(ra.logged("response refused, nothing enabled: OUT_OF_RANGE: emergency bandwidth_kbps=5000 not in 1000..2000"),
                ra.log.toString());
        assertTrue(rb.store.agreements().isEmpty(), "the helper deleted its agreement on the refusal");
        assertTrue(rb.logged("our response was refused: OUT_OF_RANGE"), rb.log.toString());
        assertEquals(AgreementChanged.What.WITHDRAWN, rb.changes.get(rb.changes.size() - 1).what());
    }

    /** b's information: two uplinks (wan up with traffic sampled, lte disabled) and share_info as given. */
    private TrafficSampler infoOfB(boolean share) throws Exception {
        Path f = dir.resolve("coopwan-b-" + share);
        java.nio.file.Files.writeString(f, String.join("\n",
                "config uplink 'wan'", "\toption device 'eth0'", "\toption down_kbps '100000'", "\toption up_kbps '40000'",
                "\toption type 'fibre'",
                "config uplink 'lte'", "\toption device 'wwan0'", "\toption enabled '0'",
                "config peer 'peer'", "\toption share_info '" + (share ? 1 : 0) + "'", ""));
        CoopwanConfig config = ConfigLoader.load(f);
        TrafficSampler sampler = new TrafficSampler();
        for (int i = 0; i <= 3; i++) {
            // 125 000 bytes/s received (1 Mbit/s), 12 500 sent; the last second twice that received
            long rx = 125_000L * i + (i == 3 ? 125_000 : 0);
            NetInterface eth0 = new NetInterface(4, "eth0", 1, "", 1500, true, "up", 0,
                    new InterfaceCounters(rx, 0, 0, 0, 0, 12_500L * i, 0, 0, 0));
            sampler.observe(List.of(new UplinkStatus("wan", "eth0", true, UplinkStatus.State.UP, eth0),
                    new UplinkStatus("lte", "wwan0", false, UplinkStatus.State.DISABLED, null)), lan.now + i * 1_000_000_000L);
        }
        rb.negotiation.ownInfo(new InfoSharing(() -> config, sampler));
        return sampler;
    }

    @Test
    void anInfoRequestIsAnsweredWithTheUplinksTheirRatesAndTraffic() throws Exception {
        infoOfB(true);
        ControlException none = assertThrows(ControlException.class, () -> ra.negotiation.peerInfo(B));
        assertEquals(ControlException.Reason.NOT_FOUND, none.reason());
        var sent = ra.negotiation.requestInfo(B);
        lan.advance(Duration.ofMillis(100));
        PeerInfo info = ra.negotiation.peerInfo(B);
        assertEquals(sent.messageId(), info.requestId());
        // kept with the time it arrived: the next 50 ms tick after the request, within the 100 ms
        assertTrue(info.receivedAt().isAfter(sent.sentAt()) && !info.receivedAt().isAfter(lan.clock.instant()),
                sent.sentAt() + " < " + info.receivedAt() + " <= " + lan.clock.instant());
        assertTrue(info.shared());
        assertEquals(List.of("wan", "lte"), info.uplinks().stream().map(PeerInfo.UplinkInfo::name).toList(), "config order");
        PeerInfo.UplinkInfo wan = info.uplinks().get(0);
        assertEquals("up", wan.state());
        assertEquals("fibre", wan.type());
        assertEquals("unknown", info.uplinks().get(1).type());
        assertEquals(100_000, wan.downKbps());
        assertEquals(40_000, wan.upKbps());
        assertEquals(3, wan.windowS());
        assertEquals(4 * 125_000 * 8 / 3, wan.rxAvgBps());
        assertEquals(2 * 125_000 * 8, wan.rxPeakBps());
        assertEquals(12_500 * 8, wan.txAvgBps());
        assertEquals("disabled", info.uplinks().get(1).state());
        assertEquals(0, info.uplinks().get(1).windowS());
        assertEquals(0, ra.negotiation.unacknowledged());
        assertEquals(0, rb.negotiation.unacknowledged());
        assertTrue(rb.logged("cooperation with coop-aaaa: information request " + sent.messageId() + " answered: 2 uplinks shared"),
                rb.log.toString());
        assertTrue(ra.logged("information received for request " + sent.messageId() + ": 2 uplinks"), ra.log.toString());
        // either side may ask: b asks a, which has no source and says so
        rb.negotiation.requestInfo(A);
        lan.advance(Duration.ofMillis(100));
        assertFalse(rb.negotiation.peerInfo(A).shared());
        assertThrows(ControlException.class, () -> ra.negotiation.requestInfo("coop-nobody"));
        // an INFO that answers no request of a's is counted, and the information kept is unchanged
        long unexpected = ra.negotiation.drops().get(NegotiationDrop.UNEXPECTED);
        byte[] stray = net.coopwan.daemon.coop.negotiation.CoopCodec.encode(new CoopMessage.InfoMessage(4242,
                sent.messageId() + 1000, net.coopwan.daemon.coop.negotiation.RouterInfo.refused("stray")));
        assertTrue(b.peer(a).sendSealed(ChannelHeader.Kind.COOP_MESSAGE, ByteBuffer.wrap(stray), lan.now, b.outbox));
        lan.pump();
        assertEquals(unexpected + 1, ra.negotiation.drops().get(NegotiationDrop.UNEXPECTED));
        assertTrue(ra.negotiation.peerInfo(B).shared());
    }

    @Test
    void aPeerAskingOftenIsAnsweredEveryTimeButLoggedOncePerMinute() throws Exception {
        infoOfB(true);
        for (int i = 0; i < 5; i++) {
            var sent = ra.negotiation.requestInfo(B);
            lan.advance(Duration.ofMillis(100));
            assertEquals(sent.messageId(), ra.negotiation.peerInfo(B).requestId(), "every request is answered");
        }
        assertEquals(1, rb.log.stream().filter(l -> l.contains("answered:")).count(), rb.log.toString());
        lan.advance(Duration.ofSeconds(60));
        ra.negotiation.requestInfo(B);
        lan.advance(Duration.ofMillis(100));
        assertEquals(2, rb.log.stream().filter(l -> l.contains("answered:")).count(), rb.log.toString());
        assertTrue(rb.logged("(4 more answered since the last line)"), rb.log.toString());
    }

    @Test
    void withShareInfoOffTheAnswerIsTheOwnersRefusal() throws Exception {
        infoOfB(false);
        ra.negotiation.requestInfo(B);
        lan.advance(Duration.ofMillis(100));
        PeerInfo info = ra.negotiation.peerInfo(B);
        assertFalse(info.shared());
        assertEquals(InfoSharing.REFUSAL, info.reason());
        assertTrue(info.uplinks().isEmpty());
        assertTrue(rb.logged("answered: refused: " + InfoSharing.REFUSAL), rb.log.toString());
    }

    @Test
    void lostAcksOfInfoMeanResendsAndOneAnswerThatArrivesOnceTheLinkHeals() throws Exception {
        infoOfB(true);
        // everything b sends is lost for 2.5 s: its acks and its INFO
        lan.lose = d -> d.from().equals(b.address) && d.bytes()[1] == ChannelHeader.Kind.COOP_MESSAGE.code();
        var sent = ra.negotiation.requestInfo(B);
        lan.advance(Duration.ofMillis(2500));
        assertEquals(2, rb.negotiation.drops().get(NegotiationDrop.DUPLICATE), "the request resent at 1 and 2 s");
        assertEquals(1, rb.log.stream().filter(l -> l.contains("information request")).count(), "answered once");
        assertThrows(ControlException.class, () -> ra.negotiation.peerInfo(B));
        lan.lose = d -> false;
        lan.advance(Duration.ofMillis(1000));
        assertEquals(sent.messageId(), ra.negotiation.peerInfo(B).requestId(), "b's INFO resent after the heal");
        assertEquals(0, ra.negotiation.unacknowledged());
        assertEquals(0, rb.negotiation.unacknowledged());
        assertEquals(0, ra.negotiation.drops().get(NegotiationDrop.UNEXPECTED));
    }

    @Test
    void lostAcksMeanResendsEverySecondAndTheHelperActsOnceThenGivesUpAfterTenSends() throws Exception {
        // every COOP_MESSAGE from b is lost: its acks never arrive
        lan.lose = d -> d.from().equals(b.address) && d.bytes()[1] == ChannelHeader.Kind.COOP_MESSAGE.code();
        ra.negotiation.requestCooperation(B);
        int before = lan.sent.size();
        lan.advance(Duration.ofMillis(3050));
        long offers = lan.sent.subList(before, lan.sent.size()).stream()
                .filter(d -> d.from().equals(a.address) && d.bytes()[1] == ChannelHeader.Kind.COOP_MESSAGE.code()).count();
        assertEquals(4, offers, "sent at once, then at 1, 2 and 3 s");
        assertEquals(3, rb.negotiation.drops().get(NegotiationDrop.DUPLICATE), "three resends recognised by id");
        assertEquals(1, rb.log.stream().filter(l -> l.contains("offer pending")).count(), "acted on once");
        assertEquals(1, rb.negotiation.pending().size());
        lan.advance(Duration.ofSeconds(8));
        assertEquals(1, ra.negotiation.drops().get(NegotiationDrop.GAVE_UP));
        assertEquals(0, ra.negotiation.unacknowledged());
        assertTrue(ra.logged("offer given up: no ack after 10 sends"), ra.log.toString());
        // with the link healed the next request is acknowledged at once
        lan.lose = d -> false;
        ra.negotiation.requestCooperation(B);
        lan.advance(Duration.ofMillis(100));
        assertEquals(0, ra.negotiation.unacknowledged());
        assertTrue(rb.logged("repeated offer (same: same offer)"), rb.log.toString());
    }

    @Test
    void replayedAndTamperedCoopMessagesAreDroppedByTheChannelAndCounted() throws Exception {
        ra.negotiation.requestCooperation(B);
        lan.advance(Duration.ofMillis(100));
        Lan.Datagram offer = lan.sent.stream()
                .filter(d -> d.from().equals(a.address) && d.bytes()[1] == ChannelHeader.Kind.COOP_MESSAGE.code())
                .findFirst().orElseThrow();
        rb.negotiation.reject(A, "no");
        lan.advance(Duration.ofMillis(100));
        assertTrue(rb.negotiation.pending().isEmpty());
        long replayedBefore = b.service.drops().get(TunnelDrop.REPLAYED);
        lan.deliver(offer);
        assertEquals(replayedBefore + 1, b.service.drops().get(TunnelDrop.REPLAYED), "the replay window stops it");
        assertEquals(0, rb.negotiation.drops().get(NegotiationDrop.DUPLICATE), "it never reached the handshake");
        assertTrue(rb.negotiation.pending().isEmpty(), "a replayed offer does not come back as pending");
        byte[] t = offer.bytes().clone();
        t[15] += 50; // a fresh packet number: the tag is what fails
        t[20] ^= 1; // a ciphertext byte
        lan.deliver(new Lan.Datagram(offer.from(), offer.to(), t));
        assertEquals(1, b.service.drops().get(TunnelDrop.TAG_MISMATCH));
        assertTrue(rb.negotiation.pending().isEmpty());
        assertEquals(1, rb.log.stream().filter(l -> l.contains("offer pending")).count());
    }

    /**
     * The emergency layer (kind 8) rides on the same session: a datagram reaches only its own
     * layer, a replay and a tampered copy are stopped by the channel before it, and a kind without
     * a layer is a counted drop.
     */
    @Test
    void emergencyDatagramsReachTheirLayerOnceAndForgedOrReplayedOnesNever() throws Exception {
        List<String> heard = new CopyOnWriteArrayList<>();
        SealedMessages emergency = new SealedMessages() {
            @Override
            public void onMessage(String peerId, ByteBuffer plaintext, long now, Sender sender) {
                byte[] p = new byte[plaintext.remaining()];
                plaintext.get(p);
                heard.add(peerId + " " + java.util.HexFormat.of().formatHex(p));
            }

            @Override
            public void tick(long now, Sender sender) {
            }
        };
        long unknownBefore = b.service.drops().get(TunnelDrop.UNKNOWN_TYPE);
        PeerChannel ab = a.peer(b);
        assertTrue(ab.sendSealed(ChannelHeader.Kind.EMERGENCY, ByteBuffer.wrap(new byte[] {4, 0, 0, 0, 7}), lan.now, a.outbox));
        lan.pump();
        assertEquals(unknownBefore + 1, b.service.drops().get(TunnelDrop.UNKNOWN_TYPE), "no layer for kind 8 yet: counted");
        b.service.messages(ChannelHeader.Kind.EMERGENCY, emergency);
        lan.sent.clear();
        assertTrue(ab.sendSealed(ChannelHeader.Kind.EMERGENCY, ByteBuffer.wrap(new byte[] {4, 0, 0, 0, 8}), lan.now, a.outbox));
        lan.pump();
        assertEquals(List.of(A + " 0400000008"), heard);
        assertEquals(0, rb.negotiation.drops().total(), "the negotiation never saw it");
        Lan.Datagram sent = lan.sent.stream()
                .filter(d -> d.from().equals(a.address) && d.bytes()[1] == ChannelHeader.Kind.EMERGENCY.code())
                .findFirst().orElseThrow();
        long replayedBefore = b.service.drops().get(TunnelDrop.REPLAYED);
        lan.deliver(sent);
        assertEquals(replayedBefore + 1, b.service.drops().get(TunnelDrop.REPLAYED));
        byte[] t = sent.bytes().clone();
        t[15] += 50; // a fresh packet number: the tag is what fails
        t[17] ^= 1;
        long tagBefore = b.service.drops().get(TunnelDrop.TAG_MISMATCH);
        lan.deliver(new Lan.Datagram(sent.from(), sent.to(), t));
        assertEquals(tagBefore + 1, b.service.drops().get(TunnelDrop.TAG_MISMATCH));
        assertEquals(1, heard.size(), "neither the replay nor the forgery reached the layer");
    }

    @Test
    void malformedPlaintextsUnderAValidSessionAreCountedNeverThrown() throws Exception {
        Random r = new Random(11);
        PeerChannel ab = a.peer(b);
        int n = 500;
        for (int i = 0; i < n; i++) {
            byte[] junk = new byte[1 + r.nextInt(60)];
            r.nextBytes(junk);
            junk[0] = (byte) (1 + r.nextInt(7));
            assertTrue(ab.sendSealed(ChannelHeader.Kind.COOP_MESSAGE, ByteBuffer.wrap(junk), lan.now, a.outbox));
            lan.pump();
        }
        var c = rb.negotiation.drops();
        long acted = rb.log.size();
        assertTrue(c.get(NegotiationDrop.MALFORMED) > n * 0.9, "most random plaintexts are malformed: " + c.snapshot());
        assertEquals(n, c.get(NegotiationDrop.MALFORMED) + c.get(NegotiationDrop.UNEXPECTED) + c.get(NegotiationDrop.DUPLICATE)
                + acted, "every one is a counted drop or a logged action: " + c.snapshot() + " " + rb.log);
        assertNotNull(b.service.status().drops().get("COOP_MALFORMED"));
        assertEquals(ChannelState.ESTABLISHED, b.peer(a).state());
    }

    @Test
    void requestingNeedsAnEstablishedChannelAndAnOffer() throws Exception {
        assertEquals(ControlException.Reason.NOT_FOUND,
                assertThrows(ControlException.class, () -> ra.negotiation.requestCooperation("coop-nobody")).reason());
        offerOfA = new Offer(Map.of());
        assertEquals(ControlException.Reason.INCONSISTENT,
                assertThrows(ControlException.class, () -> ra.negotiation.requestCooperation(B)).reason());
        offerOfA = OFFER;
        lan.lose = d -> true;
        lan.advance(Duration.ofSeconds(6));
        assertEquals(ControlException.Reason.RESOURCE_UNAVAILABLE,
                assertThrows(ControlException.class, () -> ra.negotiation.requestCooperation(B)).reason());
    }
}
