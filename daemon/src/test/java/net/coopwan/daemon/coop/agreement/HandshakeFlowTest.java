package net.coopwan.daemon.coop.agreement;

import static net.coopwan.config.CooperationType.EMERGENCY;
import static net.coopwan.config.CooperationType.SUPPRESSION;
import static net.coopwan.daemon.coop.agreement.Fixtures.HELPER;
import static net.coopwan.daemon.coop.agreement.Fixtures.OFFER;
import static net.coopwan.daemon.coop.agreement.Fixtures.REQUESTER;
import static net.coopwan.daemon.coop.agreement.Fixtures.T0;
import static net.coopwan.daemon.coop.agreement.Fixtures.T1;
import static net.coopwan.daemon.coop.agreement.Fixtures.emergencyAt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.coopwan.daemon.store.AgreementStore;
import net.coopwan.daemon.store.Store;

/**
 * The worked flow of docs/PROTOCOL.md 2.8 on two real H2 files (one per router): offer, owner
 * approval of a subset, response, requester check, persistence on both, reopen, later requests.
 */
class HandshakeFlowTest {

    @TempDir
    Path requesterDir;
    @TempDir
    Path helperDir;

    private static Agreement helperApproves(ApprovalRequest pending, Map<net.coopwan.config.CooperationType, Map<String, Long>> values,
            AgreementStore store) throws Exception {
        Verdict<AgreementRules.Decided> v = AgreementRules.decide(pending, new OwnerDecision.Approve(values), Approver.OWNER_WEB, T1);
        if (v.accepted()) {
            store.saveAgreement(v.get().agreement());
            return v.get().agreement();
        }
        return null;
    }

    @Test
    void offerApproveRespondCheckPersistReopenAndRequest() throws Exception {
        // Helper receives the offer and queues it for its owner.
        ApprovalRequest pending = new ApprovalRequest(REQUESTER, OFFER, T0);
        assertTrue(AgreementRules.checkOffer(OFFER).isEmpty());
        Response response;
        try (Store helper = Store.open(helperDir)) {
            AgreementStore hs = new AgreementStore(helper);
            hs.savePending(pending);
            assertEquals(List.of(pending), hs.pending());
            // The owner approves emergency at 5000 kbit/s and leaves suppression out (rejects it).
            Verdict<AgreementRules.Decided> v = AgreementRules.decide(hs.pending(REQUESTER).orElseThrow(),
                    new OwnerDecision.Approve(emergencyAt(5000)), Approver.OWNER_WEB, T1);
            assertTrue(v.accepted(), v.rejections().toString());
            hs.saveAgreement(v.get().agreement());
            assertEquals(List.of(), hs.pending(), "the approval is no longer pending");
            response = v.get().response();
            assertEquals(new Response(emergencyAt(5000)), response);
        }
        // Requester checks the response against what it advertised and persists it.
        try (Store requester = Store.open(requesterDir)) {
            Verdict<Agreement> v = AgreementRules.acceptResponse(HELPER, OFFER, response, T1);
            assertTrue(v.accepted(), v.rejections().toString());
            new AgreementStore(requester).saveAgreement(v.get());
        }
        // Both routers restart.
        try (Store helper = Store.open(helperDir); Store requester = Store.open(requesterDir)) {
            Agreement onHelper = new AgreementStore(helper).agreement(REQUESTER, Role.HELPER).orElseThrow();
            Agreement onRequester = new AgreementStore(requester).agreement(HELPER, Role.REQUESTER).orElseThrow();
            assertEquals(new Agreement(REQUESTER, Role.HELPER, emergencyAt(5000), T1, Approver.OWNER_WEB), onHelper);
            assertEquals(new Agreement(HELPER, Role.REQUESTER, emergencyAt(5000), T1, Approver.PEER_RESPONSE), onRequester);
            assertEquals(onHelper.enabled(), onRequester.enabled(), "both routers enabled the same types and values");
            assertTrue(new AgreementStore(helper).peer(REQUESTER).isPresent());

            // Later requests on the helper.
            assertEquals(List.of(), AgreementRules.checkRequest(onHelper,
                    new CooperationRequest(REQUESTER, EMERGENCY, Map.of("bandwidth_kbps", 4000L))));
            assertEquals(List.of(new Rejection(RejectReason.OVER_AGREED_VALUE, EMERGENCY, "bandwidth_kbps", 6000L,
                    new net.coopwan.config.ParameterRange(0, 5000))), AgreementRules.checkRequest(onHelper,
                    new CooperationRequest(REQUESTER, EMERGENCY, Map.of("bandwidth_kbps", 6000L))));
            assertEquals(RejectReason.TYPE_NOT_ENABLED, AgreementRules.checkRequest(onHelper,
                    new CooperationRequest(REQUESTER, SUPPRESSION, Map.of("max_drop_percent", 10L))).get(0).reason());
        }
    }

    @Test
    void outOfRangeApprovalIsRejectedAndNothingIsPersisted() throws Exception {
        try (Store helper = Store.open(helperDir)) {
            AgreementStore hs = new AgreementStore(helper);
            ApprovalRequest pending = new ApprovalRequest(REQUESTER, OFFER, T0);
            hs.savePending(pending);
            assertEquals(null, helperApproves(pending, emergencyAt(20_000), hs));
            assertEquals(null, helperApproves(pending, Map.of(EMERGENCY, Map.of("bandwidth_kbps", 5000L),
                    SUPPRESSION, Map.of("max_drop_percent", 50L)), hs), "one bad value refuses the whole approval");
            assertEquals(List.of(), hs.agreements());
            assertEquals(Optional.of(pending), hs.pending(REQUESTER), "still waiting for a valid decision");
        }
    }

    @Test
    void forgedResponseIsRejectedAndNothingIsEnabledOnTheRequester() throws Exception {
        Response forged = new Response(Map.of(
                EMERGENCY, Map.of("bandwidth_kbps", 5000L),
                net.coopwan.config.CooperationType.DUPLICATION, Map.of("bandwidth_kbps", 5000L)));
        try (Store requester = Store.open(requesterDir)) {
            Verdict<Agreement> v = AgreementRules.acceptResponse(HELPER, OFFER, forged, T1);
            assertFalse(v.accepted());
            assertEquals(RejectReason.NOT_OFFERED, v.rejections().get(0).reason());
            v.value().ifPresent(a -> {
                throw new AssertionError("would persist " + a);
            });
            assertEquals(List.of(), new AgreementStore(requester).agreements());
        }
    }
}
