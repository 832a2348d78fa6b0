package net.coopwan.daemon.coop.agreement;

import static net.coopwan.config.CooperationType.EMERGENCY;
import static net.coopwan.config.CooperationType.SUPPRESSION;

import java.time.Instant;
import java.util.Map;

import net.coopwan.config.CooperationType;
import net.coopwan.config.ParameterRange;

/** The worked example: the requester offers emergency 1000..10000 kbit/s and suppression 5..20 %. */
final class Fixtures {

    static final String REQUESTER = "router-requester";
    static final String HELPER = "router-helper";
    static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
    static final Instant T1 = Instant.parse("2026-11-24T10:05:00Z");

    static final Offer OFFER = new Offer(Map.of(
            EMERGENCY, Map.of("bandwidth_kbps", new ParameterRange(1000, 10_000)),
            SUPPRESSION, Map.of("max_drop_percent", new ParameterRange(5, 20))));

    private Fixtures() {
    }

    static Map<CooperationType, Map<String, Long>> emergencyAt(long kbps) {
        return Map.of(EMERGENCY, Map.of("bandwidth_kbps", kbps));
    }
}
