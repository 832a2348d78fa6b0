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
                SuppressionWiring.ask(new Suppression(false, 5, 0, 0, 0, false, false, "game", 100, 0)));
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

    /**
     * The shaper's rate: shape_percent of the enabled uplinks' down_kbps together, in bytes per
     * second; none (and a line saying why) without a LAN device, with an uplink of unknown rate, or
     * with shape_percent 0.
     */
    @Test
    void theShaperIsAShareOfTheUplinksDownRateWhenItIsKnown(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.util.List<String> log = new java.util.ArrayList<>();
        String wan = String.join("\n", "config uplink 'wan'", "\toption device 'eth0'", "\toption down_kbps '20000'",
                "config uplink 'lte'", "\toption device 'wwan0'", "\toption down_kbps '10000'",
                "config uplink 'old'", "\toption device 'eth9'", "\toption enabled '0'", "");
        java.nio.file.Path f = dir.resolve("c");
        java.nio.file.Files.writeString(f, wan);
        net.coopwan.config.CoopwanConfig c = net.coopwan.config.ConfigLoader.load(f);
        // 85 % of 30 000 kbit/s = 25 500 kbit/s = 3 187 500 B/s (the disabled uplink does not count)
        assertEquals(3_187_500, SuppressionWiring.shapeDownBytesPerSecond(c, Suppression.defaults(),
                java.util.List.of("br-lan"), log::add));
        assertEquals(0, SuppressionWiring.shapeDownBytesPerSecond(c, Suppression.defaults(), java.util.List.of(), log::add));
        assertEquals(0, SuppressionWiring.shapeDownBytesPerSecond(c, new Suppression(true, 20, 1000, 0, 0, true, true,
                "voip", 3000, 0), java.util.List.of("br-lan"), log::add));
        java.nio.file.Files.writeString(f, wan.replace("\toption down_kbps '10000'\n", ""));
        assertEquals(0, SuppressionWiring.shapeDownBytesPerSecond(net.coopwan.config.ConfigLoader.load(f),
                Suppression.defaults(), java.util.List.of("br-lan"), log::add));
        assertEquals(3, log.size(), log.toString());
        org.junit.jupiter.api.Assertions.assertTrue(log.get(1).contains("no LAN device") && log.get(2).contains("without down_kbps"),
                log.toString());
    }
    /**
     * Up: each enabled uplink with up_kbps is shaped to shape_percent of it on its own device (one
     * line each, and one for an uplink without up_kbps); the LC copies' targets are the bonds'
     * concentrators given by address.
     */
    @Test
    void eachUplinkIsShapedToAShareOfItsOwnUpRateAndTheCopiesGoToTheConcentrator() throws Exception {
        java.util.List<String> log = new java.util.ArrayList<>();
        String text = String.join("\n", "config uplink 'wan'", "\toption device 'eth0'", "\toption up_kbps '10000'",
                "config uplink 'lte'", "\toption device 'wwan0'",
                "config uplink 'old'", "\toption device 'eth9'", "\toption up_kbps '5000'", "\toption enabled '0'", "");
        net.coopwan.config.CoopwanConfig c = net.coopwan.config.ConfigLoader.load(net.coopwan.config.uci.UciDocument.parse(text, null));
        // 85 % of 10 000 kbit/s = 1 062 500 B/s; lte has no rate, old is off
        assertEquals(java.util.Map.of("eth0", 1_062_500L), SuppressionWiring.shapeUpBytesPerSecond(c, Suppression.defaults(),
                log::add));
        org.junit.jupiter.api.Assertions.assertTrue(log.size() == 2 && log.get(1).contains("lte") && log.get(1).contains("no up_kbps"),
                log.toString());
        assertEquals(java.util.Map.of(), SuppressionWiring.shapeUpBytesPerSecond(c, new Suppression(true, 20, 1000, 0, 0, true,
                true, "voip", 3000, 0), log::add), "shape_percent 0: none");
        assertEquals(java.util.List.of("198.18.0.1:4791"), SuppressionWiring.lcCopyTargets(DuplicationWiringTest.withBond(),
                log::add));
        assertEquals(java.util.List.of(), SuppressionWiring.lcCopyTargets(c, log::add));
    }
}
