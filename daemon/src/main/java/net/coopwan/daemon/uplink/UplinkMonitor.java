package net.coopwan.daemon.uplink;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import net.coopwan.daemon.api.UplinkStatus;
import net.coopwan.daemon.store.EventLog;

/**
 * Compares each poll of the uplinks with the previous one and records one event per change,
 * e.g. {@code uplink wan: eth1 up -> down}. Polling /sys once a second costs a few syscalls; a
 * netlink listener can replace it when the data plane needs faster reaction.
 */
public final class UplinkMonitor {

    private final EventLog events;
    private final Map<String, UplinkStatus.State> last = new HashMap<>();

    public UplinkMonitor(EventLog events) {
        this.events = events;
    }

    /** Feeds one poll; returns how many state changes it recorded. */
    public synchronized int observe(List<UplinkStatus> now) {
        int changes = 0;
        Map<String, UplinkStatus.State> seen = new HashMap<>();
        for (UplinkStatus u : now) {
            seen.put(u.name(), u.state());
            UplinkStatus.State before = last.get(u.name());
            if (before != u.state()) {
                String from = before == null ? "" : before.name().toLowerCase() + " -> ";
                events.record("uplink " + u.name(), u.device() + " " + from + u.state().name().toLowerCase()
                        + reason(u));
                changes++;
            }
        }
        last.clear();
        last.putAll(seen);
        return changes;
    }

    private static String reason(UplinkStatus u) {
        return switch (u.state()) {
            case MISSING -> " (no such device)";
            case DISABLED -> " (disabled in config)";
            case DOWN -> u.kernel() == null ? "" : " (operstate " + u.kernel().operState()
                    + (u.kernel().adminUp() ? "" : ", admin down") + ")";
            case UP -> "";
        };
    }
}
