package net.coopwan.snmp.security;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

import org.snmp4j.security.AuthenticationProtocol;
import org.snmp4j.security.PrivacyProtocol;
import org.snmp4j.security.UsmUser;
import org.snmp4j.smi.OctetString;

/**
 * The one SNMPv3 USM user, always authPriv. Validated on construction so a bad configuration is a
 * clear message at start, not an obscure SNMP4J exception or a user that silently never matches.
 *
 * @param user         security name, 1-32 octets (RFC 3414 usmUserName)
 * @param authProtocol one of {@link UsmProtocols#AUTH_NAMES}
 * @param authPass     at least 8 characters (RFC 3414 11.2)
 * @param privProtocol one of {@link UsmProtocols#PRIV_NAMES}
 * @param privPass     at least 8 characters
 */
public record V3Credentials(String user, String authProtocol, String authPass, String privProtocol, String privPass) {

    public static final int MIN_PASS = 8;

    public V3Credentials {
        if (user == null || user.isBlank()) {
            throw new IllegalArgumentException("snmp v3 user must not be empty");
        }
        if (user.getBytes(StandardCharsets.UTF_8).length > 32) {
            throw new IllegalArgumentException("snmp v3 user '" + user + "' is longer than 32 bytes");
        }
        // Both throw naming the accepted values.
        UsmProtocols.auth(authProtocol);
        UsmProtocols.priv(privProtocol);
        requirePass("auth", authPass);
        requirePass("privacy", privPass);
    }

    private static void requirePass(String what, String pass) {
        if (pass == null || pass.length() < MIN_PASS) {
            throw new IllegalArgumentException("snmp v3 " + what + " passphrase must have at least " + MIN_PASS
                    + " characters");
        }
    }

    public AuthenticationProtocol auth() {
        return UsmProtocols.auth(authProtocol);
    }

    public PrivacyProtocol priv() {
        return UsmProtocols.priv(privProtocol);
    }

    /** The USM user with passphrases; USM localizes its keys to the engine ID when added. */
    public UsmUser toUsmUser() {
        return new UsmUser(new OctetString(user), auth().getID(), new OctetString(authPass),
                priv().getID(), new OctetString(privPass));
    }

    /** "SHA-256/AES-128", for the start-up line. */
    public String protocols() {
        return authProtocol.trim().toUpperCase(Locale.ROOT) + "/"
                + privProtocol.trim().toUpperCase(Locale.ROOT);
    }

    /** Never prints the passphrases, so the record is safe in logs and exception messages. */
    @Override
    public String toString() {
        return "V3Credentials[user=" + user + ", " + protocols() + ", passphrases hidden]";
    }
}
