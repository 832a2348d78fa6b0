package net.coopwan.daemon.api;

/**
 * One kernel network interface, as /sys/class/net/NAME shows it.
 *
 * @param index     ifindex (also IF-MIB ifIndex)
 * @param name      interface name
 * @param type      ARPHRD type number from {@code type} (1 ethernet, 772 loopback, 65534 none/TUN)
 * @param mac       hardware address "aa:bb:..", empty when the device has none
 * @param mtu       MTU in bytes
 * @param adminUp   IFF_UP set in {@code flags}
 * @param operState {@code operstate}: up, down, unknown, dormant, lowerlayerdown, notpresent, testing
 * @param speedMbps {@code speed} in Mbit/s, 0 when the driver does not say
 * @param counters  statistics from {@code statistics/}
 */
public record NetInterface(int index, String name, int type, String mac, int mtu, boolean adminUp,
                           String operState, long speedMbps, InterfaceCounters counters) {

    /** Operationally up: "up", or "unknown" with the admin flag set (TUN and loopback report "unknown"). */
    public boolean operUp() {
        return "up".equals(operState) || ("unknown".equals(operState) && adminUp);
    }
}
