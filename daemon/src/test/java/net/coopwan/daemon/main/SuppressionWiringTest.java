package net.coopwan.daemon.main;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import net.coopwan.config.CooperationType;
import net.coopwan.config.Suppression;
import net.coopwan.daemon.coop.agreement.Agreement;
import net.coopwan.daemon.coop.agreement.Approver;
import net.coopwan.daemon.coop.agreement.Role;
import net.coopwan.daemon.coop.suppression.AppType;
import net.coopwan.daemon.coop.suppression.SuppressionService;

class SuppressionWiringTest {

    @Test
    void configBecomesWhatTheRouterAsks() {
        assertEquals(new SuppressionService.Ask(true, true, AppType.VOIP, 20, 3000), SuppressionWiring.ask(Suppression.defaults()));
        assertEquals(new SuppressionService.Ask(false, false, AppType.GAME, 5, 100),
                SuppressionWiring.ask(new Suppression(false, 5, 0, 0, 0, false, false, "game", 100)));
    }

    @Test
    void theAgreementsCeilingOrNone() {
        Agreement supp = new Agreement("b", Role.HELPER, Map.of(CooperationType.SUPPRESSION, Map.of("max_drop_percent", 10L)),
                Instant.EPOCH, Approver.OWNER_CLI);
        Agreement other = new Agreement("b", Role.HELPER, Map.of(CooperationType.DUPLICATION, Map.of("bandwidth_kbps", 10L)),
                Instant.EPOCH, Approver.OWNER_CLI);
        assertEquals(10, SuppressionWiring.maxDropPercent(supp));
        assertEquals(-1, SuppressionWiring.maxDropPercent(other));
    }
}
