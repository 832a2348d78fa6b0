package net.coopwan.daemon.steer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The requester's rules against a real kernel. lan -- a (the requester) -- srv over a's own uplink
 * {@code aw0}, and a -- hlp over {@code cwemerg0}, a veth standing for the tunnel to the helper.
 * The server's address 198.18.90.2 (on loopback, beyond the uplink's gateway 198.18.81.2, as the
 * internet is) exists twice: on srv and on hlp, so the same destination answers on either path and
 * a test can tell which path a packet took.
 * a masquerades its LAN out of aw0 with {@link NatRules} (what fw4 does on a router).
 */
class EmergencyRequesterNetnsTest {
    private static final Duration S10 = Duration.ofSeconds(10);
    private static final String SRV = "198.18.90.2";

    @BeforeAll
    static void clean() {
        assumeTrue(Netns.available(), "needs root and ip netns");
        Netns.removeLeftovers(EmergencyHelperNetnsTest.PREFIX);
    }

    private record Lab(Netns lan, Netns a, Netns srv, Netns hlp) implements AutoCloseable {
        static Lab create() {
            Netns lan = Netns.create(EmergencyHelperNetnsTest.PREFIX);
            Netns a = null;
            Netns srv = null;
            Netns hlp = null;
            try {
                a = Netns.create(EmergencyHelperNetnsTest.PREFIX);
                srv = Netns.create(EmergencyHelperNetnsTest.PREFIX);
                hlp = Netns.create(EmergencyHelperNetnsTest.PREFIX);
                lan.veth("l0", a, "al0");
                a.veth("aw0", srv, "sw0");
                a.veth("cwemerg0", hlp, "ht0");
                lan.sh("ip", "addr", "add", "100.64.80.2/24", "dev", "l0");
                lan.sh("ip", "route", "add", "default", "via", "100.64.80.1");
                a.sh("ip", "addr", "add", "100.64.80.1/24", "dev", "al0");
                a.sh("ip", "addr", "add", "198.18.81.1/24", "dev", "aw0");
                a.sh("ip", "addr", "add", "100.127.254.2/30", "dev", "cwemerg0");
                a.sh("sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
                a.sh("ip", "route", "add", "default", "via", "198.18.81.2");
                srv.sh("ip", "addr", "add", "198.18.81.2/24", "dev", "sw0");
                srv.sh("ip", "addr", "add", SRV + "/32", "dev", "lo");
                hlp.sh("ip", "addr", "add", "100.127.254.1/30", "dev", "ht0");
                hlp.sh("ip", "addr", "add", SRV + "/32", "dev", "lo");
                new NatRules(a.runner).apply(new NatPlan(List.of(new Masquerade("aw0", "100.64.80.0/24")), List.of()));
                // count a's echo requests per way out (tx_packets would count IPv6 and ARP chatter too)
                a.runner.check(List.of("nft", "-f", "-"), """
                        table ip cwtest {
                        \tchain post {
                        \t\ttype filter hook postrouting priority filter; policy accept;
                        \t\toifname "cwemerg0" icmp type echo-request counter
                        \t\toifname "aw0" icmp type echo-request counter
                        \t}
                        }
                        """, S10);
                // the far ends never reset: an RST the LAN client sees can only come from a's rules
                for (Netns far : new Netns[] {srv, hlp}) {
                    far.runner.check(List.of("nft", "-f", "-"), """
                            table ip cwtest {
                            \tchain out {
                            \t\ttype filter hook output priority filter; policy accept;
                            \t\ttcp flags rst drop
                            \t}
                            }
                            """, S10);
                }
                return new Lab(lan, a, srv, hlp);
            } catch (RuntimeException e) {
                for (Netns n : new Netns[] {hlp, srv, a, lan}) {
                    if (n != null) {
                        n.close();
                    }
                }
                throw e;
            }
        }

        long echoRequestsOut(String dev) {
            Matcher m = Pattern.compile("oifname \"" + dev + "\" icmp type echo-request counter packets ([0-9]+)")
                    .matcher(a.sh("nft", "list", "table", "ip", "cwtest"));
            assertTrue(m.find());
            return Long.parseLong(m.group(1));
        }

        boolean ping(Netns from) {
            return from.tryRun(S10, "ping", "-n", "-q", "-c", "3", "-i", "0.2", "-W", "1", SRV).succeeded();
        }

        @Override
        public void close() {
            hlp.close();
            srv.close();
            a.close();
            lan.close();
        }
    }

    private static long count(String text, String needle) {
        return text.lines().filter(l -> l.contains(needle)).count();
    }

    @Test
    void lanTrafficGoesIntoTheTunnelAndTheRoutersOwnDoesNot() {
        try (Lab lab = Lab.create()) {
            EmergencyRequesterRules rules = new EmergencyRequesterRules(lab.a().runner, SteerRanges.DEFAULTS,
                    EmergencyRequesterRules.DEFAULT_TABLE, EmergencyRequesterRules.DEFAULT_PRIORITY);
            rules.removeAll();
            EmergencyRequesterPlan via = new EmergencyRequesterPlan(List.of("al0"), "cwemerg0", true, EmergencyResetPolicy.NONE);
            long t0 = System.nanoTime();
            rules.apply(via);
            long applyMs = (System.nanoTime() - t0) / 1_000_000;
            rules.apply(via);
            String shown = lab.a().sh("ip", "-4", "rule", "show");
            assertEquals(1, count(shown, "31090:\tfrom all iif al0 lookup main suppress_prefixlength 0"), shown);
            assertEquals(1, count(shown, "31091:\tfrom all iif al0 lookup 3190"), shown);
            assertTrue(lab.a().sh("ip", "-4", "route", "get", SRV, "from", "100.64.80.2", "iif", "al0").contains("dev cwemerg0"));
            assertTrue(lab.a().sh("ip", "-4", "route", "get", SRV).contains("dev aw0"));
            // LAN-to-router stays local, and a connected route of the main table still wins
            assertTrue(lab.a().sh("ip", "-4", "route", "get", "198.18.81.9", "from", "100.64.80.2", "iif", "al0").contains("dev aw0"));

            long tun = lab.echoRequestsOut("cwemerg0");
            assertTrue(lab.ping(lab.lan()), "the LAN reaches the server's address through the tunnel (hlp answers)");
            assertEquals(tun + 3, lab.echoRequestsOut("cwemerg0"), "LAN pings left through the tunnel");
            tun = lab.echoRequestsOut("cwemerg0");
            long aw = lab.echoRequestsOut("aw0");
            assertTrue(lab.ping(lab.a()), "the router's own traffic uses its own uplink");
            assertEquals(aw + 3, lab.echoRequestsOut("aw0"));
            assertEquals(tun, lab.echoRequestsOut("cwemerg0"), "nothing of the router's own went into the tunnel");
            String nft = lab.a().sh("nft", "list", "table", "inet", "coopwan_emerg");
            assertTrue(nft.contains("oifname \"cwemerg0\" masquerade"), nft);

            rules.apply(new EmergencyRequesterPlan(List.of("al0"), "cwemerg0", false, EmergencyResetPolicy.NONE));
            assertTrue(lab.a().sh("ip", "-4", "route", "get", SRV, "from", "100.64.80.2", "iif", "al0").contains("dev aw0"));
            aw = lab.echoRequestsOut("aw0");
            tun = lab.echoRequestsOut("cwemerg0");
            assertTrue(lab.ping(lab.lan()));
            assertEquals(aw + 3, lab.echoRequestsOut("aw0"), "recovered: LAN through the own uplink");
            assertEquals(tun, lab.echoRequestsOut("cwemerg0"));

            rules.apply(via);
            rules.removeAll();
            rules.removeAll();
            shown = lab.a().sh("ip", "-4", "rule", "show");
            assertFalse(shown.contains("31090:") || shown.contains("31091:"), shown);
            assertEquals("", lab.a().sh("ip", "-4", "route", "show", "table", "3190").strip());
            assertFalse(lab.a().sh("nft", "list", "tables").contains("coopwan_emerg"));
            System.out.printf("emergency requester netns: apply via helper %d ms%n", applyMs);
        }
    }

    /** What a LAN client's established TCP session sees when the path changes under it. */
    private static String sendAfterSwitch(Lab lab, EmergencyRequesterRules rules, EmergencyRequesterPlan before,
                                          EmergencyRequesterPlan after) {
        rules.apply(before);
        try (NetnsProcess client = new NetnsProcess(lab.lan(), "python3", "-c", EmergencyPy.CLIENT, SRV, "7000")) {
            assertEquals("connected", client.line(S10));
            rules.apply(after);
            client.send("go");
            return client.line(S10);
        }
    }

    @Test
    void policyAllResetsSessionsOfTheOtherPathBothWays() {
        try (Lab lab = Lab.create();
             NetnsProcess srvEcho = new NetnsProcess(lab.srv(), "python3", "-c", EmergencyPy.ECHO_SERVER, SRV, "7000");
             NetnsProcess hlpEcho = new NetnsProcess(lab.hlp(), "python3", "-c", EmergencyPy.ECHO_SERVER, SRV, "7000")) {
            assertEquals("listening", srvEcho.line(S10));
            assertEquals("listening", hlpEcho.line(S10));
            EmergencyRequesterRules rules = new EmergencyRequesterRules(lab.a().runner, SteerRanges.DEFAULTS,
                    EmergencyRequesterRules.DEFAULT_TABLE, EmergencyRequesterRules.DEFAULT_PRIORITY);
            List<String> lan = List.of("al0");
            EmergencyRequesterPlan own = new EmergencyRequesterPlan(lan, "cwemerg0", false, EmergencyResetPolicy.ALL);
            EmergencyRequesterPlan via = new EmergencyRequesterPlan(lan, "cwemerg0", true, EmergencyResetPolicy.ALL);
            EmergencyRequesterPlan ownNone = new EmergencyRequesterPlan(lan, "cwemerg0", false, EmergencyResetPolicy.NONE);
            EmergencyRequesterPlan viaNone = new EmergencyRequesterPlan(lan, "cwemerg0", true, EmergencyResetPolicy.NONE);

            assertEquals("echo", sendAfterSwitch(lab, rules, own, own), "no switch: the session lives");
            assertEquals("reset", sendAfterSwitch(lab, rules, own, via), "own uplink -> helper: RST");
            String counted = lab.a().sh("nft", "list", "table", "inet", "coopwan_emerg");
            assertTrue(counted.matches("(?s).*counter packets [1-9][0-9]* bytes [0-9]+ reject with tcp reset.*"), counted);
            assertEquals("reset", sendAfterSwitch(lab, rules, via, own), "helper -> own uplink: RST");
            assertEquals("echo", sendAfterSwitch(lab, rules, via, via), "no switch: the session lives via the helper");
            // policy none: a does not reset (and the far ends here never do)
            assertEquals("timeout", sendAfterSwitch(lab, rules, ownNone, viaNone));
            String nft = lab.a().sh("nft", "list", "table", "inet", "coopwan_emerg");
            assertFalse(nft.contains("reject"), nft);
            rules.removeAll();
        }
    }
}
