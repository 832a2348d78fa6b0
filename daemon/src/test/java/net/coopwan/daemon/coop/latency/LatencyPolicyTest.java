package net.coopwan.daemon.coop.latency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import net.coopwan.config.Latency;
import net.coopwan.daemon.steer.Ipv4Cidr;
import net.coopwan.daemon.steer.LatencyPlan;
import net.coopwan.daemon.testing.ManualClock;

/** Seed notes section 6's classification TESTs, literally, and the policy around them. */
class LatencyPolicyTest {

    static final int HOST = Ipv4Cidr.toInt(Ipv4Cidr.parseAddress("100.64.80.2"));
    static final int SERVER = Ipv4Cidr.toInt(Ipv4Cidr.parseAddress("198.18.90.2"));

    static Flow udp(int sport, int dport) {
        return new Flow(Latency.Protocol.UDP, HOST, sport, SERVER, dport);
    }

    static Latency withRule(Latency.DscpRule rule) {
        Latency d = Latency.defaults();
        return new Latency(true, d.apps(), rule, d.currentMs(), d.adHoc(), d.learn(), d.learnLifetimeS());
    }

    private final ManualClock clock = new ManualClock();

    @Test
    void udpToPort5000And5500IsLcAnd4999And5501AreNotByThePortRule() {
        LatencyPolicy p = new LatencyPolicy(Latency.defaults(), clock);
        for (int port : List.of(5000, 5500)) {
            Optional<Classification> c = p.classify(udp(40000, port), Dscp.CS0);
            assertEquals(Origin.APP, c.orElseThrow().origin(), "port " + port);
            assertEquals("lol", c.get().app());
            assertEquals(Duration.ofMillis(5000), c.get().idleTimeout());
        }
        for (int port : List.of(4999, 5501)) {
            assertEquals(Optional.empty(), p.classify(udp(40000, port), Dscp.CS0), "port " + port);
        }
        // the port rule is UDP's: TCP to 5000 is not League of Legends
        assertEquals(Optional.empty(), p.classify(new Flow(Latency.Protocol.TCP, HOST, 40000, SERVER, 5000), Dscp.CS0));
    }

    @Test
    void underRuleBEfIsLcAndAf41IsNotUnderRuleAAf41Is() {
        LatencyPolicy b = new LatencyPolicy(withRule(Latency.DscpRule.B), clock);
        assertEquals(Origin.DSCP, b.classify(udp(40000, 443), Dscp.EF).orElseThrow().origin());
        assertEquals(Optional.empty(), b.classify(udp(40000, 443), Dscp.AF41));
        LatencyPolicy a = new LatencyPolicy(withRule(Latency.DscpRule.A), clock);
        assertEquals(Origin.DSCP, a.classify(udp(40000, 443), Dscp.AF41).orElseThrow().origin());
        assertEquals(Optional.empty(), a.classify(udp(40000, 443), Dscp.CS0));
        assertEquals(Optional.empty(), a.classify(udp(40000, 443), Dscp.CS1));
        LatencyPolicy none = new LatencyPolicy(withRule(Latency.DscpRule.NONE), clock);
        assertEquals(Optional.empty(), none.classify(udp(40000, 443), Dscp.EF));
    }

    @Test
    void theDscpRulesCodePointsAreTheSeedsLists() {
        assertEquals(List.of(24, 32, 40, 46), Dscp.codepoints(Latency.DscpRule.B));
        List<Integer> a = Dscp.codepoints(Latency.DscpRule.A);
        assertEquals(62, a.size());
        assertFalse(a.contains(0) || a.contains(8));
        assertEquals(List.of(), Dscp.codepoints(Latency.DscpRule.NONE));
        // python's IP_TOS 0xb8 is EF, 0x88 is AF41
        assertEquals(Dscp.EF, Dscp.ofTos(0xb8));
        assertEquals(Dscp.AF41, Dscp.ofTos(0x88));
    }

    @Test
    void anUpgradedAdHocSessionsDestinationMakesTheNextSessionLcFromItsFirstPacket() {
        LatencyPolicy p = new LatencyPolicy(Latency.defaults(), clock);
        Flow first = udp(40000, 7777);
        assertEquals(Optional.empty(), p.classify(first, Dscp.CS0));
        Classification up = p.upgrade(first);
        assertTrue(up.upgradedAdHoc(), "the upgraded session is marked: never duplicated via the neighbour");
        Flow next = udp(40001, 7777);
        Classification c = p.classify(next, Dscp.CS0).orElseThrow();
        assertEquals(Origin.LEARNED, c.origin());
        assertFalse(c.upgradedAdHoc(), "the next session to the same (address, port) may be duplicated");
        // another port of the same server is not learned
        assertEquals(Optional.empty(), p.classify(udp(40002, 7778), Dscp.CS0));
    }

    @Test
    void aLearnedPairLastsItsLifetimeAndLearningOffLearnsNothing() {
        LatencyPolicy p = new LatencyPolicy(Latency.defaults(), clock);
        p.upgrade(udp(40000, 7777));
        clock.advance(Duration.ofSeconds(Latency.defaults().learnLifetimeS()).minusSeconds(1));
        assertTrue(p.classify(udp(40001, 7777), Dscp.CS0).isPresent());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(Optional.empty(), p.classify(udp(40001, 7777), Dscp.CS0));

        Latency d = Latency.defaults();
        LatencyPolicy off = new LatencyPolicy(new Latency(true, d.apps(), d.dscpRule(), d.currentMs(), d.adHoc(), false,
                d.learnLifetimeS()), clock);
        assertTrue(off.upgrade(udp(40000, 7777)).upgradedAdHoc());
        assertEquals(Optional.empty(), off.classify(udp(40001, 7777), Dscp.CS0));
        assertEquals(0, off.learned().size());
    }

    @Test
    void classificationOffClassifiesNothing() {
        Latency d = Latency.defaults();
        LatencyPolicy p = new LatencyPolicy(new Latency(false, d.apps(), d.dscpRule(), d.currentMs(), d.adHoc(), d.learn(),
                d.learnLifetimeS()), clock);
        assertEquals(Optional.empty(), p.classify(udp(40000, 5000), Dscp.EF));
    }

    @Test
    void anAppWithDestinationsNeedsBothPortAndDestination() {
        Latency.App voip = new Latency.App("voip", true, Latency.Protocol.TCP,
                List.of(new Latency.PortRange(5060, 5061)), List.of("198.18.90.0/24"), 30_000, 20);
        Latency d = Latency.defaults();
        LatencyPolicy p = new LatencyPolicy(new Latency(true, List.of(voip), Latency.DscpRule.NONE, d.currentMs(),
                d.adHoc(), d.learn(), d.learnLifetimeS()), clock);
        Flow in = new Flow(Latency.Protocol.TCP, HOST, 40000, SERVER, 5061);
        assertEquals("voip", p.classify(in, 0).orElseThrow().app());
        assertEquals(Duration.ofSeconds(30), p.classify(in, 0).get().idleTimeout());
        int elsewhere = Ipv4Cidr.toInt(Ipv4Cidr.parseAddress("198.18.91.2"));
        assertEquals(Optional.empty(), p.classify(new Flow(Latency.Protocol.TCP, HOST, 40000, elsewhere, 5061), 0));
        assertEquals(Optional.empty(), p.classify(new Flow(Latency.Protocol.TCP, HOST, 40000, SERVER, 5062), 0));
    }

    @Test
    void thePlanCarriesTheConfiguration() {
        LatencyPlan plan = new LatencyPolicy(Latency.defaults(), clock).plan(List.of("br-lan"));
        assertEquals(List.of(new LatencyPlan.AppMatch("lol", LatencyPlan.Transport.UDP,
                List.of(new LatencyPlan.Ports(5000, 5500)), List.of())), plan.apps());
        assertEquals(List.of(24, 32, 40, 46), plan.dscp());
        assertEquals(Duration.ofDays(7), plan.learnedLifetime());
        assertEquals(List.of("br-lan"), plan.lanDevices());
    }
}
