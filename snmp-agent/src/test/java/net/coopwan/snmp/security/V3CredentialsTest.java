package net.coopwan.snmp.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.snmp4j.security.AuthHMAC192SHA256;
import org.snmp4j.security.AuthHMAC384SHA512;
import org.snmp4j.security.AuthSHA;
import org.snmp4j.security.PrivAES128;
import org.snmp4j.security.PrivAES192;
import org.snmp4j.security.PrivAES256;

class V3CredentialsTest {

    static final String PASS = "long-enough";

    @Test
    void protocolNamesMapToSnmp4j() {
        assertEquals(AuthHMAC192SHA256.class, UsmProtocols.auth("SHA-256").getClass());
        assertEquals(AuthHMAC384SHA512.class, UsmProtocols.auth("sha-512").getClass());
        assertEquals(AuthSHA.class, UsmProtocols.auth(" SHA ").getClass());
        assertEquals(PrivAES128.class, UsmProtocols.priv("AES-128").getClass());
        assertEquals(PrivAES192.class, UsmProtocols.priv("AES-192").getClass());
        assertEquals(PrivAES256.class, UsmProtocols.priv("aes-256").getClass());
    }

    @Test
    void weakOrUnknownProtocolsAreRefusedByName() {
        for (String bad : new String[] {"MD5", "SHA-1024", "", null}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UsmProtocols.auth(bad));
            assertTrue(e.getMessage().contains("SHA-256, SHA-512 or SHA"), e.getMessage());
        }
        for (String bad : new String[] {"DES", "3DES", "AES", "AES-512", null}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UsmProtocols.priv(bad));
            assertTrue(e.getMessage().contains("AES-128, AES-192 or AES-256"), e.getMessage());
        }
    }

    @Test
    void badCredentialsAreNamedWithoutTheSecret() {
        assertMessage("user must not be empty", () -> new V3Credentials(" ", "SHA-256", PASS, "AES-128", PASS));
        assertMessage("longer than 32 bytes",
                () -> new V3Credentials("u".repeat(33), "SHA-256", PASS, "AES-128", PASS));
        assertMessage("auth passphrase must have at least 8",
                () -> new V3Credentials("u", "SHA-256", "seven77", "AES-128", PASS));
        assertMessage("privacy passphrase must have at least 8",
                () -> new V3Credentials("u", "SHA-256", PASS, "AES-128", null));
        assertMessage("auth protocol 'MD5'", () -> new V3Credentials("u", "MD5", PASS, "AES-128", PASS));
    }

    @Test
    void toStringAndProtocolsHideThePassphrases() {
        V3Credentials c = new V3Credentials("admin", "sha-256", "secret-auth", "aes-128", "secret-priv");
        assertEquals("SHA-256/AES-128", c.protocols());
        assertFalse(c.toString().contains("secret"), c.toString());
        assertEquals("admin", c.toUsmUser().getSecurityName().toString());
        assertEquals(AuthHMAC192SHA256.ID, c.toUsmUser().getAuthenticationProtocol());
        assertEquals(PrivAES128.ID, c.toUsmUser().getPrivacyProtocol());
    }

    private static void assertMessage(String part, org.junit.jupiter.api.function.Executable e) {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
        assertTrue(x.getMessage().contains(part), x.getMessage());
        assertFalse(x.getMessage().contains(PASS), x.getMessage());
    }
}
