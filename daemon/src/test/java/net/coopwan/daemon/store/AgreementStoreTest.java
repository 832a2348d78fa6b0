package net.coopwan.daemon.store;

import static net.coopwan.config.CooperationType.DUPLICATION;
import static net.coopwan.config.CooperationType.EMERGENCY;
import static net.coopwan.config.CooperationType.SUPPRESSION;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.coopwan.config.ParameterRange;
import net.coopwan.daemon.coop.agreement.Agreement;
import net.coopwan.daemon.coop.agreement.ApprovalRequest;
import net.coopwan.daemon.coop.agreement.Approver;
import net.coopwan.daemon.coop.agreement.Offer;
import net.coopwan.daemon.coop.agreement.Peer;
import net.coopwan.daemon.coop.agreement.Role;

class AgreementStoreTest {

    private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
    private static final Instant T1 = Instant.parse("2026-11-24T10:05:00.123456Z");
    private static final Offer OFFER = new Offer(Map.of(
            EMERGENCY, Map.of("bandwidth_kbps", new ParameterRange(1000, 10_000), "window_ms", new ParameterRange(100, 1000)),
            SUPPRESSION, Map.of("max_drop_percent", new ParameterRange(5, 20)),
            DUPLICATION, Map.of()));

    @TempDir
    Path dir;

    @Test
    void offerTextRoundTripsAndCorruptTextIsNamed() throws Exception {
        String text = AgreementStore.encodeOffer(OFFER);
        assertEquals("emergency:bandwidth_kbps=1000..10000,window_ms=100..1000;duplication:;suppression:max_drop_percent=5..20", text);
        assertEquals(OFFER, AgreementStore.decodeOffer(text));
        assertEquals(new Offer(Map.of()), AgreementStore.decodeOffer(""));
        assertEquals(new Offer(Map.of(SUPPRESSION, Map.of("max_drop_percent", new ParameterRange(-5, Long.MAX_VALUE)))),
                AgreementStore.decodeOffer("suppression:max_drop_percent=-5.." + Long.MAX_VALUE));
        for (String bad : List.of("emergency", "teleport:x=1..2", "emergency:bandwidth_kbps=2..1", "emergency:x=1",
                "emergency:;emergency:", "emergency:a=1..2,")) {
            StoreException e = assertThrows(StoreException.class, () -> AgreementStore.decodeOffer(bad), bad);
            assertTrue(e.getMessage().contains("corrupt") || e.getMessage().contains("unknown"), e.getMessage());
        }
    }

    @Test
    void agreementsPendingApprovalsAndPeersSurviveReopen() throws Exception {
        Agreement helper = new Agreement("router-r", Role.HELPER,
                Map.of(EMERGENCY, Map.of("bandwidth_kbps", 5000L, "window_ms", 1000L), DUPLICATION, Map.of()), T1, Approver.OWNER_CLI);
        Agreement requester = new Agreement("router-r", Role.REQUESTER,
                Map.of(SUPPRESSION, Map.of("max_drop_percent", 7L)), T1, Approver.PEER_RESPONSE);
        ApprovalRequest pending = new ApprovalRequest("router-x", OFFER, T0);
        try (Store s = Store.open(dir)) {
            AgreementStore a = new AgreementStore(s);
            a.seen("router-r", "Neighbour", T0);
            a.saveAgreement(helper);
            a.saveAgreement(requester);
            a.savePending(pending);
            a.seen("router-r", null, T1);
            a.seen("router-r", null, T0); // late, out-of-order report: last_seen stays
        }
        try (Store s = Store.open(dir)) {
            AgreementStore a = new AgreementStore(s);
            assertEquals(List.of(helper, requester), a.agreements());
            assertEquals(Optional.of(helper), a.agreement("router-r", Role.HELPER));
            assertEquals(List.of(pending), a.pending());
            assertEquals(List.of(new Peer("router-r", "Neighbour", T0, T1), new Peer("router-x", null, T0, T0)), a.peers());
        }
    }

    @Test
    void savingReplacesAndHelperAgreementClearsThePendingApproval() throws Exception {
        try (Store s = Store.open(dir)) {
            AgreementStore a = new AgreementStore(s);
            a.savePending(new ApprovalRequest("p", OFFER, T0));
            a.saveAgreement(new Agreement("p", Role.REQUESTER, Map.of(DUPLICATION, Map.of()), T0, Approver.PEER_RESPONSE));
            assertTrue(a.pending("p").isPresent(), "a requester agreement does not answer the peer's offer");
            a.saveAgreement(new Agreement("p", Role.HELPER, Map.of(EMERGENCY, Map.of("bandwidth_kbps", 1L)), T0, Approver.OWNER_WEB));
            Agreement newer = new Agreement("p", Role.HELPER, Map.of(SUPPRESSION, Map.of("max_drop_percent", 9L)), T1, Approver.OWNER_LUCI);
            a.saveAgreement(newer);
            assertEquals(Optional.empty(), a.pending("p"));
            assertEquals(Optional.of(newer), a.agreement("p", Role.HELPER), "replaced whole, no rows of the old one left");
            assertTrue(a.deleteAgreement("p", Role.HELPER));
            assertFalse(a.deleteAgreement("p", Role.HELPER));
            assertEquals(1, a.agreements().size());
            assertTrue(a.deletePeer("p"));
            assertEquals(List.of(), a.agreements(), "forgetting a peer drops its agreements");
            assertEquals(0, count(s, "agreement_value") + count(s, "agreement_type"));
        }
    }

    @Test
    void aFailedSaveLeavesNothingBehind() throws Exception {
        try (Store s = Store.open(dir)) {
            AgreementStore a = new AgreementStore(s);
            Agreement old = new Agreement("p", Role.HELPER, Map.of(EMERGENCY, Map.of("bandwidth_kbps", 1L)), T0, Approver.OWNER_WEB);
            a.saveAgreement(old);
            String longName = "x".repeat(41); // agreement_value.parameter is VARCHAR(40)
            assertThrows(StoreException.class, () -> a.saveAgreement(new Agreement("p", Role.HELPER,
                    Map.of(EMERGENCY, Map.of("bandwidth_kbps", 2L, longName, 1L)), T1, Approver.OWNER_WEB)));
            assertEquals(List.of(old), a.agreements(), "rolled back: the old agreement is intact");
            assertThrows(StoreException.class, () -> a.seen("", null, T0));
            assertThrows(StoreException.class, () -> a.seen("y".repeat(65), null, T0));
        }
    }

    private static int count(Store s, String table) throws Exception {
        synchronized (s) {
            try (Statement st = s.connection().createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    @Test
    void aV1DatabaseMigratesToV2KeepingItsEvents() throws Exception {
        // Build a database exactly as the V1 code left it: V1.sql and its schema_version row.
        String url = "jdbc:h2:file:" + dir.toAbsolutePath().resolve("coopwan") + ";FILE_LOCK=FILE";
        try (Connection c = DriverManager.getConnection(url, "coopwan", "");
             InputStream in = Migrations.class.getResourceAsStream("V1.sql");
             Statement st = c.createStatement()) {
            assertEquals(0, Migrations.currentVersion(c));
            st.execute(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            st.execute("INSERT INTO schema_version VALUES (1, 'event log', CURRENT_TIMESTAMP)");
            st.execute("INSERT INTO event_log(at, source, message) VALUES (TIMESTAMP WITH TIME ZONE '2026-11-01 12:00:00+00', 'uplink wan', 'eth1 up -> down')");
            st.execute("INSERT INTO event_log(at, source, message) VALUES (TIMESTAMP WITH TIME ZONE '2026-11-01 12:01:00+00', 'config', 'reloaded')");
        }
        try (Store s = Store.open(dir)) {
            assertEquals(Migrations.DESCRIPTIONS.size(), s.schemaVersion(), "every migration up to the newest");
            var events = new EventLog(s, java.time.Clock.systemUTC()).newest(10);
            assertEquals(List.of("reloaded", "eth1 up -> down"), events.stream().map(e -> e.message()).toList());
            assertEquals(Instant.parse("2026-11-01T12:00:00Z"), events.get(1).time());
            assertEquals(0, count(s, "peer") + count(s, "pending_approval") + count(s, "agreement"));
            new AgreementStore(s).seen("p", null, T0); // the V2 tables are usable
        }
    }
}
