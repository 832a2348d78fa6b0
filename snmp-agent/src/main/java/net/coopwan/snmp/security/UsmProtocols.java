package net.coopwan.snmp.security;

import java.util.Locale;
import java.util.function.Supplier;

import org.snmp4j.security.AuthHMAC192SHA256;
import org.snmp4j.security.AuthHMAC384SHA512;
import org.snmp4j.security.AuthSHA;
import org.snmp4j.security.AuthenticationProtocol;
import org.snmp4j.security.PrivAES128;
import org.snmp4j.security.PrivAES192;
import org.snmp4j.security.PrivAES256;
import org.snmp4j.security.PrivacyProtocol;

/**
 * The configuration's protocol names ({@code option v3_auth_protocol 'SHA-256'}) mapped to the
 * SNMP4J implementations. Only these: MD5 and DES are broken and not offered.
 *
 * <p>AES-192/AES-256 are SNMP4J's {@code PrivAES192/256}, which extend short keys as in
 * draft-blumenthal-aes-usm; that is what net-snmp calls AES-192/AES-256 (its "-C" variants are the
 * other, Cisco, key extension).
 */
public final class UsmProtocols {

    private UsmProtocols() {
    }

    /** What the configuration accepts, for error messages. */
    public static final String AUTH_NAMES = "SHA-256, SHA-512 or SHA";
    public static final String PRIV_NAMES = "AES-128, AES-192 or AES-256";

    /**
     * @throws IllegalArgumentException naming the accepted values when {@code name} is not one of them
     */
    public static AuthenticationProtocol auth(String name) {
        Supplier<AuthenticationProtocol> p = switch (normal(name)) {
            case "SHA-256" -> AuthHMAC192SHA256::new;
            case "SHA-512" -> AuthHMAC384SHA512::new;
            case "SHA" -> AuthSHA::new;
            default -> null;
        };
        if (p == null) {
            throw new IllegalArgumentException("snmp v3 auth protocol '" + name + "' is not supported; use "
                    + AUTH_NAMES);
        }
        return p.get();
    }

    /**
     * @throws IllegalArgumentException naming the accepted values when {@code name} is not one of them
     */
    public static PrivacyProtocol priv(String name) {
        Supplier<PrivacyProtocol> p = switch (normal(name)) {
            case "AES-128" -> PrivAES128::new;
            case "AES-192" -> PrivAES192::new;
            case "AES-256" -> PrivAES256::new;
            default -> null;
        };
        if (p == null) {
            throw new IllegalArgumentException("snmp v3 privacy protocol '" + name + "' is not supported; use "
                    + PRIV_NAMES);
        }
        return p.get();
    }

    private static String normal(String name) {
        return name == null ? "" : name.trim().toUpperCase(Locale.ROOT);
    }
}
