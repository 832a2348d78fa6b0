package net.coopwan.config;

import static net.coopwan.config.ConfigLoaderTest.BASE;
import static net.coopwan.config.ConfigLoaderTest.append;
import static net.coopwan.config.ConfigLoaderTest.load;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** {@code config latency} and {@code config latency_app}: defaults, every option, the shipped examples, clear errors. */
class LatencyConfigTest {

    @Test
    void withoutTheSectionsTheSeedsExampleApplies() throws ConfigException {
        Latency l = load(BASE).latency();
        assertEquals(Latency.defaults(), l);
        Latency.App lol = l.apps().get(0);
        assertEquals(Latency.Protocol.UDP, lol.protocol());
        assertEquals(List.of(new Latency.PortRange(5000, 5500)), lol.ports());
        assertEquals(20, lol.expectedIntervalMs());
        assertEquals(Latency.DscpRule.B, l.dscpRule());
    }

    @Test
    void everyOptionIsRead() throws ConfigException {
        Latency l = load(append("config latency 'latency'",
                "\toption enabled '0'",
                "\toption dscp_rule 'a'",
                "\toption current_ms '2500'",
                "\toption adhoc 'no'",
                "\toption adhoc_max_packet_bytes '200'",
                "\toption adhoc_max_gap_ms '200'",
                "\toption adhoc_max_kbps '100'",
                "\toption adhoc_confirm_s '5'",
                "\toption adhoc_timeout_ms '8000'",
                "\toption learn '0'",
                "\toption learn_lifetime_s '3600'",
                "config latency_app 'voip'",
                "\toption protocol 'udp'",
                "\tlist port '5060'",
                "\tlist port '10000-20000'",
                "\tlist destination '198.18.0.0/15'",
                "\tlist destination '100.64.1.1'",
                "\toption idle_timeout_ms '30000'",
                "\toption interval_ms '20'",
                "config latency_app 'chess'",
                "\toption enabled '0'",
                "\toption protocol 'tcp'",
                "\tlist destination '100.64.0.0/10'")).latency();
        assertEquals(new Latency(false, List.of(
                new Latency.App("voip", true, Latency.Protocol.UDP,
                        List.of(new Latency.PortRange(5060, 5060), new Latency.PortRange(10000, 20000)),
                        List.of("198.18.0.0/15", "100.64.1.1/32"), 30000, 20),
                new Latency.App("chess", false, Latency.Protocol.TCP, List.of(), List.of("100.64.0.0/10"), 5000, 20)),
                Latency.DscpRule.A, 2500, new Latency.AdHoc(false, 200, 200, 100, 5, 8000), false, 3600), l);
    }

    @Test
    void commonIspOptionsAreRead() throws ConfigException {
        assertEquals(new Latency.CommonIsp(true, "", 1800), load(BASE).latency().commonIsp());
        Latency l = load(append("config latency 'latency'",
                "\toption gate_on_isp '0'",
                "\toption isp_target '198.18.0.1'",
                "\toption isp_refresh_s '600'")).latency();
        assertEquals(new Latency.CommonIsp(false, "198.18.0.1", 600), l.commonIsp());
        refused("isp_target", "config latency 'latency'", "\toption isp_target 'concentrator.example'");
        refused("isp_target", "config latency 'latency'", "\toption isp_target '2001:db8::1'");
        refused("isp_refresh_s", "config latency 'latency'", "\toption isp_refresh_s '59'");
        refused("gate_on_isp", "config latency 'latency'", "\toption gate_on_isp 'maybe'");
    }

    @Test
    void duplicationOptionsAreRead() throws ConfigException {
        Latency l = load(append("config latency 'latency'",
                "\toption dup_own_copies '1'",
                "\toption dup_neighbour_copies '0'",
                "\toption dup_tau_ms '33'",
                "\toption dup_raic5 '1'")).latency();
        assertEquals(new Latency.Duplication(1, 0, 33, true), l.duplication());
        assertEquals(new Latency.Duplication(3, 2, 0, false), load(BASE).latency().duplication(),
                "the notes' own 3 / neighbour 2, tau from the application type");
    }

    @Test
    void theShippedExamplesAreTheDefaults() throws Exception {
        assertEquals(Latency.defaults(), DefaultConfigTest.withExamples("", "config latency 'latency'",
                "config latency_app 'lol'").latency());
    }

    private static String error(String section, String... lines) {
        String[] all = new String[lines.length + 1];
        all[0] = section;
        System.arraycopy(lines, 0, all, 1, lines.length);
        return assertThrows(ConfigException.class, () -> load(append(all))).getMessage();
    }

    private static void refused(String expected, String section, String... lines) {
        String m = error(section, lines);
        assertTrue(m.contains(expected), m);
        assertTrue(m.matches("(?s)/etc/config/coopwan:[0-9]+: .*"), "names file and line: " + m);
    }

    @Test
    void badValuesAreRefusedWithTheOptionAndTheReason() {
        String lat = "config latency 'latency'";
        String app = "config latency_app 'x'";
        refused("dscp_rule", lat, "\toption dscp_rule 'c'");
        refused("current_ms", lat, "\toption current_ms '50'");
        refused("current_ms", lat, "\toption current_ms '60001'");
        refused("adhoc_max_gap_ms", lat, "\toption adhoc_max_gap_ms '150'");
        refused("adhoc_max_kbps", lat, "\toption adhoc_max_kbps '1000'");
        refused("adhoc_max_packet_bytes", lat, "\toption adhoc_max_packet_bytes '63'");
        refused("adhoc_timeout_ms", lat, "\toption adhoc_timeout_ms '99'");
        refused("learn_lifetime_s", lat, "\toption learn_lifetime_s '10'");
        refused("dup_own_copies", lat, "\toption dup_own_copies '0'");
        refused("dup_own_copies", lat, "\toption dup_own_copies '9'");
        refused("dup_neighbour_copies", lat, "\toption dup_neighbour_copies '-1'");
        refused("dup_neighbour_copies", lat, "\toption dup_neighbour_copies '9'");
        refused("dup_tau_ms", lat, "\toption dup_tau_ms '1001'");
        refused("dup_tau_ms", lat, "\toption dup_tau_ms 'fast'");
        refused("dup_raic5", lat, "\toption dup_raic5 'maybe'");
        refused("only one 'latency' section", "config latency", "config latency");
        refused("must be a port or a range FROM-TO", app, "\tlist port '5500-5000'");
        refused("must be a port or a range FROM-TO", app, "\tlist port '0'");
        refused("must be a port or a range FROM-TO", app, "\tlist port '65536'");
        refused("overlaps 5000-5500", app, "\tlist port '5000-5500'", "\tlist port '5400-6000'");
        refused("host bits zero", app, "\tlist destination '198.18.0.1/15'");
        refused("host bits zero", app, "\tlist destination 'example.com'");
        refused("listed twice", app, "\tlist destination '100.64.1.1'", "\tlist destination '100.64.1.1/32'");
        refused("overlaps '198.18.0.0/15'", app, "\tlist destination '198.18.0.0/15'", "\tlist destination '198.18.3.0/24'");
        refused("needs 'list port' or 'list destination'", app, "\toption protocol 'udp'");
        refused("protocol", app, "\tlist port '1'", "\toption protocol 'icmp'");
        refused("idle_timeout_ms", app, "\tlist port '1'", "\toption idle_timeout_ms '60001'");
        refused("interval_ms", app, "\tlist port '1'", "\toption interval_ms '0'");
        refused("needs a name", "config latency_app", "\tlist port '1'");
    }

    @Test
    void atMost32ApplicationTypes() throws ConfigException {
        StringBuilder apps = new StringBuilder();
        for (int i = 0; i < Latency.MAX_APPS; i++) {
            apps.append("config latency_app 'a").append(i).append("'\n\tlist port '").append(1000 + i).append("'\n");
        }
        assertEquals(Latency.MAX_APPS, load(append(apps.toString())).latency().apps().size());
        String m = assertThrows(ConfigException.class, () -> load(append(apps + "config latency_app 'more'\n\tlist port '1'")))
                .getMessage();
        assertTrue(m.contains("section 'more': at most 32 latency_app sections"), m);
    }

    @Test
    void aRangeOfOnePortAndTheEdgesAreAccepted() throws ConfigException {
        Latency.App a = load(append("config latency_app 'edge'", "\tlist port '1'", "\tlist port '65535'",
                "\tlist port '100-200'", "\tlist destination '0.0.0.0/0'")).latency().apps().get(0);
        assertEquals(List.of(new Latency.PortRange(1, 1), new Latency.PortRange(65535, 65535),
                new Latency.PortRange(100, 200)), a.ports());
    }
}
