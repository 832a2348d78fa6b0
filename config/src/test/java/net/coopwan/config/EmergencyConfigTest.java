package net.coopwan.config;

import static net.coopwan.config.ConfigLoaderTest.BASE;
import static net.coopwan.config.ConfigLoaderTest.append;
import static net.coopwan.config.ConfigLoaderTest.load;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** {@code config failover}: defaults, every option, and a clear error for each bad value. */
class EmergencyConfigTest {

    @Test
    void withoutTheSectionTheDefaultsApply() throws ConfigException {
        assertEquals(Emergency.defaults(), load(BASE).emergency());
        Emergency d = Emergency.defaults();
        assertEquals(List.of("br-lan"), d.lanDevices());
        assertEquals(Emergency.Mode.DIRECT, d.mode());
        assertEquals(600, d.blackholeMs());
        assertEquals(4791, d.helperPort());
    }

    @Test
    void everyOptionIsRead() throws ConfigException {
        Emergency e = load(append("config failover 'failover'",
                "\toption enabled '0'",
                "\toption uplink 'lte'",
                "\tlist lan 'br-lan'",
                "\tlist lan 'guest'",
                "\toption mode 'concentrator'",
                "\toption reset_sessions 'none'",
                "\toption carrier '0'",
                "\toption blackhole_ms '1000'",
                "\tlist probe 'icmp:198.18.9.2'",
                "\tlist probe 'udp:198.18.9.3:7'",
                "\toption probe_interval_ms '200'",
                "\toption probe_timeout_ms '400'",
                "\toption probe_down_count '3'",
                "\toption probe_threshold '2'",
                "\toption recover_ms '5000'",
                "\toption helper_port '5000'",
                "\toption tunnel_network '100.64.254.0/28'",
                "\tlist concentrator '198.18.9.2:4795'")).emergency();
        assertEquals(new Emergency(false, "lte", List.of("br-lan", "guest"), Emergency.Mode.CONCENTRATOR,
                Emergency.ResetPolicy.NONE, false, 1000,
                List.of(new Emergency.ProbeTarget(Emergency.ProbeTarget.Kind.ICMP, "198.18.9.2", 0),
                        new Emergency.ProbeTarget(Emergency.ProbeTarget.Kind.UDP, "198.18.9.3", 7)),
                200, 400, 3, 2, 5000, 5000, "100.64.254.0", 28, List.of("198.18.9.2:4795")), e);
    }

    private static String error(String... lines) {
        String[] all = new String[lines.length + 1];
        all[0] = "config failover 'failover'";
        System.arraycopy(lines, 0, all, 1, lines.length);
        return assertThrows(ConfigException.class, () -> load(append(all))).getMessage();
    }

    @Test
    void badValuesAreRefusedWithTheReason() {
        assertTrue(error("\toption mode 'tunnel'").contains("must be one of direct, concentrator, got 'tunnel'"));
        assertTrue(error("\toption blackhole_ms '50'").contains("must be 100-60000, got '50'"));
        assertTrue(error("\tlist probe 'icmp:198.18.9.2'", "\tlist probe 'icmp:198.18.9.3'", "\toption probe_threshold '1'")
                .contains("one dead server must never fail the uplink"));
        assertTrue(error("\toption probe_down_count '1'").contains("must be 2-100"));
        assertTrue(error("\tlist probe 'icmp:example.com'").contains("must be icmp:ADDRESS or udp:ADDRESS:PORT"));
        assertTrue(error("\tlist probe 'udp:198.18.9.2:0'").contains("must be icmp:ADDRESS or udp:ADDRESS:PORT"));
        assertTrue(error("\tlist probe 'icmp:198.18.9.2'", "\tlist probe 'icmp:198.18.9.2'").contains("listed twice"));
        assertTrue(error("\tlist probe 'icmp:198.18.9.2'", "\toption probe_threshold '2'")
                .contains("only 1 probe target(s) are listed"));
        assertTrue(error("\toption uplink 'dsl'").contains("names no uplink section ('dsl')"));
        assertTrue(error("\tlist lan 'eth1'").contains("is the device of uplink 'wan'"));
        assertTrue(error("\toption tunnel_network '100.64.254.1/24'").contains("has host bits set; the network is 100.64.254.0/24"));
        assertTrue(error("\toption tunnel_network '100.64.254.0/30'").contains("prefix length of 24-29"));
        assertTrue(error("\toption recover_ms '100'").contains("must be 500-600000"));
        assertTrue(error("\tlist concentrator 'host:4791'").contains("must be ADDRESS:PORT with an IPv4 address"));
    }
}
