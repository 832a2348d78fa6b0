package net.coopwan.webui.pages;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import net.coopwan.daemon.api.BondStatus;
import net.coopwan.daemon.api.DiscoveryStatus;
import net.coopwan.daemon.api.NearbyRouter;
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
                     String mac, String rx, String tx, String errors, String tunnel) {
    }

    /** One bond row; {@code stateClass} the CSS class of its state. */
    public record BondRow(String name, String mode, String mtu, String members, String ifIndex, String state,
                          String stateClass, String problem, String tunnel) {
    }

    /** The modes the create form offers, in the daemon's UCI spelling; the daemon checks what is sent. */
    static final List<String> BOND_MODES = List.of("adaptive", "wrr", "active-backup");

    public record EventRow(String time, String source, String message) {
    }

    /** One router heard on the peer link. */
    public record NearbyRow(String address, String nonce, String willing, String offers, String uplinkType,
                            String downstream, String upstream, String firstSeen, String lastSeen, String adverts) {
    }

    /** One offered parameter of a pending request: its form field is {@code TYPE.PARAM}. */
    public record ParamRow(String name, String field, String min, String max) {
    }

    /** One offered type of a pending request, with a checkbox to approve it. */
    public record OfferedRow(String type, List<ParamRow> params) {
    }

    /** A neighbour's offer waiting for the owner. */
    public record PendingRow(String peerId, String peerName, String received, List<OfferedRow> types) {
    }

    /** One persisted agreement. */
    public record AgreementRow(String peerId, String role, String enabled, String approved, String by) {
    }

    /** One neighbour whose traffic this router carries in an emergency. */
    public record HelpingRow(String peerId, String state, String stateClass, String since, String quota, String quotaUsed,
                             String carried, String dropped, String refused, String reason) {
    }

    /**
     * One row of the "Bandwidth sharing" section: a neighbour this router lends to or borrows from.
     *
     * @param stoppable "stop" or "resume" for a borrower (its button), "" for a sharer
     */
    public record SharingRow(String peerId, String role, String state, String offer, String detail, String sessions,
                             String rate, String bytes, String stoppable) {
    }

    /** One classification rule and the connections it classified (the "Latency-critical traffic" section). */
    public record LcRuleRow(String rule, String connections) {
    }

    /** One neighbour's common-ISP verdict and what it gates. */
    public record IspRow(String peerId, String verdict, String verdictClass, String suffix, String ratio,
                         String duplicationVia, String suppressionRequests, String reason) {
    }

    private StatusView() {
    }

    /**
     * The "Bandwidth sharing" section: {@code sharingSummary} (lend and borrow on or off, this
     * router's idle capacity) and {@code sharing}, a row per neighbour lent to or borrowed from.
     */
    static Map<String, Object> sharing(net.coopwan.daemon.api.SharingStatus s) {
        Map<String, Object> m = new HashMap<>();
        m.put("sharingSummary", "Lend " + (s.lend() ? "on" : "off") + ", borrow " + (s.borrow() ? "on" : "off")
                + "; idle capacity " + s.spareDownKbps() + " kbit/s down, " + s.spareUpKbps() + " kbit/s up");
        net.coopwan.daemon.api.SharingStatus.Totals t = s.totals();
        m.put("sharingTotals", "Lent " + Formats.bytes(t.bytesLentDown()) + " down, " + Formats.bytes(t.bytesLentUp())
                + " up (" + t.sessionsLent() + " sessions now); borrowed " + Formats.bytes(t.bytesBorrowedDown()) + " down, "
                + Formats.bytes(t.bytesBorrowedUp()) + " up (" + t.sessionsBorrowed() + " sessions now, "
                + t.sessionsMoved() + " moved in all)");
        List<SharingRow> rows = new ArrayList<>();
        for (net.coopwan.daemon.api.SharingStatus.Lending l : s.lending()) {
            rows.add(new SharingRow(l.peerId(), "lending to", l.stopped() ? "STOPPED (" + l.state() + ")" : l.state(),
                    l.offerDownKbps() + " / " + l.offerUpKbps() + " kbit/s",
                    l.quotaBytes() > 0 ? "quota " + Formats.bytes(l.quotaBytes()) + " per window" : "-",
                    Long.toString(l.sessions()), l.rateDownKbps() + " / " + l.rateUpKbps() + " kbit/s",
                    Formats.bytes(l.bytesDown()) + " / " + Formats.bytes(l.bytesUp()), l.stopped() ? "resume" : "stop"));
        }
        for (net.coopwan.daemon.api.SharingStatus.Borrowing b : s.borrowing()) {
            rows.add(new SharingRow(b.peerId(), "borrowing from", b.state(), b.offerDownKbps() + " / " + b.offerUpKbps()
                    + " kbit/s", (b.perMille() / 10.0) + " % of new sessions moved",
                    b.sessions() + " (" + b.sessionsMoved() + " moved in all)", b.rateDownKbps() + " / " + b.rateUpKbps()
                    + " kbit/s", Formats.bytes(b.bytesDown()) + " / " + Formats.bytes(b.bytesUp()), ""));
        }
        m.put("sharing", rows);
        return m;
    }

    /**
     * The "Latency-critical traffic" section (issue 17, docs/management.md "Latency"):
     * {@code lcClassification} (on/off, DSCP rule, LC traffic current, LC packets and sessions now),
     * {@code lcRules} (connections per rule), {@code lcDuplication} (on/off and why, neighbour),
     * {@code lcCopies} (the data path's copy counters), {@code lcSuppression} (state, reason,
     * ceiling), {@code lcDemands}, {@code lcCounters} (counted messages not acted on, by reason),
     * {@code lcIsp} (detection on/off, gate, target) and {@code lcIspRows} (one per neighbour).
     * Display strings only; the template escapes them (peer ids and routes come from the network).
     */
    static Map<String, Object> latency(net.coopwan.daemon.api.LatencyStatus l) {
        Map<String, Object> m = new HashMap<>();
        net.coopwan.daemon.api.LatencyStatus.Classification c = l.classification();
        m.put("lcClassification", !c.enabled() ? "Classification off"
                : "Classification on, DSCP rule " + c.dscpRule() + ", LC traffic "
                        + (c.lcTrafficCurrent() ? "current" : "not current") + "; " + c.lcPackets() + " LC packets, "
                        + c.lcSessions() + " LC sessions now");
        List<LcRuleRow> rules = new ArrayList<>();
        new java.util.TreeMap<>(c.connectionsByApp()).forEach((app, n) -> rules.add(new LcRuleRow("app " + app, Long.toString(n))));
        rules.add(new LcRuleRow("dscp", Long.toString(c.byDscp())));
        rules.add(new LcRuleRow("learned pair", Long.toString(c.byLearned())));
        rules.add(new LcRuleRow("ad hoc rule", Long.toString(c.byAdHoc())));
        m.put("lcRules", c.enabled() ? rules : List.of());
        m.put("lcAdHoc", c.enabled() ? "Ad hoc rule follows " + c.adHocFollowed() + " UDP connections, ignored "
                + c.adHocIgnored() + "; learned pairs " + c.learnedPairs() : "");
        net.coopwan.daemon.api.LatencyStatus.Duplication d = l.duplication();
        m.put("lcDuplicationOn", d.on());
        m.put("lcDuplication", "Duplication " + (d.on() ? "on" : "off") + ": " + d.reason()
                + (d.neighbour().isEmpty() ? "" : "; neighbour " + d.neighbour()
                        + (d.neighbourPathInUse() ? " (its path in the bond)" : " (its path not in the bond)")));
        m.put("lcCopies", "LC packets sent as copies " + d.lcPackets() + ", copies sent " + d.copiesSent()
                + ", delivered " + d.delivered() + ", duplicates dropped " + d.duplicatesDropped()
                + ", kept off the neighbour: ad hoc " + d.withheldFromNeighbour() + ", over its cap " + d.overNeighbourCap()
                + "; LC sessions started " + d.lcSessions() + ", routed connections "
                + (d.routedConnections() < 0 ? "unknown" : Long.toString(d.routedConnections())));
        net.coopwan.daemon.api.LatencyStatus.Suppression s = l.suppression();
        m.put("lcSuppressionActive", "ENFORCING".equals(s.state()));
        m.put("lcSuppression", "Suppression " + s.state() + (s.reason().isEmpty() ? "" : " (" + s.reason() + ")")
                + (s.enforcedPercent() < 0 ? ", nothing enforced" : ", enforcing at most " + s.enforcedPercent() + " % dropped")
                + "; since enforcement began " + s.dropped() + " packets dropped, " + s.ecnMarked() + " ECN-marked");
        List<String> demands = new ArrayList<>();
        new java.util.TreeMap<>(s.demands()).forEach((who, pct) -> demands.add((who.isEmpty() ? "this router" : who)
                + " " + pct + " %"));
        m.put("lcDemands", demands.isEmpty() ? "" : "Demanded by " + String.join(", ", demands));
        m.put("lcCounters", counted(s.counters(), l.commonIsp().counters()));
        net.coopwan.daemon.api.LatencyStatus.CommonIsp isp = l.commonIsp();
        m.put("lcIsp", !isp.enabled() ? "Common-ISP detection off" : "Common-ISP detection on"
                + (isp.target().isEmpty() ? ", no target" : ", target " + isp.target()) + ", gate " + (isp.gate() ? "on" : "off"));
        List<IspRow> rows = new ArrayList<>();
        for (net.coopwan.daemon.api.LatencyStatus.IspNeighbour n : isp.neighbours()) {
            rows.add(new IspRow(n.peerId(), n.verdict(), "state-" + switch (n.verdict()) {
                case "DIFFERENT" -> "up";
                case "SAME" -> "down";
                default -> "disabled";
            }, Integer.toString(n.commonSuffix()), String.format(java.util.Locale.ROOT, "%.2f", n.ratio()),
                    n.duplicationVia() ? "yes" : "no", n.suppressionRequests() ? "yes" : "no",
                    n.reason() == null || n.reason().isEmpty() ? "-" : n.reason()));
        }
        m.put("lcIspRows", rows);
        return m;
    }

    /** "counted: NAME n, ..." of the counters that are not zero, in name order; "" when none. */
    private static String counted(Map<String, Long> a, Map<String, Long> b) {
        java.util.TreeMap<String, Long> all = new java.util.TreeMap<>(a);
        b.forEach((k, v) -> all.merge(k, v, Long::sum));
        List<String> parts = new ArrayList<>();
        all.forEach((k, v) -> {
            if (v != 0) {
                parts.add(k + " " + v);
            }
        });
        return parts.isEmpty() ? "" : "Counted: " + String.join(", ", parts);
    }

    /**
     * The "Emergency connection" section: {@code emergencyOwn}, this router's own emergency in
     * words ("Carried by neighbour PEER since TIME (reason)" when CARRIED, else "Own uplink"),
     * {@code emergencyOwnDetail} (the passing state of an emergency not carried yet or ending, else
     * empty), {@code emergencyCarried} (whether a neighbour carries it) and {@code helping}, the
     * neighbours this router carries.
     */
    static Map<String, Object> emergency(net.coopwan.daemon.api.EmergencyStatus e) {
        Map<String, Object> m = new HashMap<>();
        net.coopwan.daemon.api.EmergencyStatus.Requester r = e.requester();
        boolean carried = "CARRIED".equals(r.state());
        String reason = r.reason().isEmpty() ? "" : " (" + r.reason() + ")";
        m.put("emergencyCarried", carried);
        m.put("emergencyOwn", carried ? "Carried by neighbour " + r.peerId() + " since " + Formats.time(r.since()) + reason
                : "Own uplink");
        String detail = "";
        if (carried) {
            detail = (r.quotaBytes() > 0 ? "quota " + Formats.bytes(r.quotaBytes()) + " / " + window(r.windowMs()) + ", " : "")
                    + "sent " + Formats.bytes(r.bytesSent()) + ", received " + Formats.bytes(r.bytesReceived());
        } else if (!"NORMAL".equals(r.state())) {
            detail = switch (r.state()) {
                case "REQUESTING" -> "uplink down: asking neighbour " + r.peerId();
                case "STARTING" -> "uplink down: neighbour " + r.peerId() + " agreed, starting";
                case "ENDING" -> "emergency through neighbour " + r.peerId() + " ending";
                default -> r.state() + " " + r.peerId();
            } + " since " + Formats.time(r.since()) + reason;
        }
        m.put("emergencyOwnDetail", detail);
        List<HelpingRow> rows = new ArrayList<>();
        for (net.coopwan.daemon.api.EmergencyStatus.Helping h : e.helping()) {
            rows.add(new HelpingRow(h.peerId(), h.state(), "state-" + switch (h.state()) {
                case "HELPING" -> "up";
                case "ENDING" -> "down";
                default -> "disabled";
            }, Formats.time(h.since()),
                    h.quotaBytes() > 0 ? Formats.bytes(h.quotaBytes()) + " / " + window(h.windowMs()) : "-",
                    h.quotaUsedPercent() + " %", Formats.bytes(h.bytesCarried()), Formats.bytes(h.bytesDropped()),
                    Long.toString(h.packetsRefused()), h.reason().isEmpty() ? "-" : h.reason()));
        }
        m.put("helping", rows);
        return m;
    }

    /** The "Cooperation" section: {@code pending} requests with approve/reject forms, {@code agreements}. */
    static Map<String, Object> cooperation(List<net.coopwan.daemon.api.PendingApproval> pending,
            List<net.coopwan.daemon.api.AgreementStatus> agreements) {
        Map<String, Object> m = new HashMap<>();
        List<PendingRow> rows = new ArrayList<>();
        for (net.coopwan.daemon.api.PendingApproval p : pending) {
            List<OfferedRow> types = new ArrayList<>();
            new java.util.TreeMap<>(p.offered()).forEach((type, params) -> {
                List<ParamRow> ps = new ArrayList<>();
                new java.util.TreeMap<>(params).forEach((name, span) -> ps.add(new ParamRow(name, type + "." + name,
                        Long.toString(span.min()), Long.toString(span.max()))));
                types.add(new OfferedRow(type, ps));
            });
            rows.add(new PendingRow(p.peerId(), p.peerName(), Formats.time(p.receivedAt()), types));
        }
        m.put("pending", rows);
        List<AgreementRow> ag = new ArrayList<>();
        for (net.coopwan.daemon.api.AgreementStatus a : agreements) {
            List<String> parts = new ArrayList<>();
            new java.util.TreeMap<>(a.enabled()).forEach((type, values) -> {
                List<String> vs = new ArrayList<>();
                new java.util.TreeMap<>(values).forEach((k, v) -> vs.add(k + "=" + v));
                parts.add(type + (vs.isEmpty() ? "" : " " + String.join(", ", vs)));
            });
            ag.add(new AgreementRow(a.peerId(), a.role(), String.join("; ", parts), Formats.time(a.approvedAt()), a.approvedBy()));
        }
        m.put("agreements", ag);
        return m;
    }

    /** A quota's window: "1 s", "250 ms". */
    static String window(long ms) {
        return ms > 0 && ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }

    static Map<String, Object> model(Status status, List<UplinkStatus> uplinks, List<Event> events, List<BondStatus> bonds) {
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
        List<BondRow> br = new ArrayList<>();
        for (BondStatus b : bonds) {
            String state = b.state().name();
            br.add(new BondRow(b.name(), b.mode(), Integer.toString(b.mtu()),
                    b.members().isEmpty() ? "none" : String.join(", ", b.members()),
                    b.ifIndex() > 0 ? Integer.toString(b.ifIndex()) : "-", state,
                    "state-" + (b.state() == BondStatus.State.ACTIVE ? "up" : b.state() == BondStatus.State.FAILED ? "down" : "disabled"),
                    b.problem(), b.tunnel() == null || b.tunnel().isEmpty() ? "-" : b.tunnel()));
        }
        m.put("bonds", br);
        m.put("bondModes", BOND_MODES);
        m.put("uplinkNames", uplinks.stream().map(UplinkStatus::name).toList());
        return m;
    }

    /**
     * The "Nearby routers" section: {@code peerEnabled}, {@code peerState} (the beacon in words),
     * {@code peerCounters} (sent, received, dropped by reason when any) and {@code nearby} rows.
     */
    static Map<String, Object> nearby(DiscoveryStatus d) {
        Map<String, Object> m = new HashMap<>();
        m.put("peerEnabled", d.enabled());
        m.put("peerState", d.device() + " port " + d.port() + ": " + d.state());
        StringBuilder c = new StringBuilder("adverts sent " + d.advertsSent() + ", received " + d.advertsReceived()
                + ", dropped " + d.dropsTotal());
        List<String> reasons = new ArrayList<>();
        d.drops().forEach((r, n) -> {
            if (n > 0) {
                reasons.add(r + " " + n);
            }
        });
        if (!reasons.isEmpty()) {
            c.append(" (").append(String.join(", ", reasons)).append(')');
        }
        if (d.evictions() > 0) {
            c.append(", evicted ").append(d.evictions());
        }
        m.put("peerCounters", c.toString());
        m.put("peerSelf", "This router: nonce " + d.nonce() + ", offers "
                + (d.offers().isEmpty() ? "none (not willing)" : String.join(", ", d.offers())));
        List<NearbyRow> rows = new ArrayList<>();
        for (NearbyRouter r : d.routers()) {
            rows.add(new NearbyRow(r.address(), r.nonce(), r.willing() ? "yes" : "no",
                    r.offers().isEmpty() ? "none" : String.join(", ", r.offers()), r.uplinkType(), r.downstream(),
                    r.upstream(), Formats.time(r.firstSeen()), Formats.time(r.lastSeen()), Long.toString(r.adverts())));
        }
        m.put("nearby", rows);
        return m;
    }

    private static UplinkRow row(UplinkStatus u) {
        String state = u.state().name();
        String css = "state-" + state.toLowerCase(java.util.Locale.ROOT);
        NetInterface k = u.kernel();
        if (k == null) {
            return new UplinkRow(u.name(), u.device(), state, css, "no such device", "", "", "", "", "", tunnel(u));
        }
        InterfaceCounters c = k.counters();
        return new UplinkRow(u.name(), u.device(), state, css,
                k.operState() + (k.adminUp() ? ", admin up" : ", admin down"),
                Integer.toString(k.mtu()), k.mac().isEmpty() ? "none" : k.mac(),
                Formats.bytes(c.rxBytes()) + " / " + c.rxPackets() + " pkts",
                Formats.bytes(c.txBytes()) + " / " + c.txPackets() + " pkts",
                "rx " + c.rxErrors() + " err " + c.rxDropped() + " drop, tx " + c.txErrors() + " err " + c.txDropped() + " drop",
                tunnel(u));
    }

    /** What the bond data path measures on the uplink, in words; "-" when no tunnel uses it. */
    static String tunnel(UplinkStatus u) {
        var t = u.tunnel();
        if (t == null) {
            return "-";
        }
        if (!t.up()) {
            return t.bond() + ": down";
        }
        return String.format(java.util.Locale.ROOT, "%s: rtt %.1f ms, jitter %.1f ms, loss %.1f %%, weight %.2f",
                t.bond(), t.rttMicros() / 1000.0, t.jitterMicros() / 1000.0, t.lossPercent(), t.weight());
    }
}
