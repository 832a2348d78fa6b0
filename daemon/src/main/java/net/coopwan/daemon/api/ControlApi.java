package net.coopwan.daemon.api;

import java.util.List;

import net.coopwan.config.CoopwanConfig;

/**
 * What every management front-end may ask of or tell the daemon. Implementations are thread-safe:
 * Jetty, the SNMP agent and the control socket call it from their own threads.
 */
public interface ControlApi {

    /** Overall state of this router. */
    Status status();

    /** The configured uplinks with the kernel state of their devices, in config order. */
    List<UplinkStatus> uplinks();

    /** Every kernel network interface as read now from /sys/class/net, ordered by ifindex. */
    List<NetInterface> interfaces();

    /** The newest {@code limit} events, newest first. {@code limit} must be 1-1000. */
    List<Event> events(int limit);

    /** The configuration in force now. */
    CoopwanConfig config();

    /**
     * Re-reads the configuration file. A bad file keeps the configuration in force and is
     * reported in the result, never thrown.
     */
    ReloadResult reload();
}
