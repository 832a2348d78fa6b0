package net.coopwan.snmp.mib;

import java.util.Locale;

import net.coopwan.daemon.api.NetInterface;

/**
 * How a kernel interface is expressed in IF-MIB terms. Pure functions, so the mapping is tested
 * without an agent.
 */
public final class IfValues {

    private IfValues() {
    }

    /** IANAifType values we map to. */
    public static final int IANA_OTHER = 1;
    public static final int IANA_ETHERNET_CSMACD = 6;
    public static final int IANA_SOFTWARE_LOOPBACK = 24;
    public static final int IANA_TUNNEL = 131;

    /** ifAdminStatus / ifOperStatus values (RFC 2863). */
    public static final int UP = 1;
    public static final int DOWN = 2;
    public static final int TESTING = 3;
    public static final int UNKNOWN = 4;
    public static final int DORMANT = 5;
    public static final int NOT_PRESENT = 6;
    public static final int LOWER_LAYER_DOWN = 7;

    /** TruthValue (SNMPv2-TC). */
    public static final int TRUE = 1;
    public static final int FALSE = 2;

    /** ifLinkUpDownTrapEnable disabled(2): coopwan sends no linkUp/linkDown traps yet. */
    public static final int LINK_TRAP_DISABLED = 2;

    /** Gauge32 / Counter32 maximum, 2^32-1. */
    public static final long MAX_32 = 0xFFFF_FFFFL;

    /** Linux ARPHRD_* (include/uapi/linux/if_arp.h) to IANAifType. */
    public static int ifType(int arphrd) {
        return switch (arphrd) {
            case 1 -> IANA_ETHERNET_CSMACD; // ARPHRD_ETHER
            case 772 -> IANA_SOFTWARE_LOOPBACK; // ARPHRD_LOOPBACK
            case 65534 -> IANA_TUNNEL; // ARPHRD_NONE: TUN devices, our bonds
            default -> IANA_OTHER;
        };
    }

    public static int adminStatus(NetInterface n) {
        return n.adminUp() ? UP : DOWN;
    }

    /**
     * RFC 2863 ifOperStatus from the kernel's operstate (RFC 2863 names, lower case). "unknown" is what
     * loopback and TUN devices always report; they carry traffic when administratively up, so that is
     * up (as {@link NetInterface#operUp()} says), and down when administratively down.
     */
    public static int operStatus(NetInterface n) {
        if (n.operUp()) {
            return UP;
        }
        String s = n.operState() == null ? "" : n.operState().toLowerCase(Locale.ROOT);
        return switch (s) {
            case "down", "unknown" -> DOWN;
            case "testing" -> TESTING;
            case "dormant" -> DORMANT;
            case "notpresent" -> NOT_PRESENT;
            case "lowerlayerdown" -> LOWER_LAYER_DOWN;
            default -> UNKNOWN;
        };
    }

    /** ifSpeed in bit/s; RFC 2863: the maximum when the speed does not fit (see ifHighSpeed). */
    public static long ifSpeed(long speedMbps) {
        if (speedMbps <= 0) {
            return 0;
        }
        return speedMbps >= MAX_32 / 1_000_000 + 1 ? MAX_32 : Math.min(MAX_32, speedMbps * 1_000_000);
    }

    /** ifHighSpeed in Mbit/s. */
    public static long highSpeed(long speedMbps) {
        return Math.max(0, Math.min(MAX_32, speedMbps));
    }

    /** A Counter32 wraps at 2^32 (RFC 2578 7.1.6): the low 32 bits of the kernel's 64-bit counter. */
    public static long counter32(long value) {
        return value & MAX_32;
    }

    /** Unicast packets: the kernel counts all received packets, multicast included. */
    public static long unicast(long packets, long multicast) {
        return Math.max(0, packets - Math.max(0, multicast));
    }

    /** "aa:bb:cc:dd:ee:ff" to its octets; empty for no address or anything that is not colon-hex. */
    public static byte[] physAddress(String mac) {
        if (mac == null || mac.isBlank()) {
            return new byte[0];
        }
        String[] parts = mac.trim().split(":");
        byte[] out = new byte[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 2) {
                return new byte[0];
            }
            int v = 0;
            for (char ch : p.toCharArray()) {
                int d = Character.digit(ch, 16);
                if (d < 0) {
                    return new byte[0];
                }
                v = v * 16 + d;
            }
            out[i] = (byte) v;
        }
        return out;
    }

    /**
     * ifConnectorPresent approximated from the link type: Ethernet-type devices say true. The API does
     * not say whether a device is physical, so a veth or bridge also says true.
     */
    public static int connectorPresent(NetInterface n) {
        return n.type() == 1 ? TRUE : FALSE;
    }
}
