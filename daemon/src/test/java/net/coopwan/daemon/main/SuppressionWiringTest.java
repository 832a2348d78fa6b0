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

    /**
     * The status's kernel figures: the table's counters as read (through the real parser), none
     * when the table is absent (not enforcing) and none, not stale ones, when nft fails.
     */
    @Test
    void readKernelKeepsTheLastReadingOrNone() {
        net.coopwan.daemon.steer.CommandResult[] answer = {new net.coopwan.daemon.steer.CommandResult(0, """
                table inet coopwan_supp {
                	counter dropped_up {
                		packets 20 bytes 2000
                	}
                	counter dropped_down {
                		packets 5 bytes 500
                	}
                	counter ecn_down {
                		packets 3 bytes 300
                	}
                }
                """, "")};
        java.util.List<String> ran = new java.util.ArrayList<>();
        net.coopwan.daemon.steer.CommandRunner os = (argv, stdin, timeout) -> {
            ran.add(String.join(" ", argv));
            return answer[0];
        };
        SuppressionWiring.Running r = new SuppressionWiring.Running(null, null, null, null, null, null,
                new net.coopwan.daemon.steer.SuppressionRules(os), new java.util.concurrent.atomic.AtomicReference<>());
        assertEquals(null, r.kernel().get(), "nothing read yet");
        r.readKernel();
        assertEquals(25, r.kernel().get().dropped());
        assertEquals(3, r.kernel().get().ecnMarked());
        assertEquals(java.util.List.of("nft list counters table inet coopwan_supp"), ran);

        answer[0] = new net.coopwan.daemon.steer.CommandResult(1, "", "Error: No such file or directory");
        r.readKernel();
        assertEquals(null, r.kernel().get(), "table gone: not enforcing");
        answer[0] = new net.coopwan.daemon.steer.CommandResult(0, "", "");
        r.readKernel();
        answer[0] = new net.coopwan.daemon.steer.CommandResult(2, "", "Error: permission denied");
        r.readKernel();
        assertEquals(null, r.kernel().get(), "a failed reading shows none, not the last");
    }
}
