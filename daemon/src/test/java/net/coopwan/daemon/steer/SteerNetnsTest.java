package net.coopwan.daemon.steer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.Inet4Address;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real {@code ip} and {@code nft} against a kernel, each test inside namespaces it creates and
 * always deletes. Addresses from 100.64.0.0/10 and 198.18.0.0/15 only. Skipped where namespaces
 * cannot be created (not root).
 */
class SteerNetnsTest {

    @BeforeAll
    static void clean() {
        assumeTrue(Netns.available(), "needs root and ip netns");
        Netns.removeLeftovers();
    }

    private static Inet4Address a(String s) {
        return Ipv4Cidr.parseAddress(s);
    }

    private static long count(String text, String needle) {
        return text.lines().filter(l -> l.contains(needle)).count();
    }

    @Test
    void uplinkRouteInstallIsIdempotentAndRemoveCleans() {
        try (Netns ns = Netns.create(); Netns peer = Netns.create()) {
            ns.veth("up0", peer, "gw0");
            ns.sh("ip", "addr", "add", "100.64.60.2/24", "dev", "up0");
            peer.sh("ip", "addr", "add", "100.64.60.1/24", "dev", "gw0");
            ns.sh("ip", "route", "add", "default", "via", "100.64.60.1", "dev", "up0");
            UplinkRoutes routes = new UplinkRoutes(ns.runner, SteerRanges.DEFAULTS);

            assertEquals(Optional.of(a("100.64.60.2")), routes.addressOf("up0"));
            assertEquals(Optional.of(a("100.64.60.1")), routes.defaultGatewayOf("up0"));
            assertEquals(Optional.empty(), routes.addressOf("lo0none"));
            assertEquals(Optional.empty(), routes.defaultGatewayOf("lo"));

            UplinkRoute r = new UplinkRoute("up0", a("100.64.60.2"), a("100.64.60.1"), 3100, 31000);
            routes.install(r);
            routes.install(r);
            String rules = ns.sh("ip", "-4", "rule", "show");
            assertEquals(1, count(rules, "31000:"), rules);
            assertTrue(rules.contains("31000:\tfrom 100.64.60.2 lookup 3100"), rules);
            String table = ns.sh("ip", "-4", "route", "show", "table", "3100");
            assertEquals("default via 100.64.60.1 dev up0", table.strip());
            // The kernel really picks the table by source: a lookup from the uplink's address uses it.
            String got = ns.sh("ip", "-4", "route", "get", "198.18.7.7", "from", "100.64.60.2");
            assertTrue(got.contains("table 3100") || got.contains("via 100.64.60.1 dev up0"), got);

            routes.remove(r);
            assertEquals(0, count(ns.sh("ip", "-4", "rule", "show"), "31000:"));
            assertEquals("", ns.sh("ip", "-4", "route", "show", "table", "3100").strip());
            routes.remove(r); // again: absent is fine
        }
    }

    @Test
    void deviceRouteAndRemoveAllAfterACrash() {
        try (Netns ns = Netns.create()) {
            // No dummy module on every kernel: a veth with both ends here is an always-up device.
            ns.sh("ip", "link", "add", "up1", "type", "veth", "peer", "name", "up1p");
            ns.sh("ip", "link", "set", "up1p", "up");
            ns.sh("ip", "link", "set", "up1", "up");
            ns.sh("ip", "addr", "add", "100.64.61.2/24", "dev", "up1");
            // What a crashed run might leave: duplicates, plus a foreign rule just outside our range.
            ns.sh("ip", "-4", "rule", "add", "from", "100.64.61.2/32", "lookup", "3101", "priority", "31001");
            ns.sh("ip", "-4", "rule", "add", "from", "100.64.61.3/32", "lookup", "3101", "priority", "31001");
            ns.sh("ip", "-4", "rule", "add", "from", "100.64.61.9/32", "lookup", "3150", "priority", "30999");
            UplinkRoutes routes = new UplinkRoutes(ns.runner, SteerRanges.DEFAULTS);
            routes.install(new UplinkRoute("up1", a("100.64.61.2"), null, 3101, 31001));
            String rules = ns.sh("ip", "-4", "rule", "show");
            assertEquals(1, count(rules, "31001:"), rules);
            assertEquals("default dev up1 scope link", ns.sh("ip", "-4", "route", "show", "table", "3101").strip());
            routes.install(new UplinkRoute("up1", a("100.64.61.2"), null, 3102, 31002));

            assertEquals(2, routes.removeAll(31000, 31099));
            rules = ns.sh("ip", "-4", "rule", "show");
            assertFalse(rules.contains("31001:") || rules.contains("31002:"), rules);
            assertTrue(rules.contains("30999:"), "foreign rule untouched: " + rules);
            assertEquals("", ns.sh("ip", "-4", "route", "show", "table", "3101").strip());
            assertEquals("", ns.sh("ip", "-4", "route", "show", "table", "3102").strip());
        }
    }

    @Test
    void tunnelRoutes() {
        try (Netns ns = Netns.create()) {
            ns.sh("ip", "tuntap", "add", "dev", "cwb0", "mode", "tun"); // like the bond's TUN, no reader: linkdown
            TunnelRoutes tun = new TunnelRoutes(ns.runner, SteerRanges.DEFAULTS);
            tun.linkUp("cwb0");
            tun.addAddress("cwb0", "100.64.77.1/30");
            tun.addAddress("cwb0", "100.64.77.1/30");
            tun.routeVia("cwb0", "198.18.0.0/15", TunnelRoutes.MAIN);
            tun.routeVia("cwb0", "198.18.0.0/15", TunnelRoutes.MAIN);
            tun.routeVia("cwb0", "0.0.0.0/0", 3120);
            assertEquals(1, count(ns.sh("ip", "-4", "-o", "addr", "show", "dev", "cwb0"), "100.64.77.1/30"));
            assertEquals(1, count(ns.sh("ip", "-4", "route", "show"), "198.18.0.0/15 dev cwb0"));
            String t = ns.sh("ip", "-4", "route", "show", "table", "3120").strip();
            assertTrue(t.startsWith("default dev cwb0 scope link"), t);
            tun.removeRoute("cwb0", "198.18.0.0/15", TunnelRoutes.MAIN);
            tun.removeRoute("cwb0", "198.18.0.0/15", TunnelRoutes.MAIN);
            tun.removeRoute("cwb0", "0.0.0.0/0", 3120);
            tun.removeAddress("cwb0", "100.64.77.1/30");
            tun.removeAddress("cwb0", "100.64.77.1/30");
            assertFalse(ns.sh("ip", "-4", "route", "show").contains("198.18.0.0/15"));
            assertEquals("", ns.sh("ip", "-4", "-o", "addr", "show", "dev", "cwb0").strip());
        }
    }

    @Test
    void natTableApplyReplacesAndRemoveDeletes() {
        try (Netns ns = Netns.create()) {
            NatRules nat = new NatRules(ns.runner);
            nat.remove(); // absent: no error
            NatPlan plan = new NatPlan(
                    List.of(new Masquerade("wan", "100.64.50.0/24"), new Masquerade("wan2", null)),
                    List.of(new ForwardAccept("lan", "wan")));
            nat.apply(plan);
            String listed = ns.sh("nft", "list", "table", "inet", "coopwan");
            assertTrue(listed.contains("ip saddr 100.64.50.0/24 oifname \"wan\" masquerade"), listed);
            assertTrue(listed.contains("oifname \"wan2\" masquerade"), listed);
            assertTrue(listed.contains("iifname \"lan\" oifname \"wan\" accept"), listed);
            nat.apply(plan);
            String again = ns.sh("nft", "list", "table", "inet", "coopwan");
            assertEquals(listed, again, "re-applying the same plan changes nothing (no duplicate rules)");
            assertEquals(2, count(again, "masquerade"));

            nat.apply(new NatPlan(List.of(new Masquerade("wan3", "198.18.0.0/15")), List.of()));
            String replaced = ns.sh("nft", "list", "table", "inet", "coopwan");
            assertEquals(1, count(replaced, "masquerade"), replaced);
            assertTrue(replaced.contains("ip saddr 198.18.0.0/15 oifname \"wan3\" masquerade"), replaced);

            nat.remove();
            assertFalse(ns.sh("nft", "list", "tables").contains("coopwan"));
            nat.remove();
        }
    }

    /**
     * client 100.64.50.2 -- nat box -- server 198.18.50.2, and the server has no route back to
     * 100.64.50.0/24: ping fails until the masquerade is applied, works after, fails after remove.
     */
    @Test
    void masqueradeReallyTranslates() {
        try (Netns client = Netns.create(); Netns box = Netns.create(); Netns server = Netns.create()) {
            client.veth("c0", box, "bl0");
            box.veth("bw0", server, "s0");
            client.sh("ip", "addr", "add", "100.64.50.2/24", "dev", "c0");
            client.sh("ip", "route", "add", "default", "via", "100.64.50.1");
            box.sh("ip", "addr", "add", "100.64.50.1/24", "dev", "bl0");
            box.sh("ip", "addr", "add", "198.18.50.1/24", "dev", "bw0");
            box.sh("sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
            server.sh("ip", "addr", "add", "198.18.50.2/24", "dev", "s0");

            assertFalse(ping(client), "no route back: ping must fail before NAT");
            NatRules nat = new NatRules(box.runner);
            nat.apply(new NatPlan(List.of(new Masquerade("bw0", "100.64.50.0/24")), List.of()));
            assertTrue(ping(client), "masqueraded: ping must work");
            nat.remove();
            // conntrack keeps the NAT of an established flow; a new ICMP id is a new flow, and
            // ping uses a new id per run, so this run is not translated.
            assertFalse(ping(client), "NAT removed: ping must fail again");
        }
    }

    private static boolean ping(Netns from) {
        return from.tryRun(java.time.Duration.ofSeconds(10), "ping", "-n", "-q", "-c", "3", "-W", "1", "198.18.50.2")
                .succeeded();
    }
}
