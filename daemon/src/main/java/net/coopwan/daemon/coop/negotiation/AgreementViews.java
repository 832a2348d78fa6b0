package net.coopwan.daemon.coop.negotiation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import net.coopwan.daemon.api.AgreementStatus;
import net.coopwan.daemon.api.PendingApproval;
import net.coopwan.daemon.coop.agreement.Agreement;
import net.coopwan.daemon.coop.agreement.ApprovalRequest;
import net.coopwan.daemon.coop.agreement.Peer;
import net.coopwan.daemon.store.AgreementStore;
import net.coopwan.daemon.store.StoreException;

/**
 * Pending approvals and agreements as the ControlApi shows them, read from the store: readable
 * while the peer link is off too (the agreements persist, [0115]).
 */
public final class AgreementViews {

    private AgreementViews() {
    }

    /** @throws net.coopwan.daemon.api.ControlException RESOURCE_UNAVAILABLE when the store fails */
    public static List<PendingApproval> pending(AgreementStore store) {
        List<PendingApproval> out = new ArrayList<>();
        for (ApprovalRequest r : Negotiation.storeOrRefuse(store::pending)) {
            out.add(new PendingApproval(r.peerId(), name(store, r.peerId()), r.receivedAt(), Negotiation.spans(r.offer())));
        }
        return out;
    }

    /** @throws net.coopwan.daemon.api.ControlException RESOURCE_UNAVAILABLE when the store fails */
    public static List<AgreementStatus> agreements(AgreementStore store) {
        List<AgreementStatus> out = new ArrayList<>();
        for (Agreement a : Negotiation.storeOrRefuse(store::agreements)) {
            out.add(status(store, a));
        }
        return out;
    }

    static AgreementStatus status(AgreementStore store, Agreement a) {
        Map<String, Map<String, Long>> enabled = new TreeMap<>();
        a.enabled().forEach((t, v) -> enabled.put(t.uciName(), v));
        return new AgreementStatus(a.peerId(), name(store, a.peerId()), a.localRole().name().toLowerCase(), enabled,
                a.approvedAt(), a.approvedBy().label());
    }

    private static String name(AgreementStore store, String peerId) {
        try {
            return store.peer(peerId).map(Peer::name).orElse("");
        } catch (StoreException e) {
            return "";
        }
    }
}
