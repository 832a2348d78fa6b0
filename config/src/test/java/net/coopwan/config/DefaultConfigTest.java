package net.coopwan.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import net.coopwan.config.uci.UciDocument;
import net.coopwan.config.uci.UciOption;
import net.coopwan.config.uci.UciSection;

/** The shipped {@code coopwan.default}: what it says, its form, and that it agrees with the loader. */
class DefaultConfigTest {

    static String shippedText() throws IOException {
        try (InputStream in = ConfigLoader.class.getResourceAsStream("coopwan.default")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        CoopwanConfig c = ConfigLoader.defaults();
        assertEquals(new Global(Global.Role.ROUTER, "info", "/var/run/coopwan/coopwan.sock"), c.global());
        assertEquals(List.of(new Uplink("wan", "eth1", true, 0, 0)), c.uplinks());
        assertEquals(new PeerLink(false, "br-coop", 4790), c.peer());
        assertEquals(List.of(CooperationType.values()), c.offers().stream().map(CooperationOffer::type).toList());
        assertTrue(c.offers().stream().noneMatch(CooperationOffer::enabled));
        CooperationOffer emergency = c.offers().get(0);
        assertEquals(new ParameterRange(100, 10_000), emergency.ranges().get("window_ms"));
        assertEquals(new ParameterRange(5, 20), c.offers().get(3).ranges().get("max_drop_percent"));
        for (CooperationOffer o : c.offers()) {
            assertEquals(o.type().bounds().keySet(), o.ranges().keySet(), o.name() + " offers every parameter");
            o.ranges().forEach((p, r) -> assertTrue(o.type().bounds().get(p).contains(r), o.name() + "." + p));
        }
        assertEquals("127.0.0.1", c.web().listen());
        assertEquals(8080, c.web().port());
        assertEquals("admin", c.web().user());
        assertTrue(c.web().enabled());
        assertTrue(PasswordHash.verify("coopwan".toCharArray(), c.web().passwordHash()));
        assertEquals(new Snmp(true, "127.0.0.1", 1161, "coopwan", "SHA-256", "coopwan-auth", "AES-128", "coopwan-priv",
                "", "", "", ""), c.snmp());
        assertEquals(List.of(), c.bonds());
        // The bonding data plane: nothing configured but its timers, at their defaults.
        assertEquals(null, c.uplinks().get(0).gateway());
        assertEquals(null, c.concentrator());
        assertEquals(List.of(), c.clients());
        assertEquals(DataPlane.defaults(), c.dataPlane());
        assertEquals(new DataPlane(50, 500, 150, 300, 100, 100, 1000), c.dataPlane());
    }

    /**
     * The commented-out example starting at HEADER, up to the next blank line, without the
     * leading '#'.
     */
    static String example(String text, String header) {
        int at = text.indexOf("#" + header + "\n");
        assertTrue(at >= 0, header);
        int end = text.indexOf("\n\n", at);
        return text.substring(at, end < 0 ? text.length() : end + 1).replaceAll("(?m)^#", "");
    }

    /** The shipped file plus the examples at these headers, uncommented. */
    static CoopwanConfig withExamples(String extra, String... headers) throws Exception {
        String text = shippedText();
        StringBuilder sb = new StringBuilder(text).append(extra);
        for (String h : headers) {
            sb.append('\n').append(example(text, h));
        }
        return ConfigLoader.load(UciDocument.parse(sb.toString(), null));
    }

    @Test
    void defaultDocumentIsTheShippedFileByteForByte() throws IOException {
        assertEquals(shippedText(), ConfigLoader.defaultDocument().text());
    }

    /** uci's canonical layout: tab-indented statements, single-quoted values, quoted section names. */
    @Test
    void shippedFileIsInCanonicalUciForm() throws IOException {
        Pattern statement = Pattern.compile("\t(option|list) [a-z0-9_]+ '[^'\\\\]*'");
        Pattern header = Pattern.compile("config [a-z_]+ '[a-z_]+'");
        Pattern comment = Pattern.compile("\t?#.*");
        String[] lines = shippedText().split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i];
            assertTrue(l.isEmpty() || statement.matcher(l).matches() || header.matcher(l).matches()
                    || comment.matcher(l).matches(), "line " + (i + 1) + " is not canonical: " + l);
            assertFalse(l.endsWith(" ") || l.endsWith("\t"), "trailing blank on line " + (i + 1));
            // Comments fit a terminal; a value (the password hash) may not.
            assertTrue(!comment.matcher(l).matches() || l.length() <= 80, "comment line " + (i + 1) + " over 80 columns");
        }
        assertTrue(shippedText().endsWith("\n"));
    }

    /**
     * Each option the shipped file sets in a singleton section (and in the uplink) is at its
     * default: deleting all of them except the secrets and the required device changes nothing.
     */
    @Test
    void shippedValuesEqualTheLoadersFallbacks() throws ConfigException {
        Set<String> keep = Set.of("password_hash", "v3_auth_pass", "v3_priv_pass", "device", "type");
        UciDocument d = ConfigLoader.defaultDocument();
        for (UciSection s : d.sections()) {
            if (s.type().equals("offer")) {
                continue;
            }
            for (UciOption o : s.statements()) {
                if (!keep.contains(o.name())) {
                    d = d.withoutOption(s.ref(), o.name());
                }
            }
        }
        assertEquals(ConfigLoader.defaults(), ConfigLoader.load(d));
        // Offers: 'enabled' is at its default; ranges are chosen values, unset ones are the bounds.
        for (UciSection s : ConfigLoader.defaultDocument().sections("offer")) {
            CoopwanConfig c = ConfigLoader.load(ConfigLoader.defaultDocument().withoutOption(s.ref(), "enabled"));
            assertFalse(c.offers().get(s.index()).enabled());
        }
        // Every option the loader reads is documented in the file, with its value (secrets aside).
        Map<String, List<String>> documented = Map.of(
                "global", List.of("role", "log_level", "control_socket"),
                "uplink", List.of("device", "enabled", "down_kbps", "up_kbps", "type"),
                "peer", List.of("enabled", "device", "port", "tcp_fallback_s", "share_info"),
                "web", List.of("enabled", "listen", "port", "user", "password_hash", "session_timeout"),
                "snmp", List.of("enabled", "listen", "port", "v3_user", "v3_auth_protocol", "v3_auth_pass",
                        "v3_priv_protocol", "v3_priv_pass", "v2c_community", "sys_name", "sys_contact", "sys_location"));
        documented.forEach((type, options) -> {
            UciSection s = ConfigLoader.defaultDocument().sections(type).get(0);
            assertEquals(options, s.statements().stream().map(UciOption::name).toList(), type);
        });
    }

    /** The commented-out bond example, uncommented, is a working bond. */
    @Test
    void bondExampleWorksWhenUncommented() throws Exception {
        CoopwanConfig c = withExamples("\nconfig uplink 'lte'\n\toption device 'wwan0'\n", "config bond 'bond0'");
        String key = c.bonds().get(0).tunnel().key();
        assertEquals(List.of(new Bond("bond0", Bond.Mode.ADAPTIVE, 1400, List.of("wan", "lte"),
                new BondTunnel("198.18.0.1", 4791, "home1", key, "100.64.100.2", 24))), c.bonds());
        assertEquals(32, c.bonds().get(0).tunnel().keyBytes().length);
    }

    /** The concentrator and client examples, uncommented, are the far end of the bond example. */
    @Test
    void concentratorExamplesWorkWhenUncommented() throws Exception {
        String text = shippedText();
        CoopwanConfig c = withExamples("", "config concentrator 'concentrator'", "config client 'home1'");
        assertEquals(new Concentrator("0.0.0.0", 4791, "cwc0", "100.64.100.1", 24, ""), c.concentrator());
        BondTunnel bond = withExamples("\nconfig uplink 'lte'\n\toption device 'wwan0'\n", "config bond 'bond0'")
                .bonds().get(0).tunnel();
        assertEquals(List.of(new TunnelClient(bond.clientId(), bond.key(), bond.address())), c.clients());
        // As a concentrator, too (the role needs the section).
        String asConcentrator = text.replace("\toption role 'router'", "\toption role 'concentrator'")
                + "\n" + example(text, "config concentrator 'concentrator'");
        assertEquals(Global.Role.CONCENTRATOR, ConfigLoader.load(UciDocument.parse(asConcentrator, null)).global().role());
    }

    /** The data plane example spells out the defaults, every option the loader reads, in order. */
    @Test
    void dataPlaneExampleIsTheDefaults() throws Exception {
        assertEquals(DataPlane.defaults(), withExamples("", "config dataplane 'dataplane'").dataPlane());
        Map<String, List<String>> documented = Map.of(
                "config dataplane 'dataplane'", List.of("keepalive_ms", "dead_after_ms", "reorder_wait_ms",
                        "slops_period_s", "slops_precision_kbps", "slops_packets", "slops_packet_bytes"),
                "config concentrator 'concentrator'", List.of("listen", "port", "device", "address", "wan_device"),
                "config client 'home1'", List.of("key", "address"),
                "config bond 'bond0'", List.of("mode", "scheduler", "mtu", "member", "member", "concentrator", "client_id", "key",
                        "address"));
        for (Map.Entry<String, List<String>> e : documented.entrySet()) {
            UciSection s = UciDocument.parse(example(shippedText(), e.getKey()), null).sections().get(0);
            assertEquals(e.getValue(), s.statements().stream().map(UciOption::name).toList(), e.getKey());
        }
    }

    /** The commented-out gateway, uncommented, sets the uplink's next hop. */
    @Test
    void gatewayExampleWorksWhenUncommented() throws Exception {
        String text = shippedText().replace("\t#option gateway", "\toption gateway");
        assertEquals(new Uplink("wan", "eth1", true, 0, 0, "100.64.0.1"),
                ConfigLoader.load(UciDocument.parse(text, null)).uplinks().get(0));
    }

    /** The commented-out notification targets, uncommented, load. */
    @Test
    void notifyExamplesWorkWhenUncommented() throws Exception {
        String text = shippedText().replace("\t#list notify", "\tlist notify");
        CoopwanConfig c = ConfigLoader.load(UciDocument.parse(text, null));
        assertEquals(List.of(
                new NotifyTarget(NotifyTarget.Kind.TRAP, "192.0.2.10", 162, NotifyTarget.Security.V3),
                new NotifyTarget(NotifyTarget.Kind.INFORM, "2001:db8::10", 162, NotifyTarget.Security.V3)),
                c.snmp().notifyTargets());
    }
}
