package net.coopwan.daemon.main;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;

import net.coopwan.config.Bond;
import net.coopwan.config.BondTunnel;
import net.coopwan.config.ConfigLoader;
import net.coopwan.config.CoopwanConfig;
import net.coopwan.config.Latency;
import net.coopwan.daemon.coop.commonisp.CommonIspService;
import net.coopwan.daemon.coop.commonisp.Hop;

/** Which target and settings the daemon gives common-ISP detection from its config. */
class CommonIspWiringTest {

    static CoopwanConfig with(List<Bond> bonds, Latency.CommonIsp ci) {
        CoopwanConfig b = ConfigLoader.defaults();
        Latency d = Latency.defaults();
        return new CoopwanConfig(b.global(), b.uplinks(), b.peer(), b.offers(), b.web(), b.snmp(), bonds, b.concentrator(),
                b.clients(), b.dataPlane(), b.emergency(), b.sharing(), b.suppression(),
                new Latency(d.enabled(), d.apps(), d.dscpRule(), d.currentMs(), d.adHoc(), d.learn(), d.learnLifetimeS(), d.duplication(), ci));
    }

    static Bond bond(String concentrator) {
        String key = Base64.getEncoder().encodeToString(new byte[32]);
        return new Bond("bond0", Bond.Mode.ADAPTIVE, 1400, List.of("wan"),
                new BondTunnel(concentrator, 4791, "home1", key, "100.64.100.2", 24));
    }

    @Test
    void theTargetIsTheConfiguredOneElseTheConcentratorElseNone() {
        CommonIspService.Settings s = CommonIspWiring.settings(with(List.of(bond("198.18.0.1")), Latency.CommonIsp.defaults()));
        assertEquals(Hop.parse("198.18.0.1").address(), s.target());
        assertTrue(s.gate());
        assertEquals(1_800_000, s.refreshMs());
        CommonIspService.Settings own = CommonIspWiring.settings(with(List.of(bond("198.18.0.1")),
                new Latency.CommonIsp(false, "198.19.7.7", 600)));
        assertEquals(Hop.parse("198.19.7.7").address(), own.target());
        assertFalse(own.gate());
        assertEquals(600_000, own.refreshMs());
        // an IPv6 concentrator, or no bond: no target of our own (the neighbour's is used if it names one)
        assertEquals(0, CommonIspWiring.settings(with(List.of(bond("2001:db8::1")), Latency.CommonIsp.defaults())).target());
        assertEquals(0, CommonIspWiring.settings(with(List.of(), Latency.CommonIsp.defaults())).target());
    }
}
