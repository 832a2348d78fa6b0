package net.coopwan.snmp.mib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import net.coopwan.config.CooperationType;
import net.coopwan.daemon.api.AgreementStatus;
import net.coopwan.daemon.api.DiscoveryStatus;
import net.coopwan.daemon.api.NearbyRouter;
import net.coopwan.daemon.api.PairedPeer;
import net.coopwan.daemon.api.PeerChannelChanged;
import net.coopwan.daemon.api.PeersStatus;
import org.junit.jupiter.api.Test;

/** How the ControlApi's discovery, peers and agreements become peerTable rows and peerUp/peerDown. */
class PeerRowsTest {

    static final Instant T = Instant.parse("2026-11-24T08:00:00Z");

    static NearbyRouter heard(String address, String nonce) {
        return new NearbyRouter(address, nonce, true, List.of("emergency"), "dsl", "undisclosed", "undisclosed", 1, T, T, 3);
    }

    static DiscoveryStatus discovery(NearbyRouter... routers) {
        return new DiscoveryStatus(true, "br-coop", 4790, "advertising", "ab12", List.of("emergency"), 5, 5, 3, 2,
                Map.of(), 0, List.of(routers));
    }

    static PairedPeer paired(String id, String address, String state) {
        return new PairedPeer(id, address, state, "udp", T, "initiator", null, null, T, null, 0, 0, 0, 0, 0, "test");
    }

    static PeersStatus peers(PairedPeer... p) {
        return new PeersStatus(true, "coop-0001", "listening", List.of(p), Map.of());
    }

    static AgreementStatus agreement(String id, String name, String role, Map<String, Map<String, Long>> enabled) {
        return new AgreementStatus(id, name, role, enabled, T, "ctl");
    }

    @Test
    void stateFollowsTheMibUpAndDownOnlyWithAnAgreement() {
        assertEquals(PeerRows.UP, PeerRows.state("ESTABLISHED", true));
        assertEquals(PeerRows.DOWN, PeerRows.state("CONNECTING", true));
        assertEquals(PeerRows.DOWN, PeerRows.state(null, true), "agreed, no channel at all");
        assertEquals(PeerRows.PAIRING, PeerRows.state("ESTABLISHED", false));
        assertEquals(PeerRows.PAIRING, PeerRows.state("CONNECTING", false));
        assertEquals(PeerRows.DISCOVERED, PeerRows.state(null, false));
    }

    @Test
    void everyCooperationTypeHasItsBitAndProxiedSharingIsSharing() {
        for (CooperationType t : CooperationType.values()) {
            assertEquals(1, Integer.bitCount(PeerRows.coopTypes(Set.of(t.uciName())) & 0xff), t.uciName());
        }
        assertEquals((byte) 0x80, PeerRows.coopTypes(Set.of("emergency")));
        assertEquals((byte) 0x40, PeerRows.coopTypes(Set.of("bandwidth_sharing")));
        assertEquals((byte) 0x40, PeerRows.coopTypes(Set.of("proxied_bandwidth_sharing")));
        assertEquals((byte) 0x20, PeerRows.coopTypes(Set.of("duplication")));
        assertEquals((byte) 0x10, PeerRows.coopTypes(Set.of("suppression")));
        assertEquals((byte) 0xf0, PeerRows.coopTypes(Set.of("emergency", "bandwidth_sharing", "duplication", "suppression")));
        assertEquals((byte) 0, PeerRows.coopTypes(Set.of("teleportation")), "unknown names set nothing");
    }

    @Test
    void rowsMergeTheThreeViews() {
        List<PeerRows.Row> rows = PeerRows.of(
                discovery(heard("100.64.77.2", "aaaa"), heard("100.64.77.9", "beef"), heard("100.64.77.9", "beef")),
                peers(paired("coop-b", "100.64.77.2", "ESTABLISHED"), paired("coop-a", "100.64.77.3", "CONNECTING")),
                List.of(agreement("coop-b", "Ost", "helper", Map.of(
                                "emergency", Map.of("quota_bytes", 5_000_000L, "window_ms", 1000L),
                                "duplication", Map.of("bandwidth_kbps", 2000L))),
                        agreement("coop-b", "", "requester", Map.of(
                                "emergency", Map.of("quota_bytes", 7L), "suppression", Map.of())),
                        agreement("coop-c", "West", "requester", Map.of("bandwidth_sharing", Map.of())),
                        agreement("coop-d", "Nord", "requester", Map.of(
                                "emergency", Map.of("bandwidth_kbps", 1000L)))));
        assertEquals(List.of(
                new PeerRows.Row("coop-a", "", PeerRows.PAIRING, (byte) 0, 0, true),
                new PeerRows.Row("coop-b", "Ost", PeerRows.UP, (byte) 0xb0, 5_000_000L, true),
                new PeerRows.Row("coop-c", "West", PeerRows.DOWN, (byte) 0x40, 0, true),
                new PeerRows.Row("coop-d", "Nord", PeerRows.DOWN, (byte) 0x80, 0, true),
                new PeerRows.Row("100.64.77.9/beef", "", PeerRows.DISCOVERED, (byte) 0, 0, false)), rows,
                "coop-b: both roles' types, the helper's quota, heard at its address so no second row;"
                        + " coop-d: emergency without a quota is 0; the router heard twice is one row");
        List<PeerRows.Row> requesterOnly = PeerRows.of(null, null, List.of(agreement("coop-e", "", "requester",
                Map.of("emergency", Map.of("quota_bytes", 9L)))));
        assertEquals(9L, requesterOnly.get(0).quotaLimit(), "a requester's quota when there is no helper agreement");
        assertEquals(List.of(), PeerRows.of(DiscoveryStatus.off("br-coop", 4790), PeersStatus.off(), List.of()));
    }

    @Test
    void textIsClippedTo64OctetsOnACharacterBoundary() {
        assertEquals("x".repeat(64), PeerRows.clip("x".repeat(70)));
        String clipped = PeerRows.clip("ä".repeat(40)); // 2 octets each
        assertEquals(32, clipped.length());
        assertTrue(clipped.getBytes(StandardCharsets.UTF_8).length <= 64);
        assertEquals("", PeerRows.clip(null));
    }

    @Test
    void peerUpAndPeerDownOnlyWhenPeerStateEntersOrLeavesUp() {
        PeerChannelChanged up = new PeerChannelChanged("coop-b", "100.64.77.2", "CONNECTING", "ESTABLISHED", "keys", T);
        PeerChannelChanged down = new PeerChannelChanged("coop-b", "100.64.77.2", "ESTABLISHED", "CONNECTING", "silence", T);
        assertEquals(Optional.of(new PeerMib.Notice(CoopwanMib.PEER_UP, 0, "Ost", PeerRows.UP)),
                PeerMib.noticeFor(up, true, "Ost"));
        assertEquals(Optional.of(new PeerMib.Notice(CoopwanMib.PEER_DOWN, 0, "Ost", PeerRows.DOWN)),
                PeerMib.noticeFor(down, true, "Ost"));
        assertEquals(Optional.empty(), PeerMib.noticeFor(up, false, ""), "pairing(2) to pairing(2)");
        assertEquals(Optional.empty(), PeerMib.noticeFor(down, false, ""));
    }

    @Test
    void agreementIndexValuesFollowTheMib() {
        assertEquals(1, PeerRows.role("requester"));
        assertEquals(2, PeerRows.role("helper"));
        assertEquals(0, PeerRows.role("observer"), "unknown role: no row");
        assertEquals(1, PeerRows.coopType("emergency"));
        assertEquals(2, PeerRows.coopType("bandwidth_sharing"));
        assertEquals(2, PeerRows.coopType("proxied_bandwidth_sharing"));
        assertEquals(3, PeerRows.coopType("duplication"));
        assertEquals(4, PeerRows.coopType("suppression"));
        assertEquals(0, PeerRows.coopType("teleportation"), "unknown type: no row");
    }
}
