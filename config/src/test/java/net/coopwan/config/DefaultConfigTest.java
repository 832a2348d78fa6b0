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
                "uplink", List.of("device", "enabled", "down_kbps", "up_kbps"),
                "peer", List.of("enabled", "device", "port"),
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
        String text = shippedText();
        int at = text.indexOf("#config bond 'bond0'");
        String example = text.substring(at).replaceAll("(?m)^#", "");
        String withLte = text.substring(0, at) + "config uplink 'lte'\n\toption device 'wwan0'\n\n" + example;
        CoopwanConfig c = ConfigLoader.load(UciDocument.parse(withLte, null));
        assertEquals(List.of(new Bond("bond0", Bond.Mode.ADAPTIVE, 1400, List.of("wan", "lte"))), c.bonds());
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
