package net.coopwan.daemon.api;

/** Counters of one interface from /sys/class/net/NAME/statistics. */
public record InterfaceCounters(long rxBytes, long rxPackets, long rxErrors, long rxDropped, long rxMulticast,
                                long txBytes, long txPackets, long txErrors, long txDropped) {

    public static final InterfaceCounters ZERO = new InterfaceCounters(0, 0, 0, 0, 0, 0, 0, 0, 0);
}
