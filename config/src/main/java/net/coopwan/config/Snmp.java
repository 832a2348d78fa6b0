package net.coopwan.config;

/**
 * {@code config snmp 'snmp'}: the SNMP agent.
 *
 * @param enabled        whether the agent starts
 * @param listen         address to bind
 * @param port           UDP port (161 needs the system snmpd out of the way)
 * @param v3User         SNMPv3 USM user; the only principal that may write
 * @param v3AuthProtocol SHA-256, SHA-512 or SHA (SHA-1, for old managers)
 * @param v3AuthPass     authentication passphrase, at least 8 characters
 * @param v3PrivProtocol AES-128, AES-192 or AES-256
 * @param v3PrivPass     privacy passphrase, at least 8 characters
 * @param v2cCommunity   read-only SNMPv2c community, empty to disable v1/v2c
 * @param sysName        SNMPv2-MIB sysName, empty for the host name
 * @param sysContact     SNMPv2-MIB sysContact
 * @param sysLocation    SNMPv2-MIB sysLocation
 * @param notifyTargets  where notifications go ({@code list notify}), in file order; empty: none sent
 */
public record Snmp(boolean enabled, String listen, int port,
                   String v3User, String v3AuthProtocol, String v3AuthPass,
                   String v3PrivProtocol, String v3PrivPass,
                   String v2cCommunity, String sysName, String sysContact, String sysLocation,
                   java.util.List<NotifyTarget> notifyTargets) {

    public Snmp {
        notifyTargets = notifyTargets == null ? java.util.List.of() : java.util.List.copyOf(notifyTargets);
    }

    /** Without notification targets (the shape before {@code list notify} existed). */
    public Snmp(boolean enabled, String listen, int port,
                String v3User, String v3AuthProtocol, String v3AuthPass,
                String v3PrivProtocol, String v3PrivPass,
                String v2cCommunity, String sysName, String sysContact, String sysLocation) {
        this(enabled, listen, port, v3User, v3AuthProtocol, v3AuthPass, v3PrivProtocol, v3PrivPass, v2cCommunity,
                sysName, sysContact, sysLocation, java.util.List.of());
    }

    /** Configs get logged; pass phrases and the community are passwords and are left out. */
    @Override
    public String toString() {
        return "Snmp[enabled=" + enabled + ", listen=" + listen + ", port=" + port + ", v3User=" + v3User
                + ", v3AuthProtocol=" + v3AuthProtocol + ", v3AuthPass=" + redacted(v3AuthPass)
                + ", v3PrivProtocol=" + v3PrivProtocol + ", v3PrivPass=" + redacted(v3PrivPass)
                + ", v2cCommunity=" + redacted(v2cCommunity) + ", sysName=" + sysName + ", sysContact=" + sysContact
                + ", sysLocation=" + sysLocation + ", notify=" + notifyTargets + "]";
    }

    private static String redacted(String secret) {
        return secret == null || secret.isEmpty() ? "" : "(set)";
    }
}
