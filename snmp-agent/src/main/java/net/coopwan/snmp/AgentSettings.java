package net.coopwan.snmp;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.regex.Pattern;

import net.coopwan.config.Snmp;
import net.coopwan.snmp.security.V3Credentials;

/**
 * The part of {@code config snmp} that is fixed while the agent runs (address, security), checked
 * once at start so a bad value is one clear sentence, never an SNMP4J stack trace. sysContact,
 * sysName and sysLocation are not here: they are read from the configuration on every request.
 *
 * @param listen       address to bind, an IP literal
 * @param port         UDP port 1-65535
 * @param v3           the SNMPv3 user
 * @param v2cCommunity read-only community, empty when v1/v2c are off
 */
public record AgentSettings(InetAddress listen, int port, V3Credentials v3, String v2cCommunity) {

    /** Only literals: resolving a host name could block start-up on DNS. */
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(%[0-9A-Za-z_.-]+)?");

    public AgentSettings {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("snmp port " + port + " is not a UDP port (1-65535)");
        }
        v2cCommunity = v2cCommunity == null ? "" : v2cCommunity;
    }

    /**
     * @throws IllegalArgumentException saying which option is wrong and what is accepted
     */
    public static AgentSettings from(Snmp snmp) {
        if (snmp == null) {
            throw new IllegalArgumentException("the configuration has no snmp section");
        }
        return new AgentSettings(address(snmp.listen()), snmp.port(),
                new V3Credentials(snmp.v3User(), snmp.v3AuthProtocol(), snmp.v3AuthPass(),
                        snmp.v3PrivProtocol(), snmp.v3PrivPass()),
                snmp.v2cCommunity());
    }

    static InetAddress address(String listen) {
        String s = listen == null ? "" : listen.trim();
        if (!IPV4.matcher(s).matches() && !IPV6.matcher(s).matches()) {
            throw new IllegalArgumentException("snmp listen '" + listen + "' is not an IP address "
                    + "(use e.g. 127.0.0.1, 0.0.0.0 or ::)");
        }
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("snmp listen '" + listen + "' is not an IP address: "
                    + e.getMessage(), e);
        }
    }

    public boolean v2cEnabled() {
        return !v2cCommunity.isEmpty();
    }

    /** "udp:127.0.0.1:1161" or "udp:[::1]:1161". */
    public String endpoint() {
        String host = listen.getHostAddress();
        return "udp:" + (listen instanceof Inet6Address ? "[" + compress(host) + "]" : host) + ":" + port;
    }

    /** RFC 5952 text: Java prints 0:0:0:0:0:0:0:1, admins write ::1. */
    static String compress(String full) {
        int pct = full.indexOf('%');
        String scope = pct < 0 ? "" : full.substring(pct);
        String[] groups = (pct < 0 ? full : full.substring(0, pct)).split(":");
        int bestStart = -1;
        int bestLen = 1; // a single zero group is not compressed
        for (int i = 0; i < groups.length; ) {
            if (!groups[i].equals("0")) {
                i++;
                continue;
            }
            int j = i;
            while (j < groups.length && groups[j].equals("0")) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        if (bestStart < 0) {
            return String.join(":", groups) + scope;
        }
        String head = String.join(":", Arrays.copyOfRange(groups, 0, bestStart));
        String tail = String.join(":", Arrays.copyOfRange(groups, bestStart + bestLen, groups.length));
        return head + "::" + tail + scope;
    }

    /** The start-up line; never contains a passphrase or the community. */
    public String describe() {
        return "SNMP agent on " + endpoint() + " (SNMPv3 user " + v3.user() + " authPriv " + v3.protocols()
                + "; v2c read-only " + (v2cEnabled() ? "on" : "off") + ")";
    }

    @Override
    public String toString() {
        return "AgentSettings[" + endpoint() + ", " + v3 + ", v2c " + (v2cEnabled() ? "on" : "off") + "]";
    }
}
