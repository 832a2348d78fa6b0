package net.coopwan.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import net.coopwan.config.uci.UciDocument;

class ConfigLoaderTest {

    static final Path FILE = Path.of("/etc/config/coopwan");
    static final String P = FILE + ":";
    static final String HASH = ConfigLoader.defaults().web().passwordHash();

    /** 17 lines; tests replace lines in it or append sections from line 19 on. */
    static final String BASE = String.join("\n",
            "config global 'global'",                 // 1
            "\toption role 'router'",                 // 2
            "",                                       // 3
            "config uplink 'wan'",                    // 4
            "\toption device 'eth1'",                 // 5
            "",                                       // 6
            "config uplink 'lte'",                    // 7
            "\toption device 'wwan0'",                // 8
            "",                                       // 9
            "config web 'web'",                       // 10
            "\toption user 'admin'",                  // 11
            "\toption port '8080'",                   // 12
            "\toption password_hash '" + HASH + "'",  // 13
            "",                                       // 14
            "config snmp 'snmp'",                     // 15
            "\toption v3_auth_pass 'authpass1'",      // 16
            "\toption v3_priv_pass 'privpass1'")      // 17
            + "\n";

    static CoopwanConfig load(String text) throws ConfigException {
        return ConfigLoader.load(UciDocument.parse(text, FILE));
    }

    /** BASE with one line replaced, or removed when BY is empty. */
    static String replace(String line, String by) {
        int at = BASE.indexOf(line + "\n");
        assertTrue(at >= 0 && BASE.indexOf(line + "\n", at + 1) < 0, "line must occur once: " + line);
        return BASE.replace(line + "\n", by.isEmpty() ? "" : by + "\n");
    }

    /** BASE, a blank line 18, then these lines from 19 on. */
    static String append(String... lines) {
        return BASE + "\n" + String.join("\n", lines) + "\n";
    }

    static void fails(String text, String expected) {
        ConfigException e = assertThrows(ConfigException.class, () -> load(text));
        assertEquals(expected, e.getMessage());
    }

    @Test
    void baseLoads() throws ConfigException {
        CoopwanConfig c = load(BASE);
        assertEquals(List.of(new Uplink("wan", "eth1", true, 0, 0), new Uplink("lte", "wwan0", true, 0, 0)), c.uplinks());
        assertEquals(new Web(true, "127.0.0.1", 8080, "admin", HASH, 1800), c.web());
        assertEquals(new Snmp(true, "127.0.0.1", 1161, "coopwan", "SHA-256", "authpass1", "AES-128", "privpass1",
                "", "", "", ""), c.snmp());
    }

    // ---- global ----

    @Test
    void global() {
        fails(replace("\toption role 'router'", "\toption role 'boss'"),
                P + "2: option 'role' in section 'global': must be one of router, concentrator, got 'boss'");
        fails(replace("\toption role 'router'", "\tlist role 'router'"),
                P + "2: list 'role' in section 'global': must be an 'option', not a 'list'");
        fails(replace("\toption role 'router'", "\toption role 'router'\n\toption log_level 'verbose'"),
                P + "3: option 'log_level' in section 'global': must be one of error, warn, info, debug, got 'verbose'");
        fails(replace("\toption role 'router'", "\toption control_socket 'run/x.sock'"),
                P + "2: option 'control_socket' in section 'global': must be an absolute file path of at most 107 bytes"
                        + " (the limit of a unix socket address), got 'run/x.sock'");
        String tooLong = "/" + "a".repeat(107);
        fails(replace("\toption role 'router'", "\toption control_socket '" + tooLong + "'"),
                P + "2: option 'control_socket' in section 'global': must be an absolute file path of at most 107 bytes"
                        + " (the limit of a unix socket address), got '" + tooLong + "'");
        fails(append("config global 'g2'"),
                P + "19: section 'g2': only one 'global' section is allowed, the first is at line 1");
    }

    @Test
    void globalValues() throws ConfigException {
        // A concentrator needs its section (see TunnelConfigTest).
        Global g = load(replace("\toption role 'router'",
                "\toption role 'concentrator'\n\toption log_level 'debug'\n\toption control_socket '/" + "s".repeat(106) + "'")
                + "\nconfig concentrator\n\toption address '100.64.100.1/24'\n")
                .global();
        assertEquals(new Global(Global.Role.CONCENTRATOR, "debug", "/" + "s".repeat(106)), g);
    }

    // ---- uplink ----

    @Test
    void uplink() {
        fails(append("config uplink"),
                P + "19: section '@uplink[2]': an uplink section needs a name: config uplink 'NAME'");
        fails(append("config uplink 'dsl'"), P + "19: option 'device' in section 'dsl': is required");
        fails(append("config uplink 'dsl'", "\toption device ''"), P + "20: option 'device' in section 'dsl': is required");
        for (String dev : List.of("averyveryverylongname", "eth 1", "..", "eth/1")) {
            fails(replace("\toption device 'eth1'", "\toption device '" + dev + "'"),
                    P + "5: option 'device' in section 'wan': must be an interface name of at most 15 characters"
                            + " A-Z a-z 0-9 _ . -, got '" + dev + "'");
        }
        fails(replace("\toption device 'eth1'", "\toption device 'eth1'\n\toption enabled 'maybe'"),
                P + "6: option 'enabled' in section 'wan': must be a boolean (1/0, yes/no, on/off, true/false,"
                        + " enabled/disabled), got 'maybe'");
        for (String v : List.of("-1", "10000001", "1e6", "+5", " 5")) {
            fails(replace("\toption device 'eth1'", "\toption device 'eth1'\n\toption down_kbps '" + v + "'"),
                    P + "6: option 'down_kbps' in section 'wan': must be 0-10000000, got '" + v + "'");
        }
        fails(replace("\toption device 'eth1'", "\toption device 'eth1'\n\toption up_kbps 'fast'"),
                P + "6: option 'up_kbps' in section 'wan': must be 0-10000000, got 'fast'");
        fails(replace("\toption device 'wwan0'", "\toption device 'eth1'"),
                P + "8: option 'device' in section 'lte': device 'eth1' is already used by uplink 'wan' (line 5)");
        fails(append("config uplink 'wan'", "\toption device 'eth9'"),
                P + "19: section 'wan': duplicate section name: a 'uplink' section at line 4 has it too");
    }

    @Test
    void uplinkValues() throws ConfigException {
        CoopwanConfig c = load(replace("\toption device 'eth1'",
                "\toption device 'eth0.2'\n\toption enabled 'off'\n\toption down_kbps '100000'\n\toption up_kbps '10000000'"));
        assertEquals(new Uplink("wan", "eth0.2", false, 100_000, 10_000_000), c.uplinks().get(0));
        assertEquals(Uplink.UNKNOWN, c.uplinks().get(0).type(), "the type's default");
        for (String t : Uplink.TYPES) {
            assertEquals(t, load(replace("\toption device 'eth1'", "\toption device 'eth1'\n\toption type '" + t + "'"))
                    .uplinks().get(0).type());
        }
        fails(replace("\toption device 'eth1'", "\toption device 'eth1'\n\toption type 'fiber'"),
                P + "6: option 'type' in section 'wan': must be one of " + String.join(", ", Uplink.TYPES) + ", got 'fiber'");
    }

    // ---- peer ----

    @Test
    void peer() throws ConfigException {
        fails(append("config peer 'peer'", "\toption port '0'"), P + "20: option 'port' in section 'peer': must be 1-65535, got '0'");
        fails(append("config peer 'peer'", "\toption device 'br-coop-too-long'"),
                P + "20: option 'device' in section 'peer': must be an interface name of at most 15 characters"
                        + " A-Z a-z 0-9 _ . -, got 'br-coop-too-long'");
        fails(append("config peer 'peer'", "\toption enabled '1'", "\toption device 'eth1'"),
                P + "21: option 'device' in section 'peer': device 'eth1' is the device of uplink 'wan';"
                        + " the peer link needs its own interface");
        // Disabled, it may name anything valid.
        assertEquals(new PeerLink(false, "eth1", 4790), load(append("config peer", "\toption device 'eth1'")).peer());
        assertEquals(new PeerLink(true, "veth-b", 5000),
                load(append("config peer 'peer'", "\toption enabled 'yes'", "\toption device 'veth-b'", "\toption port '5000'")).peer());
        assertEquals(new PeerLink(false, "br-coop", 4790, 1), load(append("config peer", "\toption tcp_fallback_s '1'")).peer());
        assertEquals(new PeerLink(false, "br-coop", 4790, 30), load(append("config peer", "\toption tcp_fallback_s '30'")).peer());
        assertEquals(PeerLink.TCP_FALLBACK_DEFAULT_S, load(append("config peer", "\toption enabled '0'")).peer().tcpFallbackS());
        assertTrue(load(append("config peer", "\toption enabled '0'")).peer().shareInfo(), "sharing is the default");
        assertEquals(new PeerLink(false, "br-coop", 4790, 3, false), load(append("config peer", "\toption share_info '0'")).peer());
        fails(append("config peer 'peer'", "\toption share_info 'maybe'"),
                P + "20: option 'share_info' in section 'peer': must be a boolean (1/0, yes/no, on/off, true/false, enabled/disabled), got 'maybe'");
        fails(append("config peer 'peer'", "\toption tcp_fallback_s '0'"),
                P + "20: option 'tcp_fallback_s' in section 'peer': must be 1-30, got '0'");
        fails(append("config peer 'peer'", "\toption tcp_fallback_s '31'"),
                P + "20: option 'tcp_fallback_s' in section 'peer': must be 1-30, got '31'");
        fails(append("config peer 'peer'", "\toption tcp_fallback_s '2.5'"),
                P + "20: option 'tcp_fallback_s' in section 'peer': must be 1-30, got '2.5'");
        fails(append("config peer 'p1'", "config peer 'p2'"),
                P + "20: section 'p2': only one 'peer' section is allowed, the first is at line 19");
    }

    // ---- offer ----

    @Test
    void offer() {
        fails(append("config offer 'e'"),
                P + "19: option 'type' in section 'e': is required (emergency, bandwidth_sharing, duplication, suppression)");
        fails(append("config offer 'e'", "\toption type 'sharing'"),
                P + "20: option 'type' in section 'e': must be one of emergency, bandwidth_sharing, duplication, suppression,"
                        + " got 'sharing'");
        fails(append("config offer 'e'", "\toption type 'emergency'", "\toption window_ms_min '500'"),
                P + "21: option 'window_ms_min' in section 'e': needs 'window_ms_max' too: give both or neither");
        fails(append("config offer 'e'", "\toption type 'emergency'", "\toption window_ms_max '500'"),
                P + "21: option 'window_ms_max' in section 'e': needs 'window_ms_min' too: give both or neither");
        fails(append("config offer 'e'", "\toption type 'emergency'", "\toption window_ms_min '50'", "\toption window_ms_max '1000'"),
                P + "21: option 'window_ms_min' in section 'e': must be 100-10000, got '50'");
        fails(append("config offer 'e'", "\toption type 'emergency'", "\toption window_ms_min '100'", "\toption window_ms_max '10001'"),
                P + "22: option 'window_ms_max' in section 'e': must be 100-10000, got '10001'");
        fails(append("config offer 'e'", "\toption type 'emergency'", "\toption window_ms_min '5000'", "\toption window_ms_max '1000'"),
                P + "22: option 'window_ms_max' in section 'e': must be at least window_ms_min (5000), got '1000'");
        fails(append("config offer 's'", "\toption type 'suppression'", "\toption max_drop_percent_min '0'",
                        "\toption max_drop_percent_max '101'"),
                P + "22: option 'max_drop_percent_max' in section 's': must be 0-100, got '101'");
        fails(append("config offer 'a'", "\toption type 'suppression'", "\toption enabled '1'",
                        "config offer", "\toption type 'suppression'", "\toption enabled 'yes'"),
                P + "24: option 'enabled' in section '@offer[1]': another enabled 'suppression' offer is section 'a'"
                        + " (line 19); enable one per type");
    }

    @Test
    void offerValues() throws ConfigException {
        CoopwanConfig c = load(append(
                "config offer", "\toption type 'emergency'", "\toption enabled '1'",
                "\toption window_ms_min '1000'", "\toption window_ms_max '1000'",
                "\toption unknown_min '5'",
                "config offer 'off'", "\toption type 'emergency'"));
        CooperationOffer o = c.offers().get(0);
        assertEquals("@offer[0]", o.name());
        assertEquals(CooperationType.EMERGENCY, o.type());
        assertTrue(o.enabled());
        // Unset parameters offer the type's whole bounds.
        assertEquals(Map.of("window_ms", new ParameterRange(1000, 1000),
                "bandwidth_kbps", CooperationType.EMERGENCY.bounds().get("bandwidth_kbps"),
                "quota_bytes", CooperationType.EMERGENCY.bounds().get("quota_bytes")), o.ranges());
        // Offers are opt-in; a second, disabled offer of the same type is fine.
        assertFalse(c.offers().get(1).enabled());
    }

    // ---- web ----

    @Test
    void web() {
        // The example of ConfigException's documentation, to the letter.
        fails(replace("\toption port '8080'", "\toption port '99999'"),
                "/etc/config/coopwan:12: option 'port' in section 'web': must be 1-65535, got '99999'");
        fails(replace("\toption port '8080'", "\toption port 'http'"),
                P + "12: option 'port' in section 'web': must be 1-65535, got 'http'");
        for (String a : List.of("localhost", "256.1.1.1", "1.2.3", "01.2.3.4", "fe80::1%eth0", "1:2:3", ":::", "[::1]")) {
            fails(replace("\toption user 'admin'", "\toption listen '" + a + "'"),
                    P + "11: option 'listen' in section 'web': must be an IPv4 or IPv6 address such as 127.0.0.1, 0.0.0.0"
                            + " or ::, got '" + a + "'");
        }
        fails(replace("\toption user 'admin'", "\toption user 'a:b'"),
                P + "11: option 'user' in section 'web': must not contain ':', got 'a:b'");
        fails(replace("\toption user 'admin'", "\toption user 'has space'"),
                P + "11: option 'user' in section 'web': must be 1-32 printable ASCII characters without blanks, got 'has space'");
        fails(replace("\toption password_hash '" + HASH + "'", ""),
                P + "10: option 'password_hash' in section 'web': is required when the web UI is enabled;"
                        + " set it with 'coopwan passwd'");
        fails(replace("\toption password_hash '" + HASH + "'", "\toption password_hash 'plaintext'"),
                P + "13: option 'password_hash' in section 'web': must be pbkdf2-sha256$ITERATIONS$SALT_B64$HASH_B64"
                        + " as written by 'coopwan passwd'");
        fails(replace("\toption port '8080'", "\toption session_timeout '59'"),
                P + "12: option 'session_timeout' in section 'web': must be 60-86400, got '59'");
    }

    @Test
    void webValues() throws ConfigException {
        assertEquals(new Web(false, "::", 80, "root@lan", "", 86400), load(replace("\toption password_hash '" + HASH + "'",
                "\toption enabled '0'\n\toption listen '::'\n\toption port '80'\n\toption user 'root@lan'"
                        + "\n\toption session_timeout '86400'")).web());
        for (String a : List.of("0.0.0.0", "100.64.1.1", "::1", "fd00::1", "::ffff:100.64.0.1")) {
            assertEquals(a, load(replace("\toption user 'admin'", "\toption listen '" + a + "'")).web().listen());
        }
    }

    // ---- snmp ----

    @Test
    void snmp() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> load(replace("\toption v3_auth_pass 'authpass1'", "\toption v3_auth_pass 'short'")));
        assertEquals(P + "16: option 'v3_auth_pass' in section 'snmp': must be at least 8 characters, got 5", e.getMessage());
        fails(replace("\toption v3_priv_pass 'privpass1'", ""),
                P + "15: option 'v3_priv_pass' in section 'snmp': is required when the SNMP agent is enabled");
        fails(replace("\toption v3_auth_pass 'authpass1'", "\toption v3_auth_protocol 'MD5'\n\toption v3_auth_pass 'authpass1'"),
                P + "16: option 'v3_auth_protocol' in section 'snmp': must be one of SHA, SHA-256, SHA-512, got 'MD5'");
        fails(replace("\toption v3_auth_pass 'authpass1'", "\toption v3_priv_protocol 'DES'\n\toption v3_auth_pass 'authpass1'"),
                P + "16: option 'v3_priv_protocol' in section 'snmp': must be one of AES-128, AES-192, AES-256, got 'DES'");
        e = assertThrows(ConfigException.class,
                () -> load(BASE + "\toption v2c_community 'secret word'\n"));
        assertEquals(P + "18: option 'v2c_community' in section 'snmp': must be 1-64 printable ASCII characters without"
                + " blanks, or '' to turn SNMPv1/v2c off", e.getMessage());
        fails(BASE + "\toption v3_user '" + "u".repeat(33) + "'\n",
                P + "18: option 'v3_user' in section 'snmp': must be 1-32 printable ASCII characters without blanks, got '"
                        + "u".repeat(33) + "'");
        fails(BASE + "\toption sys_location '" + "é".repeat(128) + "'\n",
                P + "18: option 'sys_location' in section 'snmp': must be at most 255 bytes, got 256");
        fails(BASE + "\toption sys_contact 'tab\there'\n",
                P + "18: option 'sys_contact' in section 'snmp': must not contain control characters");
        fails(BASE + "\toption port '65536'\n", P + "18: option 'port' in section 'snmp': must be 1-65535, got '65536'");
    }

    @Test
    void snmpValues() throws ConfigException {
        Snmp s = load(BASE + String.join("\n", "\toption v3_auth_protocol 'SHA-512'", "\toption v3_priv_protocol 'AES-256'",
                "\toption v2c_community 'public'", "\toption sys_name 'gw'", "\toption sys_contact 'me@example.org'",
                "\toption sys_location 'Zürich, cellar'") + "\n").snmp();
        assertEquals(new Snmp(true, "127.0.0.1", 1161, "coopwan", "SHA-512", "authpass1", "AES-256", "privpass1",
                "public", "gw", "me@example.org", "Zürich, cellar"), s);
        // Disabled, the pass phrases may be missing.
        String off = BASE.replace("\toption v3_auth_pass 'authpass1'\n\toption v3_priv_pass 'privpass1'\n", "\toption enabled '0'\n");
        assertFalse(load(off).snmp().enabled());
        assertFalse(s.toString().contains("authpass1") || s.toString().contains("public"), "secrets are not printed");
    }

    @Test
    void snmpNotifyTargets() throws ConfigException {
        Snmp s = load(BASE + String.join("\n", "\toption v2c_community 'public'",
                "\tlist notify 'trap udp:192.0.2.1:162'", "\tlist notify 'inform udp:[2001:db8::1]:10162 v2c'",
                "\tlist notify 'inform  udp:192.0.2.1:163   v3'") + "\n").snmp();
        assertEquals(List.of(
                new NotifyTarget(NotifyTarget.Kind.TRAP, "192.0.2.1", 162, NotifyTarget.Security.V3),
                new NotifyTarget(NotifyTarget.Kind.INFORM, "2001:db8::1", 10162, NotifyTarget.Security.V2C),
                new NotifyTarget(NotifyTarget.Kind.INFORM, "192.0.2.1", 163, NotifyTarget.Security.V3)), s.notifyTargets());
        assertEquals("inform udp:[2001:db8::1]:10162 v2c", s.notifyTargets().get(1).toString());
        assertEquals(List.of(), load(BASE).snmp().notifyTargets());
        assertEquals(List.of(), load(BASE + "\tlist notify ''\n").snmp().notifyTargets());
    }

    @Test
    void snmpNotifyErrors() {
        String at = P + "18: list 'notify' in section 'snmp': ";
        fails(BASE + "\tlist notify 'trap udp:router.lan:162'\n",
                at + "must name an IPv4 or IPv6 address such as 192.0.2.1 or [2001:db8::1], got 'router.lan'");
        fails(BASE + "\tlist notify 'trap udp:192.0.2.1:0'\n", at + "port must be 1-65535, got '0'");
        fails(BASE + "\tlist notify 'trap udp:192.0.2.1:65536'\n", at + "port must be 1-65535, got '65536'");
        fails(BASE + "\tlist notify 'trap udp:192.0.2.1'\n",
                at + "must be 'trap|inform udp:ADDRESS:PORT [v3|v2c]', e.g. 'trap udp:192.0.2.1:162', got 'trap udp:192.0.2.1'");
        fails(BASE + "\tlist notify 'trap tcp:192.0.2.1:162'\n",
                at + "must be 'trap|inform udp:ADDRESS:PORT [v3|v2c]', e.g. 'trap udp:192.0.2.1:162', got 'trap tcp:192.0.2.1:162'");
        fails(BASE + "\tlist notify 'notify udp:192.0.2.1:162'\n",
                at + "unknown notification type 'notify': must be trap or inform");
        fails(BASE + "\tlist notify 'trap udp:192.0.2.1:162 v1'\n", at + "unknown security 'v1': must be v3 or v2c");
        fails(BASE + "\tlist notify 'trap udp:2001:db8::1:162'\n",
                at + "an IPv6 address goes in brackets, e.g. udp:[2001:db8::1]:162, got '2001:db8::1:162'");
        fails(BASE + "\tlist notify 'trap udp:192.0.2.1:162 v2c'\n",
                at + "'trap udp:192.0.2.1:162 v2c' needs option 'v2c_community' to be set");
        fails(BASE + "\tlist notify 'trap udp:192.0.2.1:162'\n\tlist notify 'trap  udp:192.0.2.1:162 v3'\n",
                P + "19: list 'notify' in section 'snmp': names 'trap udp:192.0.2.1:162 v3' twice");
    }

    // ---- bond ----

    @Test
    void bond() {
        fails(append("config bond", "\tlist member 'wan'"),
                P + "19: section '@bond[0]': a bond section needs a name, which becomes its interface name: config bond 'NAME'");
        fails(append("config bond 'bond_0123456789a'", "\tlist member 'wan'"),
                P + "19: section 'bond_0123456789a': a bond name is its interface name: at most 15 characters"
                        + " A-Z a-z 0-9 _ . -, got 'bond_0123456789a'");
        fails(append("config bond 'b0'", "\toption mode 'rr'", "\tlist member 'wan'"),
                P + "20: option 'mode' in section 'b0': must be one of wrr, adaptive, active-backup, got 'rr'");
        fails(append("config bond 'b0'", "\toption mtu '575'", "\tlist member 'wan'"),
                P + "20: option 'mtu' in section 'b0': must be 576-9000, got '575'");
        fails(append("config bond 'b0'", "\toption mtu '9001'", "\tlist member 'wan'"),
                P + "20: option 'mtu' in section 'b0': must be 576-9000, got '9001'");
        fails(append("config bond 'b0'", "\tlist member 'wan'", "\tlist member 'dsl'"),
                P + "21: list 'member' in section 'b0': no uplink section named 'dsl'");
        fails(append("config bond 'b0'", "\tlist member 'web'"),
                P + "20: list 'member' in section 'b0': no uplink section named 'web'");
        fails(append("config bond 'b0'", "\tlist member 'wan'", "\tlist member 'lte'", "\tlist member 'wan'"),
                P + "22: list 'member' in section 'b0': uplink 'wan' is already a member (line 20)");
        fails(append("config bond 'eth1'", "\tlist member 'wan'"),
                P + "19: section 'eth1': bond name 'eth1' is already the device of uplink 'wan'");
    }

    @Test
    void bondValues() throws ConfigException {
        // A bond may come before its uplinks; 'option member' is a one-element list, as in uci.
        String text = "config bond 'b0'\n\toption mode 'wrr'\n\toption mtu '1500'\n\tlist member 'lte'\n\tlist member 'wan'\n\n"
                + "config bond 'b1'\n\toption member 'wan'\n\n" + BASE;
        CoopwanConfig c = load(text);
        assertEquals(List.of(new Bond("b0", Bond.Mode.WEIGHTED_ROUND_ROBIN, 1500, List.of("lte", "wan")),
                new Bond("b1", Bond.Mode.ADAPTIVE, 1400, List.of("wan"))), c.bonds());
    }

    /** Option scheduler (issue 18): earliest arrival by default in mode adaptive, wrr for comparison. */
    @Test
    void bondScheduler() throws ConfigException {
        fails(append("config bond 'b0'", "\toption scheduler 'fastest'", "\tlist member 'wan'"),
                P + "20: option 'scheduler' in section 'b0': must be one of earliest, wrr, got 'fastest'");
        fails(append("config bond 'b0'", "\toption mode 'wrr'", "\toption scheduler 'earliest'", "\tlist member 'wan'"),
                P + "21: option 'scheduler' in section 'b0': 'earliest' needs mode 'adaptive', the mode that measures"
                        + " the members' rates; mode 'wrr' takes scheduler 'wrr' or none");
        fails(append("config bond 'b0'", "\toption mode 'active-backup'", "\toption scheduler 'earliest'",
                "\tlist member 'wan'"), P + "21: option 'scheduler' in section 'b0': 'earliest' needs mode 'adaptive',"
                        + " the mode that measures the members' rates; mode 'active-backup' takes scheduler 'wrr' or none");
        String text = "config bond 'b0'\n\toption scheduler 'wrr'\n\tlist member 'wan'\n\n"
                + "config bond 'b1'\n\toption scheduler 'earliest'\n\tlist member 'wan'\n\n"
                + "config bond 'b2'\n\tlist member 'wan'\n\n"
                + "config bond 'b3'\n\toption mode 'wrr'\n\toption scheduler 'wrr'\n\tlist member 'wan'\n\n" + BASE;
        List<Bond> b = load(text).bonds();
        assertEquals(Bond.Scheduler.WRR, b.get(0).scheduler());
        assertEquals(Bond.Scheduler.EARLIEST, b.get(1).scheduler());
        assertEquals(Bond.Scheduler.WRR, b.get(2).scheduler(), "the default in mode adaptive too (earliest is chosen)");
        assertEquals(Bond.Scheduler.WRR, b.get(3).scheduler());
        assertEquals(b.get(2), new Bond("b2", Bond.Mode.ADAPTIVE, 1400, List.of("wan")));
    }

    // ---- general rules ----

    @ParameterizedTest
    @ValueSource(strings = {"1", "yes", "on", "true", "enabled", "0", "no", "off", "false", "disabled"})
    void booleanSpellings(String spelling) throws ConfigException {
        boolean expected = List.of("1", "yes", "on", "true", "enabled").contains(spelling);
        assertEquals(expected, load(replace("\toption user 'admin'", "\toption enabled '" + spelling + "'")).web().enabled());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Yes", "TRUE", "y", "2", "enable"})
    void otherBooleanSpellingsAreErrors(String spelling) {
        fails(replace("\toption user 'admin'", "\toption enabled '" + spelling + "'"),
                P + "11: option 'enabled' in section 'web': must be a boolean (1/0, yes/no, on/off, true/false,"
                        + " enabled/disabled), got '" + spelling + "'");
    }

    @Test
    void unknownSectionsAndOptionsAreIgnored() throws ConfigException {
        String text = replace("\toption port '8080'", "\toption port '8080'\n\toption future_option 'x'\n\tlist another 'y'")
                + "\nconfig thirdparty 'tp'\n\toption port 'not checked'\n\nconfig offer_v2\n";
        assertEquals(load(BASE), load(text));
    }

    @Test
    void emptyValueMeansDefault() throws ConfigException {
        assertEquals(8080, load(replace("\toption port '8080'", "\toption port ''")).web().port());
    }

    @Test
    void sectionTypeClashIsAParseError() {
        fails(append("config bond 'lte'", "\tlist member 'wan'"),
                P + "19: section 'lte' of type 'bond' reuses the name of the 'uplink' section at line 7");
    }

    @Test
    void missingSectionsGetDefaults() throws ConfigException {
        CoopwanConfig c = load("# nothing here\n");
        assertEquals(new Global(Global.Role.ROUTER, "info", "/var/run/coopwan/coopwan.sock"), c.global());
        assertEquals(List.of(), c.uplinks());
        assertEquals(new PeerLink(false, "br-coop", 4790), c.peer());
        assertEquals(List.of(), c.offers());
        // No section, no password: the services that need one stay off.
        assertEquals(new Web(false, "127.0.0.1", 8080, "admin", "", 1800), c.web());
        assertEquals(new Snmp(false, "127.0.0.1", 1161, "coopwan", "SHA-256", "", "AES-128", "", "", "", "", ""), c.snmp());
        assertEquals(List.of(), c.bonds());
    }

    @Test
    void loadReadsAFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("coopwan");
        Files.writeString(f, BASE.replace("'8080'", "'99999'"));
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f));
        assertEquals(f + ":12: option 'port' in section 'web': must be 1-65535, got '99999'", e.getMessage());
        assertEquals(f, e.file());
        assertEquals(12, e.line());
        assertEquals("option 'port' in section 'web'", e.option());
        Files.writeString(f, BASE);
        assertEquals(load(BASE), ConfigLoader.load(f));
        e = assertThrows(ConfigException.class, () -> ConfigLoader.load(dir.resolve("missing")));
        assertEquals(dir.resolve("missing") + ": cannot read: no such file", e.getMessage());
    }

    @Test
    void defaultsAreCached() {
        assertSame(ConfigLoader.defaults(), ConfigLoader.defaults());
    }
}
