package net.coopwan.daemon.coop.agreement;

import static net.coopwan.config.CooperationType.BANDWIDTH_SHARING;
import static net.coopwan.config.CooperationType.DUPLICATION;
import static net.coopwan.config.CooperationType.EMERGENCY;
import static net.coopwan.config.CooperationType.SUPPRESSION;
import static net.coopwan.daemon.coop.agreement.Fixtures.OFFER;
import static net.coopwan.daemon.coop.agreement.Fixtures.REQUESTER;
import static net.coopwan.daemon.coop.agreement.Fixtures.T0;
import static net.coopwan.daemon.coop.agreement.Fixtures.T1;
import static net.coopwan.daemon.coop.agreement.Fixtures.emergencyAt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import net.coopwan.config.CooperationOffer;
import net.coopwan.config.ParameterRange;

class AgreementRulesTest {

    private static final ApprovalRequest PENDING = new ApprovalRequest(REQUESTER, OFFER, T0);

    private static Rejection only(List<Rejection> r) {
        assertEquals(1, r.size(), r.toString());
        return r.get(0);
    }

    @Test
    void offerFromConfigTakesOnlyEnabledSections() {
        Offer o = Offer.fromConfig(List.of(
                new CooperationOffer("em", EMERGENCY, true, Map.of("bandwidth_kbps", new ParameterRange(1000, 10_000))),
                new CooperationOffer("bw", BANDWIDTH_SHARING, false, Map.of("bandwidth_kbps", new ParameterRange(1, 2)))));
        assertEquals(Map.of(EMERGENCY, Map.of("bandwidth_kbps", new ParameterRange(1000, 10_000))), o.types());
        assertThrows(IllegalArgumentException.class, () -> Offer.fromConfig(List.of(
                new CooperationOffer("a", EMERGENCY, true, Map.of()), new CooperationOffer("b", EMERGENCY, true, Map.of()))));
    }

    @Test
    void recordsAreImmutableCopies() {
        java.util.HashMap<String, Long> params = new java.util.HashMap<>(Map.of("bandwidth_kbps", 5000L));
        Response r = new Response(Map.of(EMERGENCY, params));
        params.put("bandwidth_kbps", 9999L);
        assertEquals(5000L, r.approved().get(EMERGENCY).get("bandwidth_kbps"));
        assertThrows(UnsupportedOperationException.class, () -> r.approved().get(EMERGENCY).put("x", 1L));
    }

    @Test
    void checkOfferRejectsEmptyAndUnknownParameters() {
        assertEquals(RejectReason.EMPTY, only(AgreementRules.checkOffer(new Offer(Map.of()))).reason());
        Rejection r = only(AgreementRules.checkOffer(new Offer(Map.of(SUPPRESSION, Map.of("colour", new ParameterRange(1, 2))))));
        assertEquals(RejectReason.UNKNOWN_PARAMETER, r.reason());
        assertEquals("colour", r.parameter());
        assertTrue(AgreementRules.checkOffer(OFFER).isEmpty());
    }

    @Test
    void approvalOfASubsetInsideTheRangesIsAccepted() {
        Verdict<AgreementRules.Decided> v = AgreementRules.decide(PENDING,
                new OwnerDecision.Approve(emergencyAt(5000)), Approver.OWNER_WEB, T1);
        assertTrue(v.accepted());
        Agreement a = v.get().agreement();
        assertEquals(new Agreement(REQUESTER, Role.HELPER, emergencyAt(5000), T1, Approver.OWNER_WEB), a);
        assertEquals(new Response(emergencyAt(5000)), v.get().response());
        assertEquals("owner via web", a.approvedBy().label());
    }

    @Test
    void rangeEdgesAreInclusive() {
        assertTrue(AgreementRules.checkValues(OFFER, emergencyAt(1000)).isEmpty());
        assertTrue(AgreementRules.checkValues(OFFER, emergencyAt(10_000)).isEmpty());
        assertEquals(RejectReason.OUT_OF_RANGE, only(AgreementRules.checkValues(OFFER, emergencyAt(999))).reason());
        assertEquals(RejectReason.OUT_OF_RANGE, only(AgreementRules.checkValues(OFFER, emergencyAt(10_001))).reason());
    }

    @Test
    void outOfRangeNamesParameterValueAndRange() {
        Verdict<AgreementRules.Decided> v = AgreementRules.decide(PENDING,
                new OwnerDecision.Approve(emergencyAt(20_000)), Approver.OWNER_CLI, T1);
        assertFalse(v.accepted());
        Rejection r = only(v.rejections());
        assertEquals(new Rejection(RejectReason.OUT_OF_RANGE, EMERGENCY, "bandwidth_kbps", 20_000L, new ParameterRange(1000, 10_000)), r);
        assertEquals("OUT_OF_RANGE: emergency bandwidth_kbps=20000 not in 1000..10000", r.message());
    }

    @Test
    void valueInsideAnOverwideOfferButOutsideTheHardBoundsIsOutOfRange() {
        Offer wide = new Offer(Map.of(SUPPRESSION, Map.of("max_drop_percent", new ParameterRange(0, 500))));
        Rejection r = only(AgreementRules.checkValues(wide, Map.of(SUPPRESSION, Map.of("max_drop_percent", 150L))));
        assertEquals(RejectReason.OUT_OF_RANGE, r.reason());
        assertEquals(SUPPRESSION.bounds().get("max_drop_percent"), r.range(), "the hard bounds are named");
        assertTrue(AgreementRules.checkValues(wide, Map.of(SUPPRESSION, Map.of("max_drop_percent", 100L))).isEmpty());
    }

    @Test
    void typeNotInTheOfferIsNotOffered() {
        Rejection r = only(AgreementRules.checkValues(OFFER, Map.of(DUPLICATION, Map.of("bandwidth_kbps", 10L))));
        assertEquals(RejectReason.NOT_OFFERED, r.reason());
        assertEquals(DUPLICATION, r.type());
    }

    @Test
    void missingAndUnknownParameters() {
        Offer two = new Offer(Map.of(EMERGENCY, Map.of(
                "bandwidth_kbps", new ParameterRange(1000, 10_000), "window_ms", new ParameterRange(100, 1000))));
        Rejection missing = only(AgreementRules.checkValues(two, emergencyAt(5000)));
        assertEquals(RejectReason.MISSING_PARAMETER, missing.reason());
        assertEquals("window_ms", missing.parameter());
        // A parameter the type has but that was not offered, and one the type does not have.
        List<Rejection> r = AgreementRules.checkValues(OFFER,
                Map.of(EMERGENCY, Map.of("bandwidth_kbps", 5000L, "quota_bytes", 1L, "colour", 3L)));
        assertEquals(List.of(RejectReason.UNKNOWN_PARAMETER, RejectReason.UNKNOWN_PARAMETER),
                r.stream().map(Rejection::reason).toList());
        assertEquals(List.of("colour", "quota_bytes"), r.stream().map(Rejection::parameter).toList());
    }

    @Test
    void emptyApprovalIsRejectedAsEmpty() {
        Verdict<AgreementRules.Decided> v = AgreementRules.decide(PENDING, new OwnerDecision.Approve(Map.of()), Approver.OWNER_LUCI, T1);
        assertEquals(RejectReason.EMPTY, only(v.rejections()).reason());
        assertEquals(RejectReason.EMPTY, only(AgreementRules.acceptResponse("h", OFFER, new Response(Map.of()), T1).rejections()).reason());
    }

    @Test
    void ownerRejectionProducesNoAgreementAndNoResponse() {
        Verdict<AgreementRules.Decided> v = AgreementRules.decide(PENDING, new OwnerDecision.Reject("not now"), Approver.OWNER_SNMP, T1);
        assertTrue(v.accepted());
        assertFalse(v.get().approved());
        assertNull(v.get().response());
        assertEquals("not now", v.get().rejectedBecause());
        assertThrows(IllegalArgumentException.class,
                () -> AgreementRules.decide(PENDING, new OwnerDecision.Reject("x"), Approver.PEER_RESPONSE, T1));
    }

    @Test
    void forgedResponseWithAnExtraTypeIsRejectedWhole() {
        Response forged = new Response(Map.of(
                EMERGENCY, Map.of("bandwidth_kbps", 5000L),
                BANDWIDTH_SHARING, Map.of("bandwidth_kbps", 5000L, "max_share_percent", 50L)));
        Verdict<Agreement> v = AgreementRules.acceptResponse("router-helper", OFFER, forged, T1);
        assertFalse(v.accepted(), "the valid emergency part is not enabled either");
        Rejection r = only(v.rejections());
        assertEquals(RejectReason.NOT_OFFERED, r.reason());
        assertEquals(BANDWIDTH_SHARING, r.type());
    }

    @Test
    void responseWithAValueOutsideTheAdvertisedRangeIsRejected() {
        Verdict<Agreement> v = AgreementRules.acceptResponse("router-helper", OFFER,
                new Response(Map.of(SUPPRESSION, Map.of("max_drop_percent", 30L))), T1);
        assertEquals(new Rejection(RejectReason.OUT_OF_RANGE, SUPPRESSION, "max_drop_percent", 30L, new ParameterRange(5, 20)),
                only(v.rejections()));
    }

    @Test
    void validResponseBecomesTheRequestersAgreement() {
        Verdict<Agreement> v = AgreementRules.acceptResponse("router-helper", OFFER, new Response(emergencyAt(5000)), T1);
        assertEquals(new Agreement("router-helper", Role.REQUESTER, emergencyAt(5000), T1, Approver.PEER_RESPONSE), v.get());
    }

    private static final Agreement AGREED = new Agreement(REQUESTER, Role.HELPER,
            Map.of(EMERGENCY, Map.of("bandwidth_kbps", 5000L, "window_ms", 1000L)), T1, Approver.OWNER_WEB);

    private static CooperationRequest request(String peer, net.coopwan.config.CooperationType t, Map<String, Long> v) {
        return new CooperationRequest(peer, t, v);
    }

    @Test
    void requestsUpToTheAgreedValueAreAccepted() {
        assertTrue(AgreementRules.checkRequest(AGREED, request(REQUESTER, EMERGENCY, Map.of("bandwidth_kbps", 5000L))).isEmpty());
        assertTrue(AgreementRules.checkRequest(AGREED, request(REQUESTER, EMERGENCY, Map.of("bandwidth_kbps", 0L))).isEmpty());
        assertTrue(AgreementRules.checkRequest(AGREED, request(REQUESTER, EMERGENCY, Map.of())).isEmpty(), "no amount named");
    }

    @Test
    void requestAboveTheAgreedValueIsOverAgreedValue() {
        Rejection r = only(AgreementRules.checkRequest(AGREED, request(REQUESTER, EMERGENCY, Map.of("bandwidth_kbps", 5001L))));
        assertEquals(RejectReason.OVER_AGREED_VALUE, r.reason());
        assertEquals(5001L, r.value());
        assertEquals("OVER_AGREED_VALUE: emergency bandwidth_kbps=5001 above agreed 5000", r.message());
    }

    @Test
    void requestForATypeNotEnabledOrWithoutAgreement() {
        assertEquals(RejectReason.TYPE_NOT_ENABLED,
                only(AgreementRules.checkRequest(AGREED, request(REQUESTER, SUPPRESSION, Map.of("max_drop_percent", 5L)))).reason());
        assertEquals(RejectReason.TYPE_NOT_ENABLED,
                only(AgreementRules.checkRequest(null, request(REQUESTER, EMERGENCY, Map.of()))).reason());
        assertEquals(RejectReason.TYPE_NOT_ENABLED,
                only(AgreementRules.checkRequest(AGREED, request("someone-else", EMERGENCY, Map.of()))).reason(),
                "another peer's agreement does not count");
    }

    @Test
    void requestNamingATermOrAnUnknownParameterOrANegativeValue() {
        assertEquals(RejectReason.UNKNOWN_PARAMETER,
                only(AgreementRules.checkRequest(AGREED, request(REQUESTER, EMERGENCY, Map.of("window_ms", 10L)))).reason());
        assertEquals(RejectReason.UNKNOWN_PARAMETER,
                only(AgreementRules.checkRequest(AGREED, request(REQUESTER, EMERGENCY, Map.of("quota_bytes", 10L)))).reason());
        assertEquals(RejectReason.OUT_OF_RANGE,
                only(AgreementRules.checkRequest(AGREED, request(REQUESTER, EMERGENCY, Map.of("bandwidth_kbps", -1L)))).reason());
    }

    @Test
    void repeatedSameOfferKeepsThePendingApproval() {
        RepeatCheck c = AgreementRules.checkRepeat(PENDING, OFFER, T1);
        assertEquals(RepeatCheck.Outcome.SAME, c.outcome());
        assertSame(PENDING, c.pending());
    }

    @Test
    void repeatedSubsetKeepsItsPlaceAndNarrows() {
        Offer narrower = new Offer(Map.of(EMERGENCY, Map.of("bandwidth_kbps", new ParameterRange(2000, 8000))));
        RepeatCheck c = AgreementRules.checkRepeat(PENDING, narrower, T1);
        assertEquals(RepeatCheck.Outcome.SUBSET, c.outcome());
        assertEquals(new ApprovalRequest(REQUESTER, narrower, T0), c.pending(), "same time in the queue, narrower offer");
        // An approval is then checked against the narrower offer.
        assertEquals(RejectReason.OUT_OF_RANGE, only(AgreementRules.decide(c.pending(),
                new OwnerDecision.Approve(emergencyAt(9000)), Approver.OWNER_WEB, T1).rejections()).reason());
    }

    @Test
    void repeatedOfferThatIsNotASubsetReplacesThePendingApprovalAndSaysWhy() {
        assertReplaced(new Offer(Map.of(DUPLICATION, Map.of("bandwidth_kbps", new ParameterRange(1, 2)))), "new type duplication");
        assertReplaced(new Offer(Map.of(EMERGENCY, Map.of("bandwidth_kbps", new ParameterRange(500, 10_000)))),
                "emergency bandwidth_kbps range 500..10000 is wider than the pending 1000..10000");
        assertReplaced(new Offer(Map.of(EMERGENCY, Map.of("bandwidth_kbps", new ParameterRange(1000, 10_000),
                "window_ms", new ParameterRange(100, 200)))), "emergency offers new parameter window_ms");
        assertReplaced(new Offer(Map.of(EMERGENCY, Map.of())), "emergency no longer offers bandwidth_kbps");
        assertReplaced(new Offer(Map.of()), "the repeat offers nothing");
    }

    private static void assertReplaced(Offer repeat, String why) {
        RepeatCheck c = AgreementRules.checkRepeat(PENDING, repeat, T1);
        assertEquals(RepeatCheck.Outcome.REPLACED, c.outcome());
        assertEquals(why, c.why());
        assertEquals(new ApprovalRequest(REQUESTER, repeat, T1), c.pending());
    }
}
