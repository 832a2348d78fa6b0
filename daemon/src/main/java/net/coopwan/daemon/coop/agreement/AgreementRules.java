package net.coopwan.daemon.coop.agreement;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import net.coopwan.config.CooperationType;
import net.coopwan.config.ParameterRange;

/**
 * Every rule of the handshake in one place (docs/PROTOCOL.md 2.3-2.6). Pure functions: no clock,
 * no store, no I/O; callers persist only what an accepted verdict returns.
 *
 * <p>Lists of rejections are in a fixed order (types in enum order, parameters by name) so the
 * same input always gives the same answer.
 */
public final class AgreementRules {

    /**
     * Parameters that are terms of an agreement, not amounts a request asks for: a quota is "per
     * window" [0131], so a request naming a smaller window would ask for more. Requests may not
     * name them.
     */
    public static final Set<String> TERMS = Set.of("window_ms");

    private AgreementRules() {
    }

    /**
     * A received offer before it is shown to the owner: not empty, only parameters its types
     * have. Ranges wider than the hard bounds are allowed (the values chosen must be inside both).
     */
    public static List<Rejection> checkOffer(Offer offer) {
        List<Rejection> out = new ArrayList<>();
        if (offer.types().isEmpty()) {
            out.add(Rejection.of(RejectReason.EMPTY));
        }
        offer.types().forEach((type, ranges) -> {
            for (String p : ranges.keySet()) {
                if (!type.bounds().containsKey(p)) {
                    out.add(Rejection.of(RejectReason.UNKNOWN_PARAMETER, type, p));
                }
            }
        });
        return out;
    }

    /**
     * The helper's check of its owner's approval, and the requester's check of a response: the
     * same rule seen from both sides ([0114] subset; [0118] "within the advertised ranges").
     * Passes iff the set is not empty, every type was offered, every offered parameter has a
     * value and no other parameter does, and every value is inside the offered range and the
     * type's hard bounds.
     */
    public static List<Rejection> checkValues(Offer offer, Map<CooperationType, Map<String, Long>> values) {
        List<Rejection> out = new ArrayList<>();
        if (values.isEmpty()) {
            out.add(Rejection.of(RejectReason.EMPTY));
        }
        values.forEach((type, params) -> {
            Map<String, ParameterRange> offered = offer.types().get(type);
            if (offered == null) {
                out.add(Rejection.of(RejectReason.NOT_OFFERED, type));
                return;
            }
            Set<String> names = new TreeSet<>(offered.keySet());
            names.addAll(params.keySet());
            for (String p : names) {
                ParameterRange range = offered.get(p);
                Long v = params.get(p);
                ParameterRange bounds = type.bounds().get(p);
                if (range == null || bounds == null) {
                    out.add(new Rejection(RejectReason.UNKNOWN_PARAMETER, type, p, v, null));
                } else if (v == null) {
                    out.add(new Rejection(RejectReason.MISSING_PARAMETER, type, p, null, range));
                } else if (!range.contains(v)) {
                    out.add(new Rejection(RejectReason.OUT_OF_RANGE, type, p, v, range));
                } else if (!bounds.contains(v)) {
                    out.add(new Rejection(RejectReason.OUT_OF_RANGE, type, p, v, bounds));
                }
            }
        });
        return out;
    }

    /**
     * Helper side, step 312-316: the owner's decision on a pending request. An approval that
     * passes {@link #checkValues} gives the agreement to persist and the response to send; a
     * rejection by the owner gives neither (the verdict carries no rejections of rules, so it is
     * "accepted" with an empty result); an invalid approval gives the rejections.
     */
    public static Verdict<Decided> decide(ApprovalRequest request, OwnerDecision decision, Approver approver, Instant now) {
        if (approver == Approver.PEER_RESPONSE) {
            throw new IllegalArgumentException("the helper's owner approves, not a response");
        }
        if (decision instanceof OwnerDecision.Reject r) {
            return Verdict.accepted(new Decided(null, null, r.reason()));
        }
        OwnerDecision.Approve a = (OwnerDecision.Approve) decision;
        List<Rejection> rejections = new ArrayList<>(checkOffer(request.offer()));
        if (rejections.isEmpty()) {
            rejections.addAll(checkValues(request.offer(), a.values()));
        }
        if (!rejections.isEmpty()) {
            return Verdict.rejected(rejections);
        }
        return Verdict.accepted(new Decided(
                new Agreement(request.peerId(), Role.HELPER, a.values(), now, approver),
                new Response(a.values()),
                null));
    }

    /**
     * What the owner's decision produced: an agreement and its response, or the owner's reason
     * for rejecting the whole offer.
     */
    public record Decided(Agreement agreement, Response response, String rejectedBecause) {
        public boolean approved() {
            return agreement != null;
        }
    }

    /**
     * Requester side, step 317-318: a response from {@code peerId} to what we advertised. The
     * whole response is refused on any failed rule (the checklist's resolution); nothing is
     * enabled then.
     */
    public static Verdict<Agreement> acceptResponse(String peerId, Offer advertised, Response response, Instant now) {
        List<Rejection> rejections = checkValues(advertised, response.approved());
        if (!rejections.isEmpty()) {
            return Verdict.rejected(rejections);
        }
        return Verdict.accepted(new Agreement(peerId, Role.REQUESTER, response.approved(), now, Approver.PEER_RESPONSE));
    }

    /**
     * A later request checked against the persisted agreement with that peer ({@code null} when
     * there is none) ([0115]). Rejections: {@link RejectReason#TYPE_NOT_ENABLED} (no agreement,
     * another peer's agreement, type not enabled), {@link RejectReason#UNKNOWN_PARAMETER} (not
     * agreed, or a {@link #TERMS term}), {@link RejectReason#OUT_OF_RANGE} (negative),
     * {@link RejectReason#OVER_AGREED_VALUE}.
     */
    public static List<Rejection> checkRequest(Agreement agreement, CooperationRequest request) {
        if (agreement == null || !agreement.peerId().equals(request.peerId()) || !agreement.enables(request.type())) {
            return List.of(Rejection.of(RejectReason.TYPE_NOT_ENABLED, request.type()));
        }
        Map<String, Long> agreed = agreement.enabled().get(request.type());
        List<Rejection> out = new ArrayList<>();
        request.values().forEach((p, v) -> {
            Long max = agreed.get(p);
            if (max == null || TERMS.contains(p)) {
                out.add(new Rejection(RejectReason.UNKNOWN_PARAMETER, request.type(), p, v, null));
            } else if (v < 0) {
                out.add(new Rejection(RejectReason.OUT_OF_RANGE, request.type(), p, v, new ParameterRange(0, max)));
            } else if (v > max) {
                out.add(new Rejection(RejectReason.OVER_AGREED_VALUE, request.type(), p, v, new ParameterRange(0, max)));
            }
        });
        return out;
    }

    /**
     * A repeated offer from a peer whose earlier offer still waits for the owner ([0116]): the
     * same offer or a subset (fewer types, same parameters, ranges inside the pending ones) keeps
     * the pending approval, narrowed to the repeat so an approval is checked against what the
     * requester now offers; anything else replaces it, because the owner has not seen it.
     */
    public static RepeatCheck checkRepeat(ApprovalRequest pending, Offer repeat, Instant now) {
        if (!pending.offer().equals(repeat)) {
            String why = notSubsetBecause(pending.offer(), repeat);
            if (why != null) {
                return new RepeatCheck(RepeatCheck.Outcome.REPLACED, new ApprovalRequest(pending.peerId(), repeat, now), why);
            }
            return new RepeatCheck(RepeatCheck.Outcome.SUBSET,
                    new ApprovalRequest(pending.peerId(), repeat, pending.receivedAt()), "subset of the pending offer");
        }
        return new RepeatCheck(RepeatCheck.Outcome.SAME, pending, "same offer");
    }

    /** Null when {@code repeat} is the same as or a subset of {@code pending}, else the first difference. */
    static String notSubsetBecause(Offer pending, Offer repeat) {
        if (repeat.types().isEmpty()) {
            return "the repeat offers nothing";
        }
        for (Map.Entry<CooperationType, Map<String, ParameterRange>> e : repeat.types().entrySet()) {
            CooperationType type = e.getKey();
            Map<String, ParameterRange> old = pending.types().get(type);
            if (old == null) {
                return "new type " + type.uciName();
            }
            Map<String, ParameterRange> now = e.getValue();
            for (String p : old.keySet()) {
                if (!now.containsKey(p)) {
                    return type.uciName() + " no longer offers " + p;
                }
            }
            for (Map.Entry<String, ParameterRange> r : now.entrySet()) {
                ParameterRange was = old.get(r.getKey());
                ParameterRange is = r.getValue();
                if (was == null) {
                    return type.uciName() + " offers new parameter " + r.getKey();
                }
                if (!was.contains(is)) {
                    return type.uciName() + " " + r.getKey() + " range " + is.min() + ".." + is.max()
                            + " is wider than the pending " + was.min() + ".." + was.max();
                }
            }
        }
        return null;
    }
}
