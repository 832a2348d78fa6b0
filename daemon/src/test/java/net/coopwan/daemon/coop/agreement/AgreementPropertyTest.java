package net.coopwan.daemon.coop.agreement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import net.coopwan.config.CooperationType;
import net.coopwan.config.ParameterRange;

/**
 * Random offers and decisions with a fixed seed, compared with a model written independently of
 * {@link AgreementRules}: accepted iff non-empty, a subset of the offer, exactly the offered
 * parameters, every value inside the offered range and the hard bounds.
 */
class AgreementPropertyTest {

    private static final int RUNS = 20_000;
    private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");

    private static long around(Random r, ParameterRange range) {
        return switch (r.nextInt(6)) {
            case 0 -> range.min() - 1 - r.nextInt(3);
            case 1 -> range.max() + 1 + r.nextInt(3);
            case 2 -> range.min();
            case 3 -> range.max();
            default -> range.min() + (long) (r.nextDouble() * (range.max() - range.min()));
        };
    }

    private static Offer randomOffer(Random r) {
        Map<CooperationType, Map<String, ParameterRange>> types = new EnumMap<>(CooperationType.class);
        for (CooperationType t : CooperationType.values()) {
            if (r.nextInt(3) == 0) {
                continue;
            }
            Map<String, ParameterRange> ranges = new TreeMap<>();
            for (Map.Entry<String, ParameterRange> b : t.bounds().entrySet()) {
                if (r.nextInt(5) == 0) {
                    continue; // a peer may offer fewer parameters
                }
                long lo = around(r, b.getValue());
                long hi = lo + (long) (r.nextDouble() * 1000) * (r.nextBoolean() ? 1 : 97);
                ranges.put(b.getKey(), new ParameterRange(lo, hi));
            }
            types.put(t, ranges);
        }
        return new Offer(types);
    }

    private static Map<CooperationType, Map<String, Long>> randomValues(Random r, Offer offer) {
        Map<CooperationType, Map<String, Long>> values = new EnumMap<>(CooperationType.class);
        for (CooperationType t : CooperationType.values()) {
            boolean offered = offer.offers(t);
            if (offered ? r.nextInt(3) == 0 : r.nextInt(8) != 0) {
                continue;
            }
            Map<String, ParameterRange> source = offered ? offer.types().get(t) : t.bounds();
            Map<String, Long> params = new TreeMap<>();
            for (Map.Entry<String, ParameterRange> p : source.entrySet()) {
                if (r.nextInt(25) != 0) {
                    params.put(p.getKey(), r.nextInt(4) == 0 ? around(r, p.getValue())
                            : p.getValue().min() + (long) (r.nextDouble() * (p.getValue().max() - p.getValue().min())));
                }
            }
            if (r.nextInt(25) == 0) {
                params.put(r.nextBoolean() ? "colour" : "quota_bytes", 1L);
            }
            values.put(t, params);
        }
        return values;
    }

    /** The model: a direct reading of docs/PROTOCOL.md 2.4. */
    private static boolean model(Offer offer, Map<CooperationType, Map<String, Long>> values) {
        if (values.isEmpty()) {
            return false;
        }
        for (Map.Entry<CooperationType, Map<String, Long>> e : values.entrySet()) {
            Map<String, ParameterRange> offered = offer.types().get(e.getKey());
            if (offered == null || !offered.keySet().equals(e.getValue().keySet())) {
                return false;
            }
            for (Map.Entry<String, Long> v : e.getValue().entrySet()) {
                ParameterRange bounds = e.getKey().bounds().get(v.getKey());
                long x = v.getValue();
                if (bounds == null || x < offered.get(v.getKey()).min() || x > offered.get(v.getKey()).max()
                        || x < bounds.min() || x > bounds.max()) {
                    return false;
                }
            }
        }
        return true;
    }

    @Test
    void decisionsAndResponsesAreAcceptedIffTheModelSaysSo() {
        Random r = new Random(0xC00F_0005L);
        int accepted = 0;
        for (int i = 0; i < RUNS; i++) {
            Offer offer = randomOffer(r);
            Map<CooperationType, Map<String, Long>> values = randomValues(r, offer);
            boolean expected = model(offer, values) && AgreementRules.checkOffer(offer).isEmpty();
            Verdict<AgreementRules.Decided> helper = AgreementRules.decide(new ApprovalRequest("p", offer, NOW),
                    new OwnerDecision.Approve(values), Approver.OWNER_CLI, NOW);
            assertEquals(expected, helper.accepted(), () -> "offer " + offer + " values " + values + " -> " + helper.rejections());
            Verdict<Agreement> requester = AgreementRules.acceptResponse("h", offer, new Response(values), NOW);
            assertEquals(model(offer, values), requester.accepted(), () -> "offer " + offer + " response " + values);
            if (expected) {
                accepted++;
                // What the helper approved, the requester accepts, and the two agreements agree.
                assertEquals(helper.get().agreement().enabled(), requester.get().enabled());
            } else {
                assertTrue(helper.rejections().stream().allMatch(x -> x.reason() != RejectReason.TYPE_NOT_ENABLED));
            }
        }
        assertTrue(accepted > RUNS / 20 && accepted < RUNS - RUNS / 20, "both outcomes exercised: " + accepted);
    }

    @Test
    void requestsAreAcceptedIffEveryNamedValueIsAtMostTheAgreedOne() {
        Random r = new Random(42);
        for (int i = 0; i < RUNS; i++) {
            Map<CooperationType, Map<String, Long>> enabled = new EnumMap<>(CooperationType.class);
            for (CooperationType t : CooperationType.values()) {
                if (r.nextBoolean()) {
                    Map<String, Long> v = new TreeMap<>();
                    t.bounds().forEach((p, b) -> v.put(p, (long) r.nextInt(10_000)));
                    enabled.put(t, v);
                }
            }
            Agreement a = new Agreement("p", Role.HELPER, enabled, NOW, Approver.OWNER_WEB);
            CooperationType t = CooperationType.values()[r.nextInt(CooperationType.values().length)];
            Map<String, Long> asked = new TreeMap<>();
            List<String> names = new ArrayList<>(t.bounds().keySet());
            names.add("colour");
            for (String p : names) {
                if (r.nextInt(3) == 0) {
                    asked.put(p, (long) r.nextInt(12_000) - 100);
                }
            }
            boolean expected = enabled.containsKey(t);
            for (Map.Entry<String, Long> e : asked.entrySet()) {
                Long max = expected ? enabled.get(t).get(e.getKey()) : null;
                expected &= max != null && !e.getKey().equals("window_ms") && e.getValue() >= 0 && e.getValue() <= max;
            }
            List<Rejection> got = AgreementRules.checkRequest(a, new CooperationRequest("p", t, asked));
            assertEquals(expected, got.isEmpty(), () -> "enabled " + enabled + " asked " + t + asked + " -> " + got);
        }
    }

    @Test
    void repeatsAreKeptIffSameOrSubset() {
        Random r = new Random(7);
        for (int i = 0; i < RUNS / 4; i++) {
            Offer pending = randomOffer(r);
            Offer repeat = r.nextBoolean() ? randomOffer(r) : shrink(r, pending);
            boolean subset = repeat.equals(pending) || !repeat.types().isEmpty();
            for (Map.Entry<CooperationType, Map<String, ParameterRange>> e : repeat.types().entrySet()) {
                Map<String, ParameterRange> old = pending.types().get(e.getKey());
                subset &= old != null && old.keySet().equals(e.getValue().keySet())
                        && e.getValue().entrySet().stream().allMatch(x -> old.get(x.getKey()).contains(x.getValue()));
            }
            RepeatCheck c = AgreementRules.checkRepeat(new ApprovalRequest("p", pending, NOW), repeat, NOW.plusSeconds(1));
            assertEquals(subset, c.outcome() != RepeatCheck.Outcome.REPLACED, () -> pending + " then " + repeat + ": " + c);
            assertEquals(repeat, c.pending().offer());
        }
    }

    private static Offer shrink(Random r, Offer o) {
        Map<CooperationType, Map<String, ParameterRange>> types = new EnumMap<>(CooperationType.class);
        o.types().forEach((t, ranges) -> {
            if (r.nextInt(4) != 0) {
                Map<String, ParameterRange> m = new TreeMap<>();
                ranges.forEach((p, x) -> m.put(p, r.nextBoolean() ? x
                        : new ParameterRange(x.min() + (x.max() - x.min()) / 4, x.max() - (x.max() - x.min()) / 4)));
                types.put(t, m);
            }
        });
        return new Offer(types);
    }
}
