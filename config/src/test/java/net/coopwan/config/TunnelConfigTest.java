package net.coopwan.config;

import static net.coopwan.config.ConfigLoaderTest.BASE;
import static net.coopwan.config.ConfigLoaderTest.FILE;
import static net.coopwan.config.ConfigLoaderTest.P;
import static net.coopwan.config.ConfigLoaderTest.append;
import static net.coopwan.config.ConfigLoaderTest.fails;
import static net.coopwan.config.ConfigLoaderTest.load;
import static net.coopwan.config.ConfigLoaderTest.replace;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.coopwan.config.uci.UciDocument;

/**
 * The bonding data plane's options: an uplink's gateway, a bond's far end, the concentrator,
 * its clients and the data plane's timers. Line numbers as in {@link ConfigLoaderTest}: BASE is
 * lines 1-17, appended sections start at line 19.
 */
class TunnelConfigTest {

    /** Two fixed 32-byte keys, so messages and values are reproducible. */
    static final String KEY = Base64.getEncoder().encodeToString(bytes(32, 1));
    static final String KEY2 = Base64.getEncoder().encodeToString(bytes(32, 101));

    static byte[] bytes(int n, int first) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (first + i);
        }
        return b;
    }

    /** A bond b0 over wan with a far end: lines 19-23, then MORE from line 24. */
    static String bond(String... more) {
        String[] lines = new String[5 + more.length];
        lines[0] = "config bond 'b0'";
        lines[1] = "\tlist member 'wan'";
        lines[2] = "\toption concentrator '198.18.0.1:4791'";
        lines[3] = "\toption key '" + KEY + "'";
        lines[4] = "\toption address '100.64.100.2/24'";
        System.arraycopy(more, 0, lines, 5, more.length);
        return append(lines);
    }

    /** A bond b0 with a far end, one line of it replaced (or removed when BY is empty). */
    static String bondWith(String line, String by) {
        String text = bond();
        assertTrue(text.contains(line + "\n"), line);
        return text.replace(line + "\n", by.isEmpty() ? "" : by + "\n");
    }

    /** BASE as a concentrator: the concentrator section is lines 19-20, then MORE from line 21. */
    static String concentrator(String... more) {
        String[] lines = new String[2 + more.length];
        lines[0] = "config concentrator 'concentrator'";
        lines[1] = "\toption address '100.64.100.1/24'";
        System.arraycopy(more, 0, lines, 2, more.length);
        return append(lines).replace("\toption role 'router'", "\toption role 'concentrator'");
    }

    // ---- uplink gateway ----

    @Test
    void uplinkGateway() throws ConfigException {
        assertEquals(new Uplink("wan", "eth1", true, 0, 0, "100.64.0.1"),
                load(replace("\toption device 'eth1'", "\toption device 'eth1'\n\toption gateway '100.64.0.1'")).uplinks().get(0));
        assertNull(load(replace("\toption device 'eth1'", "\toption device 'eth1'\n\toption gateway ''")).uplinks().get(0).gateway());
        assertNull(load(BASE).uplinks().get(0).gateway());
        for (String g : List.of("router.lan", "2001:db8::1", "0.0.0.0", "100.64.0.1/24", "100.64.0.256", " 100.64.0.1")) {
            fails(replace("\toption device 'eth1'", "\toption device 'eth1'\n\toption gateway '" + g + "'"),
                    P + "6: option 'gateway' in section 'wan': must be an IPv4 address such as 100.64.0.1, or '' for the"
                            + " gateway of the default route on the device, got '" + g + "'");
        }
    }

    // ---- bond: the far end ----

    @Test
    void bondTunnelValues() throws ConfigException {
        Bond b = load(bond()).bonds().get(0);
        assertEquals(new Bond("b0", Bond.Mode.ADAPTIVE, 1400, List.of("wan"),
                new BondTunnel("198.18.0.1", 4791, "b0", KEY, "100.64.100.2", 24)), b);
        assertArrayEquals(bytes(32, 1), b.tunnel().keyBytes());

        BondTunnel t = load(bondWith("\toption concentrator '198.18.0.1:4791'",
                "\toption concentrator '[2001:db8::1]:65535'\n\toption client_id 'Home_1'")).bonds().get(0).tunnel();
        assertEquals(new BondTunnel("2001:db8::1", 65535, "Home_1", KEY, "100.64.100.2", 24), t);
        assertEquals("x".repeat(32), load(bond("\toption client_id '" + "x".repeat(32) + "'")).bonds().get(0).tunnel().clientId());
        assertEquals(30, load(bondWith("\toption address '100.64.100.2/24'", "\toption address '100.64.100.2/30'"))
                .bonds().get(0).tunnel().prefixLength());
        assertEquals(1, load(bondWith("\toption address '100.64.100.2/24'", "\toption address '100.64.100.2/1'"))
                .bonds().get(0).tunnel().prefixLength());
    }

    @Test
    void bondWithoutConcentratorHasNoTunnel() throws ConfigException {
        // No far end at all, or parked by blanking 'concentrator': the rest is kept and checked.
        assertNull(load(append("config bond 'b0'", "\tlist member 'wan'")).bonds().get(0).tunnel());
        assertNull(load(bondWith("\toption concentrator '198.18.0.1:4791'", "\toption concentrator ''")).bonds().get(0).tunnel());
        assertNull(load(bondWith("\toption concentrator '198.18.0.1:4791'", "")).bonds().get(0).tunnel());
        fails(bondWith("\toption concentrator '198.18.0.1:4791'", "\toption concentrator ''").replace(KEY, "short"),
                P + "22: option 'key' in section 'b0': must be 32 bytes in standard base64 (44 characters ending in '='),"
                        + " e.g. from 'head -c 32 /dev/urandom | base64'; the value is not base64");
        fails(bondWith("\toption concentrator '198.18.0.1:4791'", "\toption client_id 'a-b'"),
                P + "21: option 'client_id' in section 'b0': must be 1-32 characters A-Z a-z 0-9 _ (it names a 'client'"
                        + " section on the concentrator), got 'a-b'");
        fails(bondWith("\toption concentrator '198.18.0.1:4791'", "").replace("/24'", "/33'"),
                P + "22: option 'address' in section 'b0': must be an IPv4 address and a prefix length of 1-30, such as"
                        + " 100.64.100.2/24, got '100.64.100.2/33'");
        // Key and address alone, well formed, are kept for later: no tunnel yet.
        assertNull(load(append("config bond 'b0'", "\toption key '" + KEY + "'")).bonds().get(0).tunnel());
    }

    @Test
    void bondConcentratorErrors() {
        String at = P + "21: option 'concentrator' in section 'b0': ";
        String shape = "must be ADDRESS:PORT such as 198.18.0.1:4791 or [2001:db8::1]:4791, got '";
        for (String v : List.of("198.18.0.1", "[2001:db8::1]4791", "[2001:db8::1", "[2001:db8::1]")) {
            fails(bondWith("\toption concentrator '198.18.0.1:4791'", "\toption concentrator '" + v + "'"),
                    at + shape + v + "'");
        }
        fails(bondWith("\toption concentrator '198.18.0.1:4791'", "\toption concentrator 'concentrator.example:4791'"),
                at + "must name an IPv4 or IPv6 address, not a host name, got 'concentrator.example'");
        fails(bondWith("\toption concentrator '198.18.0.1:4791'", "\toption concentrator '198.18.0.300:4791'"),
                at + "must name an IPv4 or IPv6 address, not a host name, got '198.18.0.300'");
        for (String port : List.of("0", "65536", "", "http", "-1")) {
            fails(bondWith("\toption concentrator '198.18.0.1:4791'", "\toption concentrator '198.18.0.1:" + port + "'"),
                    at + "port must be 1-65535, got '" + port + "'");
        }
        fails(bondWith("\toption concentrator '198.18.0.1:4791'", "\toption concentrator '2001:db8::1:4791'"),
                at + "an IPv6 address goes in brackets, e.g. [2001:db8::1]:4791, got '2001:db8::1:4791'");
        fails(bondWith("\toption concentrator '198.18.0.1:4791'", "\toption concentrator '[198.18.0.1]:4791'"),
                at + "brackets are for IPv6 addresses, got '198.18.0.1'");
        fails(bondWith("\toption concentrator '198.18.0.1:4791'", "\tlist concentrator '198.18.0.1:4791'"),
                P + "21: list 'concentrator' in section 'b0': must be an 'option', not a 'list'");
    }

    @Test
    void bondKeyErrors() {
        String at = P + "22: option 'key' in section 'b0': must be 32 bytes in standard base64 (44 characters ending in"
                + " '='), e.g. from 'head -c 32 /dev/urandom | base64'; ";
        fails(bondWith("\toption key '" + KEY + "'", ""),
                P + "19: option 'key' in section 'b0': is required when option 'concentrator' is set");
        fails(bondWith("\toption key '" + KEY + "'", "\toption key ''"),
                P + "22: option 'key' in section 'b0': is required when option 'concentrator' is set");
        fails(bondWith("\toption key '" + KEY + "'", "\toption key 'not base64!'"), at + "the value is not base64");
        String k31 = Base64.getEncoder().encodeToString(bytes(31, 7));
        fails(bondWith("\toption key '" + KEY + "'", "\toption key '" + k31 + "'"), at + "the value decodes to 31 bytes");
        String k33 = Base64.getEncoder().encodeToString(bytes(33, 7));
        fails(bondWith("\toption key '" + KEY + "'", "\toption key '" + k33 + "'"), at + "the value decodes to 33 bytes");
        // Without its padding, or URL-safe, or with a changed last bit: one key, one spelling.
        String unpadded = KEY.substring(0, 43);
        fails(bondWith("\toption key '" + KEY + "'", "\toption key '" + unpadded + "'"), at + "the value is not in canonical form");
        String urlSafe = Base64.getUrlEncoder().encodeToString(bytes(32, 250));
        assertNotEquals(Base64.getEncoder().encodeToString(bytes(32, 250)), urlSafe);
        fails(bondWith("\toption key '" + KEY + "'", "\toption key '" + urlSafe + "'"), at + "the value is not base64");
        String lastBit = KEY.substring(0, 42) + (char) (KEY.charAt(42) + 1) + "=";
        fails(bondWith("\toption key '" + KEY + "'", "\toption key '" + lastBit + "'"), at + "the value is not in canonical form");
    }

    @Test
    void keyNeverAppearsInMessagesOrToString() throws ConfigException {
        String k31 = Base64.getEncoder().encodeToString(bytes(31, 7));
        ConfigException e = assertThrows(ConfigException.class, () -> load(bondWith("\toption key '" + KEY + "'",
                "\toption key '" + k31 + "'")));
        assertFalse(e.getMessage().contains(k31));
        // Section names are one namespace across types: the client is 'home1', so is the bond's client_id.
        CoopwanConfig c = load(concentrator("config client 'home1'", "\toption key '" + KEY + "'",
                "\toption address '100.64.100.2'") + bond("\toption client_id 'home1'").substring(BASE.length()));
        assertFalse(c.toString().contains(KEY), c.toString());
        assertTrue(c.bonds().get(0).tunnel().toString().contains("key=(set)"));
        assertTrue(c.clients().get(0).toString().contains("key=(set)"));
    }

    @Test
    void bondAddressErrors() {
        String at = P + "23: option 'address' in section 'b0': ";
        String shape = "must be an IPv4 address and a prefix length of 1-30, such as 100.64.100.2/24, got '";
        fails(bondWith("\toption address '100.64.100.2/24'", ""),
                P + "19: option 'address' in section 'b0': is required when option 'concentrator' is set");
        for (String v : List.of("100.64.100.2", "100.64.100.2/31", "100.64.100.2/32", "100.64.100.2/0", "100.64.100.2/024",
                "100.64.100.2/", "2001:db8::2/64", "100.64.100/24", "/24")) {
            fails(bondWith("\toption address '100.64.100.2/24'", "\toption address '" + v + "'"), at + shape + v + "'");
        }
        fails(bondWith("\toption address '100.64.100.2/24'", "\toption address '100.64.100.0/24'"),
                at + "'100.64.100.0' is the network or broadcast address of 100.64.100.0/24; give a host address");
        fails(bondWith("\toption address '100.64.100.2/24'", "\toption address '100.64.100.255/24'"),
                at + "'100.64.100.255' is the network or broadcast address of 100.64.100.0/24; give a host address");
        fails(bondWith("\toption address '100.64.100.2/24'", "\toption address '100.64.100.7/30'"),
                at + "'100.64.100.7' is the network or broadcast address of 100.64.100.4/30; give a host address");
    }

    @Test
    void bondClientIdErrors() throws ConfigException {
        String at = P + "24: option 'client_id' in section 'b0': must be 1-32 characters A-Z a-z 0-9 _ (it names a"
                + " 'client' section on the concentrator), got '";
        for (String v : List.of("home-1", "home.1", "x".repeat(33), "a b", "höme")) {
            fails(bond("\toption client_id '" + v + "'"), at + v + "'");
        }
        // Two bonds may reach one concentrator under two client ids, or two concentrators under one.
        String second = "\nconfig bond 'b1'\n\tlist member 'lte'\n\toption concentrator '198.18.0.1:4791'\n"
                + "\toption key '" + KEY2 + "'\n\toption address '100.64.101.2/24'\n";
        assertEquals(List.of("b0", "b1"),
                load(bond() + second).bonds().stream().map(b -> b.tunnel().clientId()).toList());
        assertEquals(2, load(bond() + second.replace("'b1'", "'b1'\n\toption client_id 'b0'")
                .replace("198.18.0.1:4791", "198.18.0.2:4791")).bonds().size());
        assertEquals(2, load(bond() + second.replace("'b1'", "'b1'\n\toption client_id 'b0'")
                .replace("198.18.0.1:4791", "198.18.0.1:4792")).bonds().size());
        fails(bond() + second.replace("'b1'", "'b1'\n\toption client_id 'b0'"),
                P + "26: option 'client_id' in section 'b1': bond 'b0' (line 19) already reaches 198.18.0.1:4791 as"
                        + " client 'b0'; give each bond its own client_id");
    }

    // ---- concentrator ----

    @Test
    void concentratorValues() throws ConfigException {
        CoopwanConfig c = load(concentrator());
        assertEquals(Global.Role.CONCENTRATOR, c.global().role());
        assertEquals(new Concentrator("0.0.0.0", 4791, "cwc0", "100.64.100.1", 24, ""), c.concentrator());
        assertEquals(List.of(), c.clients());
        c = load(concentrator("\toption listen '::'", "\toption port '5000'", "\toption device 'tun-c.1'",
                "\toption wan_device 'eth0'"));
        assertEquals(new Concentrator("::", 5000, "tun-c.1", "100.64.100.1", 24, "eth0"), c.concentrator());
        assertEquals("198.18.0.1", load(concentrator("\toption listen '198.18.0.1'", "\toption wan_device ''"))
                .concentrator().listen());
        // On a router the section is checked and kept, for a later switch of the role.
        CoopwanConfig router = load(append("config concentrator", "\toption address '100.64.100.1/24'"));
        assertEquals(Global.Role.ROUTER, router.global().role());
        assertEquals(new Concentrator("0.0.0.0", 4791, "cwc0", "100.64.100.1", 24, ""), router.concentrator());
        assertNull(load(BASE).concentrator());
    }

    @Test
    void concentratorErrors() {
        fails(replace("\toption role 'router'", "\toption role 'concentrator'"),
                P + "2: option 'role' in section 'global': 'concentrator' needs a 'config concentrator' section");
        String at = P + "21: option ";
        fails(concentrator().replace("\toption address '100.64.100.1/24'\n", ""),
                P + "19: option 'address' in section 'concentrator': is required");
        fails(concentrator().replace("'100.64.100.1/24'", "'100.64.100.1'"),
                P + "20: option 'address' in section 'concentrator': must be an IPv4 address and a prefix length of 1-30,"
                        + " such as 100.64.100.2/24, got '100.64.100.1'");
        fails(concentrator("\toption listen 'any'"),
                at + "'listen' in section 'concentrator': must be an IPv4 or IPv6 address such as 127.0.0.1, 0.0.0.0 or ::,"
                        + " got 'any'");
        fails(concentrator("\toption port '65536'"), at + "'port' in section 'concentrator': must be 1-65535, got '65536'");
        fails(concentrator("\toption device 'concentrator_tun'"),
                at + "'device' in section 'concentrator': must be an interface name of at most 15 characters"
                        + " A-Z a-z 0-9 _ . -, got 'concentrator_tun'");
        fails(concentrator("\toption wan_device 'eth 0'"),
                at + "'wan_device' in section 'concentrator': must be an interface name of at most 15 characters"
                        + " A-Z a-z 0-9 _ . -, got 'eth 0'");
        fails(concentrator("\toption wan_device 'cwc0'"),
                at + "'wan_device' in section 'concentrator': must not be the tunnel device 'cwc0'; '' means any interface"
                        + " but the tunnel device");
        fails(concentrator("\toption device 'tun9'", "\toption wan_device 'tun9'"),
                P + "22: option 'wan_device' in section 'concentrator': must not be the tunnel device 'tun9'; '' means any"
                        + " interface but the tunnel device");
        fails(concentrator("config concentrator 'c2'", "\toption address '100.64.100.1/24'"),
                P + "21: section 'c2': only one 'concentrator' section is allowed, the first is at line 19");
    }

    // ---- clients ----

    static String client(String name, String key, String address) {
        return String.join("\n", "config client '" + name + "'", "\toption key '" + key + "'", "\toption address '" + address + "'");
    }

    @Test
    void clientValues() throws ConfigException {
        // Clients may come before the concentrator section; order is kept.
        String text = BASE.replace("\toption role 'router'", "\toption role 'concentrator'") + "\n"
                + client("home1", KEY, "100.64.100.2") + "\n\n" + client("Home_2", KEY2, "100.64.100.254") + "\n\n"
                + "config concentrator\n\toption address '100.64.100.1/24'\n";
        CoopwanConfig c = load(text);
        assertEquals(List.of(new TunnelClient("home1", KEY, "100.64.100.2"), new TunnelClient("Home_2", KEY2, "100.64.100.254")),
                c.clients());
        assertArrayEquals(bytes(32, 101), c.clients().get(1).keyBytes());
        // Without a concentrator section (a router), the network cannot be checked, the rest is.
        assertEquals(1, load(append(client("home1", KEY, "198.18.0.9"))).clients().size());
    }

    @Test
    void clientErrors() {
        fails(concentrator("config client", "\toption key '" + KEY + "'"),
                P + "21: section '@client[0]': a client section needs a name, the client_id of the router's bond:"
                        + " config client 'NAME'");
        String longName = "c".repeat(33);
        fails(concentrator("config client '" + longName + "'"),
                P + "21: section '" + longName + "': a client name is a router's client_id: at most 32 characters"
                        + " A-Z a-z 0-9 _, got '" + longName + "'");
        fails(concentrator("config client 'home1'", "\toption address '100.64.100.2'"),
                P + "21: option 'key' in section 'home1': is required");
        fails(concentrator("config client 'home1'", "\toption key '" + KEY + "'"),
                P + "21: option 'address' in section 'home1': is required");
        fails(concentrator("config client 'home1'", "\toption key 'AAAA'", "\toption address '100.64.100.2'"),
                P + "22: option 'key' in section 'home1': must be 32 bytes in standard base64 (44 characters ending in '='),"
                        + " e.g. from 'head -c 32 /dev/urandom | base64'; the value decodes to 3 bytes");
        String at = P + "23: option 'address' in section 'home1': ";
        for (String a : List.of("100.64.100.2/24", "100.64.100", "host", "2001:db8::2")) {
            fails(concentrator(client("home1", KEY, a)),
                    at + "must be an IPv4 address without a prefix, such as 100.64.100.2 (the concentrator's prefix applies),"
                            + " got '" + a + "'");
        }
        fails(concentrator(client("home1", KEY, "100.64.101.2")),
                at + "'100.64.101.2' is outside the concentrator's network 100.64.100.0/24 (section 'concentrator', line 20)");
        fails(concentrator(client("home1", KEY, "100.64.100.0")),
                at + "'100.64.100.0' is the network or broadcast address of 100.64.100.0/24");
        fails(concentrator(client("home1", KEY, "100.64.100.255")),
                at + "'100.64.100.255' is the network or broadcast address of 100.64.100.0/24");
        fails(concentrator(client("home1", KEY, "100.64.100.1")),
                at + "'100.64.100.1' is the concentrator's own address (section 'concentrator', line 20)");
        fails(concentrator(client("home1", KEY, "100.64.100.2"), "", client("home2", KEY2, "100.64.100.2")),
                P + "27: option 'address' in section 'home2': '100.64.100.2' is already the address of client 'home1'"
                        + " (line 23)");
        fails(concentrator(client("home1", KEY, "100.64.100.2"), "", client("home1", KEY2, "100.64.100.3")),
                P + "25: section 'home1': duplicate section name: a 'client' section at line 21 has it too");
    }

    // ---- data plane ----

    @Test
    void dataPlaneValues() throws ConfigException {
        assertEquals(DataPlane.defaults(), load(BASE).dataPlane());
        assertEquals(DataPlane.defaults(), load(append("config dataplane 'dataplane'")).dataPlane());
        DataPlane d = load(append("config dataplane 'dataplane'", "\toption keepalive_ms '20'", "\toption dead_after_ms '60'",
                "\toption reorder_wait_ms '0'", "\toption slops_period_s '0'", "\toption slops_precision_kbps '1'",
                "\toption slops_packets '10'", "\toption slops_packet_bytes '64'")).dataPlane();
        assertEquals(new DataPlane(20, 60, 0, 0, 1, 10, 64), d);
        d = load(append("config dataplane", "\toption keepalive_ms '10000'", "\toption dead_after_ms '60000'",
                "\toption reorder_wait_ms '1000'", "\toption slops_period_s '86400'", "\toption slops_precision_kbps '1000000'",
                "\toption slops_packets '10000'", "\toption slops_packet_bytes '1400'")).dataPlane();
        assertEquals(new DataPlane(10_000, 60_000, 1000, 86_400, 1_000_000, 10_000, 1400), d);
        assertEquals(10, load(append("config dataplane", "\toption slops_period_s '10'")).dataPlane().slopsPeriodSeconds());
    }

    @Test
    void dataPlaneErrors() {
        String at = P + "20: option ";
        Object[][] ranges = {
            {"keepalive_ms", "20-10000", List.of("19", "10001", "", "1e3")},
            {"dead_after_ms", "60-60000", List.of("59", "60001")},
            {"reorder_wait_ms", "0-1000", List.of("1001", "-1")},
            {"slops_precision_kbps", "1-1000000", List.of("0", "1000001")},
            {"slops_packets", "10-10000", List.of("9", "10001")},
            {"slops_packet_bytes", "64-1400", List.of("63", "1401", "1500")},
        };
        for (Object[] r : ranges) {
            @SuppressWarnings("unchecked")
            List<String> bad = (List<String>) r[2];
            for (String v : bad) {
                if (v.isEmpty()) {
                    continue; // '' is the default
                }
                fails(append("config dataplane 'dataplane'", "\toption " + r[0] + " '" + v + "'"),
                        at + "'" + r[0] + "' in section 'dataplane': must be " + r[1] + ", got '" + v + "'");
            }
        }
        for (String v : List.of("1", "4", "9", "86401", "00", "-5", "never")) {
            fails(append("config dataplane 'dataplane'", "\toption slops_period_s '" + v + "'"),
                    at + "'slops_period_s' in section 'dataplane': must be 0 (never re-measure) or 10-86400, got '" + v + "'");
        }
        fails(append("config dataplane 'dataplane'", "\toption keepalive_ms '200'", "\toption dead_after_ms '200'"),
                P + "21: option 'dead_after_ms' in section 'dataplane': must be more than keepalive_ms (200), got '200'");
        // The default dead_after_ms (500) is too short for a slower keepalive: said so at the header.
        fails(append("config dataplane 'dataplane'", "\toption keepalive_ms '500'"),
                P + "19: option 'dead_after_ms' in section 'dataplane': must be more than keepalive_ms (500), got '500'"
                        + " (the default)");
        fails(append("config dataplane 'd1'", "config dataplane 'd2'"),
                P + "20: section 'd2': only one 'dataplane' section is allowed, the first is at line 19");
    }

    // ---- records ----

    @Test
    void secondaryConstructorsFillTheNewComponents() {
        assertEquals(new Uplink("wan", "eth1", true, 1, 2, null), new Uplink("wan", "eth1", true, 1, 2));
        assertEquals(new Bond("b0", Bond.Mode.ADAPTIVE, 1400, List.of("wan"), null),
                new Bond("b0", Bond.Mode.ADAPTIVE, 1400, List.of("wan")));
        CoopwanConfig d = ConfigLoader.defaults();
        CoopwanConfig old = new CoopwanConfig(d.global(), d.uplinks(), d.peer(), d.offers(), d.web(), d.snmp(), d.bonds());
        assertNull(old.concentrator());
        assertEquals(List.of(), old.clients());
        assertEquals(DataPlane.defaults(), old.dataPlane());
        assertEquals(d, old);
        // A null data plane means the defaults; lists are copied.
        CoopwanConfig full = new CoopwanConfig(d.global(), d.uplinks(), d.peer(), d.offers(), d.web(), d.snmp(), d.bonds(),
                null, new java.util.ArrayList<>(List.of(new TunnelClient("a", KEY, "100.64.100.2"))), null);
        assertEquals(DataPlane.defaults(), full.dataPlane());
        assertThrows(UnsupportedOperationException.class, () -> full.clients().clear());
    }

    @Test
    void keysAreCopiedAndChecked() {
        BondTunnel t = new BondTunnel("198.18.0.1", 4791, "home1", KEY, "100.64.100.2", 24);
        byte[] k = t.keyBytes();
        k[0] ^= 1;
        assertArrayEquals(bytes(32, 1), t.keyBytes(), "a caller's change of the copy leaves the record alone");
        assertEquals(t, new BondTunnel("198.18.0.1", 4791, "home1", TunnelKey.encode(bytes(32, 1)), "100.64.100.2", 24));
        assertEquals(t.hashCode(), new BondTunnel("198.18.0.1", 4791, "home1", KEY, "100.64.100.2", 24).hashCode());
        assertThrows(IllegalArgumentException.class, () -> new BondTunnel("198.18.0.1", 4791, "home1", "AAAA", "100.64.100.2", 24));
        assertThrows(IllegalArgumentException.class, () -> TunnelKey.encode(new byte[31]));
        assertArrayEquals(bytes(32, 101), TunnelKey.decode(KEY2));
        assertEquals(44, KEY.length());
    }

    // ---- round trip ----

    static final String FULL = String.join("\n",
            "# a router and its concentrator settings in one file",
            "config global 'global'",
            "\toption role 'concentrator'   # this box",
            "",
            "config uplink 'wan'",
            "\toption device 'eth1'",
            "\toption down_kbps '50000'",
            "\toption gateway '100.64.0.1'",
            "",
            "config bond 'bond0'",
            "\tlist member 'wan'",
            "\t# the far end",
            "\toption concentrator '[2001:db8::1]:4791'",
            "\toption client_id 'home1'",
            "\toption key '" + KEY + "'",
            "\toption address \"100.64.100.2/24\"",
            "",
            "config concentrator 'concentrator'",
            "\toption listen '::'",
            "\toption address '100.64.100.1/24'",
            "\toption wan_device 'eth0'",
            "",
            "config client 'home1'",
            "\toption key '" + KEY + "'",
            "\toption address '100.64.100.2'",
            "",
            "config client 'home2'",
            "\toption key '" + KEY2 + "'",
            "\toption address '100.64.100.3'",
            "",
            "config dataplane 'dataplane'",
            "\toption keepalive_ms '50'",
            "\toption slops_period_s '0'",
            "") ;

    @Test
    void fileWithTheNewSectionsRoundTrips(@TempDir Path dir) throws Exception {
        UciDocument doc = UciDocument.parse(FULL, FILE);
        assertEquals(FULL, doc.text());
        CoopwanConfig c = ConfigLoader.load(doc);
        assertEquals(new Uplink("wan", "eth1", true, 50_000, 0, "100.64.0.1"), c.uplinks().get(0));
        assertEquals(new BondTunnel("2001:db8::1", 4791, "home1", KEY, "100.64.100.2", 24), c.bonds().get(0).tunnel());
        assertEquals(new Concentrator("::", 4791, "cwc0", "100.64.100.1", 24, "eth0"), c.concentrator());
        assertEquals(List.of(new TunnelClient("home1", KEY, "100.64.100.2"), new TunnelClient("home2", KEY2, "100.64.100.3")),
                c.clients());
        assertEquals(new DataPlane(50, 500, 150, 0, 100, 100, 1000), c.dataPlane());

        // Edited as a front-end would: only the changed lines change, the result loads.
        UciDocument edited = doc.withOption("bond0", "concentrator", "198.18.0.1:4791")
                .withOption("dataplane", "dead_after_ms", "250")
                .withOption("home2", "address", "100.64.100.4");
        assertEquals(FULL.replace("'[2001:db8::1]:4791'", "'198.18.0.1:4791'").replace("'100.64.100.3'", "'100.64.100.4'")
                .replace("\toption slops_period_s '0'\n", "\toption slops_period_s '0'\n\toption dead_after_ms '250'\n"),
                edited.text());
        Path f = dir.resolve("coopwan");
        edited.write(f);
        CoopwanConfig back = ConfigLoader.load(f);
        assertEquals("198.18.0.1", back.bonds().get(0).tunnel().concentratorHost());
        assertEquals(250, back.dataPlane().deadAfterMs());
        assertEquals("100.64.100.4", back.clients().get(1).address());
        assertEquals(edited.text(), Files.readString(f));
        assertEquals(back, ConfigLoader.load(UciDocument.parse(Files.readString(f), f)));
    }

    @Test
    void dataPlaneMechanismsAreSwitchedOffByName() throws ConfigException {
        DataPlane d = load(append("config dataplane 'dataplane'", "\tlist disable 'loss_recovery'",
                "\tlist disable 'inband_jitter'")).dataPlane();
        assertEquals(java.util.Set.of("loss_recovery", "inband_jitter"), d.disabled());
        assertFalse(d.enabled("loss_recovery"));
        assertTrue(d.enabled("adaptive_reorder"));
        assertTrue(DataPlane.defaults().disabled().isEmpty());
        ConfigException e = assertThrows(ConfigException.class,
                () -> load(append("config dataplane 'dataplane'", "\tlist disable 'reorder'")));
        assertTrue(e.getMessage().contains("disable") && e.getMessage().endsWith(
                "one of adaptive_reorder, inband_jitter, loss_recovery; got 'reorder'"), e.getMessage());
    }
}
