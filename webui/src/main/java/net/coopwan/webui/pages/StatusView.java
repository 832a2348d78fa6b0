package net.coopwan.webui.pages;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import net.coopwan.daemon.api.Event;
import net.coopwan.daemon.api.InterfaceCounters;
import net.coopwan.daemon.api.NetInterface;
import net.coopwan.daemon.api.Status;
import net.coopwan.daemon.api.UplinkStatus;

/** Builds the status page's model from ControlApi values: display strings only. */
final class StatusView {

    /** Events shown on the page; the API serves more. */
    static final int EVENTS_SHOWN = 20;

    /** One uplink row. {@code state} is UP/DOWN/MISSING/DISABLED; {@code stateClass} the CSS class for it. */
    public record UplinkRow(String name, String device, String state, String stateClass, String kernelState, String mtu,
                     String mac, String rx, String tx, String errors) {
    }

    public record EventRow(String time, String source, String message) {
    }

    private StatusView() {
    }

    static Map<String, Object> model(Status status, List<UplinkStatus> uplinks, List<Event> events) {
        Map<String, Object> m = new HashMap<>();
        m.put("hostname", status.hostname());
        m.put("role", status.role());
        m.put("version", status.version());
        m.put("uptime", Formats.duration(status.uptimeSeconds()));
        m.put("startedAt", Formats.time(status.startedAt()));
        m.put("configFile", status.configFile());
        m.put("uplinksUp", status.uplinksUp());
        m.put("uplinksTotal", status.uplinksTotal());
        m.put("frontEnds", status.frontEnds());
        List<UplinkRow> rows = new ArrayList<>();
        for (UplinkStatus u : uplinks) {
            rows.add(row(u));
        }
        m.put("uplinks", rows);
        List<EventRow> ev = new ArrayList<>();
        for (Event e : events) {
            ev.add(new EventRow(Formats.time(e.time()), e.source(), e.message()));
        }
        m.put("events", ev);
        return m;
    }

    private static UplinkRow row(UplinkStatus u) {
        String state = u.state().name();
        String css = "state-" + state.toLowerCase(java.util.Locale.ROOT);
        NetInterface k = u.kernel();
        if (k == null) {
            return new UplinkRow(u.name(), u.device(), state, css, "no such device", "", "", "", "", "");
        }
        InterfaceCounters c = k.counters();
        return new UplinkRow(u.name(), u.device(), state, css,
                k.operState() + (k.adminUp() ? ", admin up" : ", admin down"),
                Integer.toString(k.mtu()), k.mac().isEmpty() ? "none" : k.mac(),
                Formats.bytes(c.rxBytes()) + " / " + c.rxPackets() + " pkts",
                Formats.bytes(c.txBytes()) + " / " + c.txPackets() + " pkts",
                "rx " + c.rxErrors() + " err " + c.rxDropped() + " drop, tx " + c.txErrors() + " err " + c.txDropped() + " drop");
    }
}
