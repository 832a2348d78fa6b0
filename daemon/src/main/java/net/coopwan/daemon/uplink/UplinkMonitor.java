package net.coopwan.daemon.uplink;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import net.coopwan.daemon.api.StateChange;
import net.coopwan.daemon.api.UplinkStateChanged;
import net.coopwan.daemon.api.UplinkStatus;
import net.coopwan.daemon.store.EventLog;

/**
 * Compares each poll of the uplinks with the previous one and records one event per change,
 * e.g. {@code uplink wan: eth1 up -> down}. Polling /sys once a second costs a few syscalls; a
 * netlink listener can replace it when the data plane needs faster reaction.
 *
 * <p>Each change after the first poll is also published as an {@link UplinkStateChanged}, after
 * this monitor's lock is released, so a slow or re-entrant listener cannot stall the next poll's
 * bookkeeping.
 */
public final class UplinkMonitor {

    private final EventLog events;
    private final Consumer<? super StateChange> publisher;
    private final Clock clock;
    private final Map<String, UplinkStatus.State> last = new HashMap<>();

    /** Records events only. */
    public UplinkMonitor(EventLog events) {
        this(events, change -> { }, Clock.systemUTC());
    }

    /** Records events and hands each change after the first poll to {@code publisher}. */
    public UplinkMonitor(EventLog events, Consumer<? super StateChange> publisher, Clock clock) {
        this.events = events;
        this.publisher = publisher;
        this.clock = clock;
    }

    /** Feeds one poll; returns how many state changes it recorded. */
    public int observe(List<UplinkStatus> now) {
        List<UplinkStateChanged> published = new ArrayList<>();
        int changes = record(now, published);
        for (UplinkStateChanged c : published) {
            publisher.accept(c);
        }
        return changes;
    }

    private synchronized int record(List<UplinkStatus> now, List<UplinkStateChanged> published) {
        int changes = 0;
        Map<String, UplinkStatus.State> seen = new HashMap<>();
        for (UplinkStatus u : now) {
            seen.put(u.name(), u.state());
            UplinkStatus.State before = last.get(u.name());
            if (before != u.state()) {
                String from = before == null ? "" : before.name().toLowerCase() + " -> ";
                events.record("uplink " + u.name(), u.device() + " " + from + u.state().name().toLowerCase()
                        + reason(u));
                if (before != null) {
                    published.add(new UplinkStateChanged(u.name(), u.device(), before, u.state(), clock.instant()));
                }
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
