package net.coopwan.snmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.coopwan.config.Snmp;
import org.junit.jupiter.api.Test;

class AgentSettingsTest {

    static Snmp snmp(String listen, int port, String community) {
        return new Snmp(true, listen, port, "coopwan", "SHA-512", "auth-pass-1", "AES-256", "priv-pass-1", community,
                "", "", "");
    }

    @Test
    void describesEndpointAndSecurityWithoutSecrets() {
        AgentSettings s = AgentSettings.from(snmp("127.0.0.1", 1161, "my-community"));
        assertEquals("SNMP agent on udp:127.0.0.1:1161 (SNMPv3 user coopwan authPriv SHA-512/AES-256; "
                + "v2c read-only on)", s.describe());
        assertFalse(s.toString().contains("my-community") || s.toString().contains("auth-pass-1")
                || s.toString().contains("priv-pass-1"), s.toString());
        assertEquals("udp:[::1]:161", AgentSettings.from(snmp("::1", 161, "")).endpoint());
        assertEquals("udp:0.0.0.0:1161", AgentSettings.from(snmp("0.0.0.0", 1161, "")).endpoint());
        assertEquals("udp:[::]:1161", AgentSettings.from(snmp("::", 1161, "")).endpoint());
        assertEquals("fd00::1:0:0:2", AgentSettings.compress("fd00:0:0:0:1:0:0:2"), "first longest run");
        assertEquals("fd00:1:2:3:4:5:0:6", AgentSettings.compress("fd00:1:2:3:4:5:0:6"), "one zero stays");
        assertEquals("fe80::1%eth0", AgentSettings.compress("fe80:0:0:0:0:0:0:1%eth0"));
        assertFalse(AgentSettings.from(snmp("127.0.0.1", 1161, null)).v2cEnabled(), "null community: off");
    }

    @Test
    void listenMustBeAnIpLiteral() {
        for (String bad : new String[] {"localhost", "router.lan", "", " ", "1.2.3", "999.1.1.1", "::g", null}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> AgentSettings.from(snmp(bad, 1161, "")), String.valueOf(bad));
            assertTrue(e.getMessage().startsWith("snmp listen"), e.getMessage());
        }
    }

    @Test
    void portMustBeAUdpPort() {
        for (int bad : new int[] {0, -1, 65536}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> AgentSettings.from(snmp("127.0.0.1", bad, "")));
            assertTrue(e.getMessage().contains("snmp port " + bad), e.getMessage());
        }
    }

    @Test
    void noSnmpSectionIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AgentSettings.from(null));
        assertTrue(e.getMessage().contains("no snmp section"));
    }
}
