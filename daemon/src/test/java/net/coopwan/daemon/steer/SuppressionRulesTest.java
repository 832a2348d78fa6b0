package net.coopwan.daemon.steer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class SuppressionRulesTest {

    static final SuppressionPlan CAPPED = new SuppressionPlan(List.of("wan"), 20, 125_000, 250_000, 500_000, true);

    @Test
    void dropFractionIsReducedSoEveryWindowOfDenPacketsDropsAtMostNum() {
        assertArrayEquals(new int[] {1, 20}, SuppressionRules.dropFraction(5));
        assertArrayEquals(new int[] {1, 10}, SuppressionRules.dropFraction(10));
        assertArrayEquals(new int[] {1, 5}, SuppressionRules.dropFraction(20));
        assertArrayEquals(new int[] {3, 20}, SuppressionRules.dropFraction(15));
        assertArrayEquals(new int[] {0, 1}, SuppressionRules.dropFraction(0));
        assertArrayEquals(new int[] {1, 1}, SuppressionRules.dropFraction(100));
    }

    @Test
    void burstIsATenthOfTheRateButAtLeastOnePacket() {
        assertEquals("125000 bytes/second burst 12500 bytes", SuppressionRules.rate(125_000));
        assertEquals("1000 bytes/second burst 1500 bytes", SuppressionRules.rate(1000));
    }

    @Test
    void rendersTheCappedTableExactly() {
        String expected = """
                add table inet coopwan_supp
                delete table inet coopwan_supp
                table inet coopwan_supp {
                	counter lc {
                	}
                	counter other_up {
                	}
                	counter ecn_up {
                	}
                	counter dropped_up {
                	}
                	counter other_down {
                	}
                	counter ecn_down {
                	}
                	counter dropped_down {
                	}
                	set uplinks {
                		type ifname
                		elements = { "wan" }
                	}
                	set conn_up4 {
                		type ipv4_addr . ipv4_addr . inet_proto . inet_service . inet_service
                		size 65535
                		flags dynamic,timeout
                		timeout 30s
                	}
                	set conn_up6 {
                		type ipv6_addr . ipv6_addr . inet_proto . inet_service . inet_service
                		size 65535
                		flags dynamic,timeout
                		timeout 30s
                	}
                	set conn_down4 {
                		type ipv4_addr . ipv4_addr . inet_proto . inet_service . inet_service
                		size 65535
                		flags dynamic,timeout
                		timeout 30s
                	}
                	set conn_down6 {
                		type ipv6_addr . ipv6_addr . inet_proto . inet_service . inet_service
                		size 65535
                		flags dynamic,timeout
                		timeout 30s
                	}
                	limit total_up {
                		rate over 250000 bytes/second burst 25000 bytes
                	}
                	limit total_down {
                		rate over 500000 bytes/second burst 50000 bytes
                	}
                	chain forward {
                		type filter hook forward priority mangle; policy accept;
                		ct mark and 0x00100000 == 0x00100000 counter name "lc" accept
                		oifname @uplinks jump up
                		iifname @uplinks jump down
                	}
                	chain up {
                		counter name "other_up"
                		ip dscp set cs1
                		ip6 dscp set cs1
                		meta nfproto ipv4 update @conn_up4 { ip saddr . ip daddr . meta l4proto . th sport . th dport limit rate over 125000 bytes/second burst 12500 bytes } jump over_up
                		meta nfproto ipv6 update @conn_up6 { ip6 saddr . ip6 daddr . meta l4proto . th sport . th dport limit rate over 125000 bytes/second burst 12500 bytes } jump over_up
                		limit name "total_up" jump over_up
                	}
                	chain over_up {
                		ip ecn != not-ect ip ecn set ce counter name "ecn_up" accept
                		ip6 ecn != not-ect ip6 ecn set ce counter name "ecn_up" accept
                		numgen inc mod 5 < 1 counter name "dropped_up" drop
                		accept
                	}
                	chain down {
                		counter name "other_down"
                		ip dscp set cs1
                		ip6 dscp set cs1
                		meta nfproto ipv4 update @conn_down4 { ip saddr . ip daddr . meta l4proto . th sport . th dport limit rate over 125000 bytes/second burst 12500 bytes } jump over_down
                		meta nfproto ipv6 update @conn_down6 { ip6 saddr . ip6 daddr . meta l4proto . th sport . th dport limit rate over 125000 bytes/second burst 12500 bytes } jump over_down
                		limit name "total_down" jump over_down
                	}
                	chain over_down {
                		ip ecn != not-ect ip ecn set ce counter name "ecn_down" accept
                		ip6 ecn != not-ect ip6 ecn set ce counter name "ecn_down" accept
                		numgen inc mod 5 < 1 counter name "dropped_down" drop
                		accept
                	}
                }
                """;
        assertEquals(expected, SuppressionRules.render(CAPPED));
    }

    @Test
    void uncappedPlanSendsEveryOtherPacketToTheOverChainAndHasNoMeters() {
        String t = SuppressionRules.render(new SuppressionPlan(List.of("wan", "wwan0"), 10, 0, 0, 0, false));
        assertTrue(t.contains("elements = { \"wan\", \"wwan0\" }"));
        assertTrue(t.contains("\tchain up {\n\t\tcounter name \"other_up\"\n\t\tjump over_up\n\t}\n"), t);
        assertTrue(t.contains("numgen inc mod 10 < 1 counter name \"dropped_down\" drop"));
        assertTrue(!t.contains("dscp") && !t.contains("update @") && !t.contains("limit "), t);
    }

    @Test
    void zeroPercentNeverDropsAndHundredDropsEveryOverPacket() {
        String none = SuppressionRules.render(new SuppressionPlan(List.of("wan"), 0, 0, 0, 0, false));
        assertTrue(!none.contains(" drop\n"), none);
        String all = SuppressionRules.render(new SuppressionPlan(List.of("wan"), 100, 0, 0, 0, false));
        assertTrue(all.contains("\t\tcounter name \"dropped_up\" drop\n") && !all.contains("numgen"), all);
    }

    @Test
    void planRefusesBadInput() {
        assertThrows(IllegalArgumentException.class, () -> new SuppressionPlan(List.of(), 20, 0, 0, 0, true));
        assertThrows(IllegalArgumentException.class, () -> new SuppressionPlan(List.of("wan\"; flush"), 20, 0, 0, 0, true));
        assertThrows(IllegalArgumentException.class, () -> new SuppressionPlan(List.of("wan"), 101, 0, 0, 0, true));
        assertThrows(IllegalArgumentException.class, () -> new SuppressionPlan(List.of("wan"), 20, -1, 0, 0, true));
    }

    @Test
    void applyStopAndCountersGoThroughNft() {
        RecordingCommandRunner os = new RecordingCommandRunner();
        os.answer("nft list counters table inet coopwan_supp", """
                table inet coopwan_supp {
                	counter lc {
                		packets 7 bytes 700
                	}
                	counter other_up {
                		packets 100 bytes 10000
                	}
                	counter dropped_up {
                		packets 20 bytes 2000
                	}
                	counter ecn_down {
                		packets 3 bytes 300
                	}
                }
                """);
        SuppressionRules rules = new SuppressionRules(os);
        rules.apply(CAPPED);
        rules.apply(CAPPED);
        assertEquals(new SuppressionRules.Counters(7, 100, 0, 0, 3, 20, 0), rules.counters());
        rules.stop();
        assertEquals(List.of("nft -f -", "nft -f -", "nft list counters table inet coopwan_supp", "nft -f -"), os.lines());
        assertEquals(os.calls().get(0).stdin(), os.calls().get(1).stdin(), "apply is idempotent: the same whole-table replace");
        assertEquals("add table inet coopwan_supp\ndelete table inet coopwan_supp\n", os.calls().get(3).stdin());
    }

    @Test
    void countersOfAnAbsentTableAreNull() {
        RecordingCommandRunner os = new RecordingCommandRunner();
        os.answer("nft list counters table inet coopwan_supp",
                new CommandResult(1, "", "Error: No such file or directory; did you mean table 'coopwan' in family inet?"));
        assertNull(new SuppressionRules(os).counters());
    }

    /**
     * With a shaper: the shaped devices' set (LAN and uplinks), and into the first class LC
     * connections, the bond's LC copies to a concentrator (version 1, type LC_COPY) and small TCP
     * packets; without a shaped device, no chain.
     */
    @Test
    void aShaperPlanClassifiesLcPacketsLcCopiesAndAcknowledgementsIntoItsFirstClass() {
        String lc = SteerMarks.hex(SteerMarks.LATENCY_CRITICAL);
        String t = SuppressionRules.render(new SuppressionPlan(List.of("wan"), 20, 125_000, 0, 0, true,
                new SuppressionShaper(List.of("br-lan"), 1_125_000, java.util.Map.of("wan", 1_000_000L),
                        List.of("198.18.0.1:51820"))));
        assertTrue(t.contains("set shaped {\n\t\ttype ifname\n\t\telements = { \"br-lan\", \"wan\" }"), t);
        assertTrue(t.contains("elements = { 198.18.0.1 . 51820 }"), t);
        assertTrue(t.contains("type filter hook postrouting priority mangle; policy accept;\n\t\toifname @shaped ct mark and "
                + lc + " == " + lc + " meta priority set c0f:10"), t);
        assertTrue(t.contains("oifname @shaped ip daddr . udp dport @lc_copy_targets @th,64,16 0x010b meta priority set c0f:10"), t);
        assertTrue(t.contains("oifname @shaped meta l4proto tcp meta length <= 80 meta priority set c0f:10"), t);
        // out of a shaped device no deliberate drop: ECN marks yes, then accepted before the numgen drop
        assertTrue(t.contains("ecn_up\" accept\n\t\toifname @shaped accept\n\t\tnumgen inc mod 5 < 1"), t);
        assertFalse(SuppressionRules.render(CAPPED).contains("@shaped"), "no shaper: the seed's drops everywhere");
        // the header the rule matches is the tunnel's: version, then LC_COPY's code
        assertEquals(String.format("%02x%02x", net.coopwan.daemon.tunnel.TunnelHeader.VERSION,
                net.coopwan.daemon.tunnel.PacketType.LC_COPY.code()), SuppressionRules.LC_COPY_HEADER);
        // no LAN device and no uplink rate: no shaper at all
        assertFalse(SuppressionRules.render(new SuppressionPlan(List.of("wan"), 20, 125_000, 0, 0, true,
                new SuppressionShaper(List.of(), 1_125_000, java.util.Map.of("wan", 0L), List.of()))).contains("shape"),
                "nothing shaped: no chain");
        // up only: no copy targets, no such rule
        String up = SuppressionRules.render(new SuppressionPlan(List.of("wan"), 20, 125_000, 0, 0, true,
                new SuppressionShaper(List.of("br-lan"), 0, java.util.Map.of("wan", 1_000_000L), List.of())));
        assertTrue(up.contains("elements = { \"wan\" }") && !up.contains("lc_copy_targets"), up);
        List<List<String>> tc = SuppressionRules.shaper("br-lan", 1_125_000);
        assertEquals(List.of("tc", "qdisc", "replace", "dev", "br-lan", "root", "handle", "c0f:", "htb", "default", "20"),
                tc.get(0));
        assertTrue(tc.get(3).containsAll(List.of("c0f:20", "9000000bit", "prio", "1")), tc.get(3).toString());
        assertThrows(IllegalArgumentException.class, () -> new SuppressionShaper(List.of("lan\"; flush"), 1, java.util.Map.of(),
                List.of()));
        assertThrows(IllegalArgumentException.class, () -> new SuppressionShaper(List.of(), 0, java.util.Map.of("wan", -1L),
                List.of()));
        for (String bad : List.of("198.18.0.1", "198.18.0.256:1", "host:51820", "198.18.0.1:65536", "198.18.0.1:1; flush")) {
            assertThrows(IllegalArgumentException.class, () -> new SuppressionShaper(List.of(), 0, java.util.Map.of(),
                    List.of(bad)), bad);
        }
    }
}
