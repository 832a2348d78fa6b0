package net.coopwan.config;

/**
 * One {@code list notify 'KIND udp:ADDRESS:PORT [v3|v2c]'} of {@code config snmp}: a manager that
 * receives the agent's notifications (COOPWAN-MIB uplinkDown, uplinkUp, ...).
 *
 * @param kind     {@link Kind#TRAP} (sent once, unacknowledged) or {@link Kind#INFORM} (acknowledged, retried)
 * @param address  IPv4 or IPv6 literal
 * @param port     UDP port, 1-65535 (162 is the standard)
 * @param security {@link Security#V3}: SNMPv3 authPriv as the configured v3 user;
 *                 {@link Security#V2C}: SNMPv2c with {@code v2c_community}
 */
public record NotifyTarget(Kind kind, String address, int port, Security security) {

    /** How a notification is sent. */
    public enum Kind { TRAP, INFORM }

    /** Which SNMP version and credentials a notification carries. */
    public enum Security { V3, V2C }

    /** As written in the file, e.g. {@code trap udp:192.0.2.1:162 v3}. */
    @Override
    public String toString() {
        String host = address.indexOf(':') >= 0 ? "[" + address + "]" : address;
        return kind.name().toLowerCase() + " udp:" + host + ":" + port + " " + security.name().toLowerCase();
    }
}
