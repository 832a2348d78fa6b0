package net.coopwan.luci.ctl;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Readable output of {@code coopwan ctl} without {@code --json}. Works on the JSON the daemon
 * sent, so a ctl of one version still prints what a daemon of another version sends.
 */
final class HumanFormat {

    private HumanFormat() {
    }

    static String format(String command, JsonNode result) {
        return switch (command) {
            case "status" -> status(result);
            case "uplinks" -> uplinks(result);
            case "interfaces" -> interfaces(result);
            case "events" -> events(result);
            case "reload" -> result.path("message").asText() + "\n";
            case "version" -> "coopwan " + result.path("version").asText("?") + " (control API "
                    + result.path("api").asText("?") + ")\n";
            case "bonds" -> bonds(result);
            case "nearby" -> nearby(result);
            case "peers" -> peers(result);
            case "pair.start" -> "pairing code " + result.path("code").asText() + " for " + result.path("peerAddress").asText()
                    + ", valid until " + time(result.path("expiresAt").asText()) + "\n"
                    + "on " + result.path("peerAddress").asText() + " run: coopwan ctl pair enter THIS-ROUTER'S-ADDRESS "
                    + result.path("code").asText() + "\n";
            case "pair.enter" -> "paired with " + result.path("peerId").asText() + " (" + result.path("peerAddress").asText()
                    + "); the secure channel starts now\n";
            case "agreements" -> agreements(result);
            case "pending" -> pending(result);
            case "info", "info.request" -> result.has("uplinks") ? info(result)
                    : "information request " + result.path("messageId").asText() + " sent to " + result.path("peerId").asText()
                    + "\n";
            case "emergency" -> emergency(result);
            case "sharing" -> sharing(result);
            case "latency" -> latency(result);
            case "sharing.stop" -> "stopped lending to " + result.path("stopped").asText() + ": it is offered nothing and"
                    + " its use is refused until 'coopwan ctl sharing resume " + result.path("stopped").asText() + "'\n";
            case "sharing.resume" -> "resumed lending to " + result.path("resumed").asText() + "\n";
            case "emergency.end" -> "ended the emergency of " + result.path("ended").asText() + ": its traffic is no longer"
                    + " carried, and it is told\n";
            case "request" -> "offer sent to " + result.path("peerId").asText() + ": " + offered(result.path("offered"))
                    + "\nits owner sees it in 'coopwan ctl pending' and approves or rejects it\n";
            case "approve" -> "agreement with " + result.path("peerId").asText() + " as " + result.path("role").asText()
                    + ": " + enabled(result.path("enabled")) + "\n";
            case "reject" -> "rejected the offer of " + result.path("rejected").asText() + "\n";
            case "bond.show", "bond.update", "bond.member.add", "bond.member.remove" -> bond(result);
            case "bond.create" -> "created bond " + result.path("name").asText() + "\n" + bond(result);
            case "bond.destroy" -> "destroyed bond " + result.path("destroyed").asText() + "\n";
            default -> result.toPrettyString() + "\n";
        };
    }

    static String status(JsonNode s) {
        List<String[]> lines = new ArrayList<>();
        lines.add(new String[] {"hostname", s.path("hostname").asText()});
        lines.add(new String[] {"role", s.path("role").asText()});
        lines.add(new String[] {"version", s.path("version").asText()});
        lines.add(new String[] {"uptime", duration(s.path("uptimeSeconds").asLong())
                + " (since " + time(s.path("startedAt").asText()) + ")"});
        lines.add(new String[] {"config", s.path("configFile").asText()});
        lines.add(new String[] {"uplinks", s.path("uplinksUp").asInt() + "/" + s.path("uplinksTotal").asInt() + " up"});
        for (JsonNode fe : s.path("frontEnds")) {
            lines.add(new String[] {"front-end", fe.asText()});
        }
        StringBuilder sb = new StringBuilder();
        for (String[] l : lines) {
            sb.append(String.format(Locale.ROOT, "%-10s %s%n", l[0], l[1]));
        }
        return sb.toString();
    }

    /**
     * {@code peers}: a line on the beacon, the routers heard as a table, and the drop counters
     * that are not zero. With discovery off, one line saying how to turn it on.
     */
    static String nearby(JsonNode d) {
        if (!d.path("enabled").asBoolean()) {
            return "Cooperation is off (peer.enabled 0)\n";
        }
        StringBuilder sb = new StringBuilder();
        sb.append("peer link ").append(d.path("device").asText()).append(" port ").append(d.path("port").asText())
                .append(": ").append(d.path("state").asText()).append('\n');
        List<String> own = new ArrayList<>();
        d.path("offers").forEach(n -> own.add(n.asText()));
        sb.append("this router: nonce ").append(d.path("nonce").asText()).append(", offers ")
                .append(own.isEmpty() ? "none (not willing)" : String.join(",", own)).append('\n');
        sb.append("adverts sent ").append(d.path("advertsSent").asLong()).append(", received ")
                .append(d.path("advertsReceived").asLong()).append(", own ").append(d.path("ownAdverts").asLong());
        List<String> dropped = new ArrayList<>();
        d.path("drops").properties().forEach(e -> {
            if (e.getValue().asLong() > 0) {
                dropped.add(e.getKey() + " " + e.getValue().asLong());
            }
        });
        sb.append(", dropped ").append(dropped.isEmpty() ? "0" : String.join(", ", dropped));
        if (d.path("evictions").asLong() > 0) {
            sb.append(", evicted ").append(d.path("evictions").asLong());
        }
        sb.append('\n');
        JsonNode routers = d.path("routers");
        if (routers.isEmpty()) {
            return sb.append("no router heard\n").toString();
        }
        Table t = new Table("ADDRESS", "NONCE", "WILLING", "OFFERS", "UPLINK", "DOWN", "UP", "LAST-SEEN", "ADVERTS");
        for (JsonNode r : routers) {
            List<String> offers = new ArrayList<>();
            r.path("offers").forEach(n -> offers.add(n.asText()));
            t.row(r.path("address").asText(), r.path("nonce").asText(), r.path("willing").asBoolean() ? "yes" : "no",
                    offers.isEmpty() ? "-" : String.join(",", offers), r.path("uplinkType").asText(),
                    r.path("downstream").asText().replace(" ", ""), r.path("upstream").asText().replace(" ", ""),
                    time(r.path("lastSeen").asText()), r.path("adverts").asText());
        }
        return sb.append(t.render()).toString();
    }

    /**
     * {@code peers}: {@link #nearby}, the paired routers with their channel, then the pending
     * requests and the agreements when there are any.
     */
    static String peers(JsonNode d) {
        StringBuilder sb = new StringBuilder(peersAndChannel(d));
        if (!d.path("pending").isEmpty()) {
            sb.append("pending requests (coopwan ctl approve PEER ... | reject PEER):\n").append(pending(d.path("pending")));
        }
        if (!d.path("agreements").isEmpty()) {
            sb.append("agreements:\n").append(agreements(d.path("agreements")));
        }
        return sb.toString();
    }

    private static String peersAndChannel(JsonNode d) {
        String out = nearby(d);
        JsonNode c = d.path("channel");
        if (!d.path("enabled").asBoolean() || !c.path("enabled").asBoolean()) {
            return out;
        }
        StringBuilder sb = new StringBuilder(out);
        sb.append("secure channel: router id ").append(c.path("routerId").asText()).append(", ")
                .append(c.path("state").asText());
        List<String> dropped = new ArrayList<>();
        c.path("drops").properties().forEach(e -> dropped.add(e.getKey() + " " + e.getValue().asLong()));
        sb.append(", dropped ").append(dropped.isEmpty() ? "0" : String.join(", ", dropped)).append('\n');
        JsonNode peers = c.path("peers");
        if (peers.isEmpty()) {
            return sb.append("no paired router (coopwan ctl pair start ADDRESS)\n").toString();
        }
        Table t = new Table("PEER", "ADDRESS", "STATE", "TRANSPORT", "ROLE", "SESSION", "LAST-HEARD", "HANDSHAKE", "SENT", "RECEIVED");
        for (JsonNode p : peers) {
            JsonNode hs = p.path("handshakeMs");
            t.row(p.path("peerId").asText(), p.path("address").asText(), p.path("state").asText(),
                    p.path("transport").asText("-"), p.path("role").asText(),
                    p.path("sessionId").isTextual() ? p.path("sessionId").asText() : "-",
                    p.path("lastHeard").isTextual() ? time(p.path("lastHeard").asText()) : "never",
                    hs.isNumber() ? String.format(Locale.ROOT, "%.1fms", hs.asDouble()) : "-",
                    p.path("sentBytes").asLong() + "B", p.path("receivedBytes").asLong() + "B");
        }
        return sb.append(t.render()).toString();
    }

    /** {@code agreements}: one row per agreement, types sorted. */
    static String agreements(JsonNode list) {
        if (list.isEmpty()) {
            return "no agreement (coopwan ctl request PEER asks a paired router)\n";
        }
        Table t = new Table("PEER", "ROLE", "ENABLED", "APPROVED", "BY");
        for (JsonNode a : list) {
            t.row(a.path("peerId").asText(), a.path("role").asText(), enabled(a.path("enabled")),
                    time(a.path("approvedAt").asText()), a.path("approvedBy").asText());
        }
        return t.render();
    }

    /**
     * {@code info PEER}: the neighbour's uplinks with configured rates and the last minute's
     * traffic (average/peak), or its owner's refusal.
     */
    static String info(JsonNode i) {
        String head = "information from " + i.path("peerId").asText() + ", received " + time(i.path("receivedAt").asText())
                + "\n";
        if (!i.path("shared").asBoolean()) {
            return head + "not shared: " + i.path("reason").asText() + "\n";
        }
        if (i.path("uplinks").isEmpty()) {
            return head + "no uplinks configured\n";
        }
        Table t = new Table("UPLINK", "TYPE", "STATE", "DOWN", "UP", "RX AVG/PEAK", "TX AVG/PEAK", "OVER");
        for (JsonNode u : i.path("uplinks")) {
            boolean sampled = u.path("windowS").asInt() > 0;
            t.row(u.path("name").asText(), u.path("type").asText(), u.path("state").asText(),
                    kbps(u.path("downKbps").asLong()), kbps(u.path("upKbps").asLong()),
                    sampled ? bps(u.path("rxAvgBps").asLong()) + "/" + bps(u.path("rxPeakBps").asLong()) : "-",
                    sampled ? bps(u.path("txAvgBps").asLong()) + "/" + bps(u.path("txPeakBps").asLong()) : "-",
                    sampled ? u.path("windowS").asInt() + " s" : "-");
        }
        return head + t.render();
    }

    /**
     * {@code emergency}: this router's own emergency in one line ("own uplink (normal)", or
     * "carried by neighbour X since HH:MM:SS (reason), quota ..."), then one row per neighbour it
     * carries, the totals kept across restarts per neighbour and role, then the emergencies started
     * and the counters that are not zero. Times are UTC.
     */
    /**
     * {@code ctl sharing}: what this router lends and borrows, a table per role with the kernel's
     * counters (sessions now, rate now, bytes in all, down / up), then the totals of both roles.
     */
    static String sharing(JsonNode s) {
        StringBuilder sb = new StringBuilder();
        sb.append("lend ").append(s.path("lend").asBoolean() ? "on" : "off").append(", borrow ")
                .append(s.path("borrow").asBoolean() ? "on" : "off").append("; spare ")
                .append(s.path("spareDownKbps").asLong()).append(" kbit/s down, ").append(s.path("spareUpKbps").asLong())
                .append(" kbit/s up\n");
        JsonNode lending = s.path("lending");
        if (lending.isEmpty()) {
            sb.append("lending to no neighbour\n");
        } else {
            Table t = new Table("BORROWER", "OFFER DOWN", "OFFER UP", "PATH", "QUOTA", "SESSIONS", "RATE DOWN/UP",
                    "LENT DOWN/UP");
            for (JsonNode l : lending) {
                t.row(l.path("peerId").asText(), l.path("offerDownKbps").asLong() + " kbit/s",
                        l.path("offerUpKbps").asLong() + " kbit/s",
                        (l.path("stopped").asBoolean() ? "STOPPED " : "") + l.path("state").asText(),
                        l.path("quotaBytes").asLong() == 0 ? "-" : bytes(l.path("quotaBytes").asLong()),
                        Long.toString(l.path("sessions").asLong()), rates(l), downUp(l));
            }
            sb.append(t.render());
        }
        JsonNode borrowing = s.path("borrowing");
        if (borrowing.isEmpty()) {
            sb.append("borrowing from no neighbour\n");
        } else {
            Table t = new Table("SHARER", "STATE", "OFFER DOWN", "OFFER UP", "NEW SESSIONS MOVED", "SESSIONS",
                    "MOVED IN ALL", "RATE DOWN/UP", "BORROWED DOWN/UP");
            for (JsonNode b : borrowing) {
                t.row(b.path("peerId").asText(), b.path("state").asText(), b.path("offerDownKbps").asLong() + " kbit/s",
                        b.path("offerUpKbps").asLong() + " kbit/s", b.path("perMille").asInt() / 10.0 + "%",
                        Long.toString(b.path("sessions").asLong()), Long.toString(b.path("sessionsMoved").asLong()),
                        rates(b), downUp(b));
            }
            sb.append(t.render());
        }
        JsonNode t = s.path("totals");
        sb.append("in all: lent ").append(bytes(t.path("bytesLentDown").asLong())).append(" down, ")
                .append(bytes(t.path("bytesLentUp").asLong())).append(" up, ").append(t.path("sessionsLent").asLong())
                .append(" sessions now; borrowed ").append(bytes(t.path("bytesBorrowedDown").asLong())).append(" down, ")
                .append(bytes(t.path("bytesBorrowedUp").asLong())).append(" up, ")
                .append(t.path("sessionsBorrowed").asLong()).append(" sessions now, ")
                .append(t.path("sessionsMoved").asLong()).append(" moved\n");
        java.util.TreeMap<String, String> counted = new java.util.TreeMap<>();
        s.path("counters").properties().forEach(c -> counted.put(c.getKey(), c.getValue().asText()));
        if (!counted.isEmpty()) {
            sb.append("counted: ").append(counted).append('\n');
        }
        return sb.toString().stripTrailing();
    }

    /** A path's rate now, down / up. */
    private static String rates(JsonNode p) {
        return p.path("rateDownKbps").asLong() + "/" + p.path("rateUpKbps").asLong() + " kbit/s";
    }

    /** A path's bytes in all, down / up. */
    private static String downUp(JsonNode p) {
        return bytes(p.path("bytesDown").asLong()) + "/" + bytes(p.path("bytesUp").asLong());
    }

    static String emergency(JsonNode e) {
        StringBuilder sb = new StringBuilder(requester(e.path("requester"))).append('\n');
        JsonNode helping = e.path("helping");
        if (helping.isEmpty()) {
            sb.append("carrying no neighbour\n");
        } else {
            Table t = new Table("PEER", "STATE", "SINCE", "QUOTA", "USED", "CARRIED", "DROPPED", "REFUSED", "REASON");
            for (JsonNode h : helping) {
                t.row(h.path("peerId").asText(), h.path("state").asText(), clock(h.path("since").asText()),
                        quota(h.path("quotaBytes").asLong(), h.path("windowMs").asLong()), h.path("quotaUsedPercent").asInt() + "%",
                        bytes(h.path("bytesCarried").asLong()), bytes(h.path("bytesDropped").asLong()),
                        h.path("packetsRefused").asLong() + " pkts", h.path("reason").asText("").isEmpty() ? "-"
                        : h.path("reason").asText());
            }
            sb.append(t.render());
        }
        JsonNode totals = e.path("totals");
        if (!totals.isEmpty()) {
            sb.append("kept across restarts:\n");
            Table t = new Table("PEER", "ROLE", "STARTED", "OUT", "IN", "DROPPED", "REFUSED");
            for (JsonNode k : totals) {
                t.row(k.path("peerId").asText(), k.path("role").asText(), Long.toString(k.path("started").asLong()),
                        bytes(k.path("bytesOut").asLong()), bytes(k.path("bytesIn").asLong()),
                        bytes(k.path("bytesDropped").asLong()), k.path("packetsRefused").asLong() + " pkts");
            }
            sb.append(t.render());
        }
        sb.append("emergencies started ").append(e.path("started").asLong());
        String counted = nonZero(e.path("counters"));
        if (!counted.isEmpty()) {
            sb.append(", ").append(counted);
        }
        return sb.append('\n').toString();
    }

    /** The counters that are not zero, sorted by name: "NAME n, NAME n" (empty when none). */
    static String nonZero(JsonNode counters) {
        java.util.TreeMap<String, String> counted = new java.util.TreeMap<>();
        counters.properties().forEach(c -> {
            if (c.getValue().asLong() > 0) {
                counted.put(c.getKey(), c.getKey() + " " + c.getValue().asLong());
            }
        });
        return String.join(", ", counted.values());
    }

    /**
     * {@code ctl latency}: a line on classification and the connections classified per rule (the
     * kernel's counters), the ad hoc rule's and learned pairs' figures, then suppression's state,
     * the ceiling enforced and who demands it, its counters that are not zero, the common ISP, and
     * duplication with, while on, its counters.
     */
    static String latency(JsonNode s) {
        StringBuilder sb = new StringBuilder();
        JsonNode c = s.path("classification");
        if (!c.path("enabled").asBoolean()) {
            sb.append("classification off\n");
        } else {
            sb.append("classification on, DSCP rule ").append(c.path("dscpRule").asText()).append(", LC traffic ")
                    .append(c.path("lcTrafficCurrent").asBoolean() ? "current" : "not current").append("; ")
                    .append(c.path("lcPackets").asLong()).append(" LC packets, ").append(c.path("lcSessions").asInt())
                    .append(" LC sessions now\n");
            Table t = new Table("CLASSIFIED BY", "CONNECTIONS");
            c.path("connectionsByApp").properties().forEach(a -> t.row("app " + a.getKey(), Long.toString(a.getValue().asLong())));
            t.row("dscp", Long.toString(c.path("byDscp").asLong()));
            t.row("learned pair", Long.toString(c.path("byLearned").asLong()));
            t.row("ad hoc rule", Long.toString(c.path("byAdHoc").asLong()));
            sb.append(t.render());
            sb.append("ad hoc rule follows ").append(c.path("adHocFollowed").asLong()).append(" UDP connections, ignored ")
                    .append(c.path("adHocIgnored").asLong()).append(", unreadable readings ")
                    .append(c.path("adHocUnreadable").asLong()).append(", skipped lines ")
                    .append(c.path("adHocSkippedLines").asLong()).append("; learned pairs ")
                    .append(c.path("learnedPairs").asInt()).append('\n');
        }
        JsonNode p = s.path("suppression");
        if (!p.path("enabled").asBoolean()) {
            sb.append("suppression off\n");
        } else {
            String reason = p.path("reason").asText("");
            int enforced = p.path("enforcedPercent").asInt(-1);
            sb.append("suppression ").append(p.path("state").asText()).append(reason.isEmpty() ? "" : " (" + reason + ")")
                    .append(enforced < 0 ? ", nothing enforced" : ", enforcing at most " + enforced + "% dropped; "
                            + p.path("dropped").asLong() + " dropped, " + p.path("ecnMarked").asLong() + " ECN-marked since it began")
                    .append('\n');
            JsonNode demands = p.path("demands");
            if (!demands.isEmpty()) {
                Table t = new Table("DEMANDED BY", "MAX DROP");
                java.util.TreeMap<String, Integer> sorted = new java.util.TreeMap<>();
                demands.properties().forEach(d -> sorted.put(d.getKey(), d.getValue().asInt()));
                // the daemon names its own demand "" (SuppressionDemands.LOCAL)
                sorted.forEach((who, pct) -> t.row(who.isEmpty() ? "this router" : who, pct + "%"));
                sb.append(t.render());
            }
            String counted = nonZero(p.path("counters"));
            if (!counted.isEmpty()) {
                sb.append("counted: ").append(counted).append('\n');
            }
        }
        commonIsp(s.path("commonIsp"), sb);
        JsonNode d = s.path("duplication");
        sb.append("duplication ").append(d.path("on").asBoolean() ? "on" : "off");
        String why = d.path("reason").asText("");
        sb.append(why.isEmpty() ? "" : ": " + why).append('\n');
        if (d.path("on").asBoolean()) {
            duplicationCounters(d, sb);
        }
        return sb.toString();
    }

    /**
     * The duplication counters (0 while off, so printed only while on): the neighbour and its path,
     * the kernel's routed connections, then the data path's copies, deliveries and duplicates.
     */
    private static void duplicationCounters(JsonNode d, StringBuilder sb) {
        String neighbour = d.path("neighbour").asText("");
        long routed = d.path("routedConnections").asLong(-1);
        sb.append("  ").append(neighbour.isEmpty() ? "no neighbour" : "neighbour " + neighbour
                        + (d.path("neighbourPathInUse").asBoolean() ? " (its path in the bond)" : " (its path not in the bond)"))
                .append(", ").append(routed < 0 ? "unknown" : Long.toString(routed)).append(" LC connections routed, ")
                .append(d.path("lcSessions").asLong()).append(" LC sessions started\n");
        sb.append("  ").append(d.path("lcPackets").asLong()).append(" LC packets sent as ").append(d.path("copiesSent").asLong())
                .append(" copies; delivered ").append(d.path("delivered").asLong()).append(", duplicates dropped ")
                .append(d.path("duplicatesDropped").asLong()).append("; kept off the neighbour: ")
                .append(d.path("withheldFromNeighbour").asLong()).append(" ad hoc, ").append(d.path("overNeighbourCap").asLong())
                .append(" over its cap\n");
    }

    /**
     * {@code ctl latency}'s common-ISP part: a line on the detection, then per neighbour its verdict,
     * the common suffix and ratio, what the verdict gates, and both routes with when they were traced.
     */
    private static void commonIsp(JsonNode ci, StringBuilder sb) {
        if (!ci.path("enabled").asBoolean()) {
            sb.append("common ISP off\n");
            return;
        }
        String target = ci.path("target").asText("");
        sb.append("common ISP detection on, target ").append(target.isEmpty() ? "none configured" : target)
                .append(", gate ").append(ci.path("gate").asBoolean() ? "on" : "off (verdicts only shown)").append('\n');
        JsonNode ns = ci.path("neighbours");
        if (!ns.isEmpty()) {
            Table t = new Table("NEIGHBOUR", "VERDICT", "COMMON", "RATIO", "LC COPIES VIA", "SUPPRESSION REQUESTS");
            for (JsonNode n : ns) {
                t.row(n.path("peerId").asText(), n.path("verdict").asText(), Integer.toString(n.path("commonSuffix").asInt()),
                        String.format(java.util.Locale.ROOT, "%.2f", n.path("ratio").asDouble()),
                        n.path("duplicationVia").asBoolean() ? "allowed" : "no", n.path("suppressionRequests").asBoolean() ? "sent" : "no");
            }
            sb.append(t.render());
            for (JsonNode n : ns) {
                sb.append(n.path("peerId").asText()).append(": ").append(n.path("reason").asText("")).append('\n');
                sb.append("  own route ").append(n.path("ownRoute").asText("")).append(traced(n.path("ownMeasuredAt")))
                        .append("\n  its route ").append(n.path("peerRoute").asText("")).append(traced(n.path("peerMeasuredAt")))
                        .append('\n');
                JsonNode r = n.path("rttCorrelation");
                sb.append("  RTT to the target ").append(r.isNumber()
                        ? String.format(java.util.Locale.ROOT, "%s r = %.2f", n.path("rttCorrelated").asBoolean() ? "correlated" : "not correlated",
                                r.asDouble()) : "correlation not known yet")
                        .append(" (samples ").append(n.path("rttSamples").asText("")).append(")\n");
            }
        }
        String counted = nonZero(ci.path("counters"));
        if (!counted.isEmpty()) {
            sb.append("counted: ").append(counted).append('\n');
        }
    }

    private static String traced(JsonNode at) {
        return at.isNull() || at.isMissingNode() ? " (not traced yet)" : " (traced " + clock(at.asText()) + ")";
    }

    /** The requester's line of {@code emergency}. */
    private static String requester(JsonNode r) {
        String state = r.path("state").asText();
        String peer = r.path("peerId").asText("");
        String since = " since " + clock(r.path("since").asText());
        String reason = r.path("reason").asText("").isEmpty() ? "" : " (" + r.path("reason").asText() + ")";
        String traffic = ", sent " + bytes(r.path("bytesSent").asLong()) + ", received " + bytes(r.path("bytesReceived").asLong());
        String quota = r.path("quotaBytes").asLong() > 0 ? ", quota " + r.path("quotaBytes").asLong() + " B per "
                + r.path("windowMs").asLong() + " ms" : "";
        return switch (state) {
            case "NORMAL" -> "own uplink (normal)";
            case "CARRIED" -> "carried by neighbour " + peer + since + reason + quota + traffic;
            case "REQUESTING" -> "own uplink down: asking neighbour " + peer + since + reason;
            case "STARTING" -> "own uplink down: neighbour " + peer + " agreed, starting" + since + reason + quota;
            case "ENDING" -> "emergency through neighbour " + peer + " ending" + since + reason + traffic;
            default -> state + (peer.isEmpty() ? "" : " " + peer) + since + reason;
        };
    }

    /** "50000000 B/1000 ms", or "-" before a grant. */
    private static String quota(long bytes, long windowMs) {
        return bytes <= 0 ? "-" : bytes + " B/" + windowMs + " ms";
    }

    /** An ISO instant as HH:MM:SS (UTC); text that is not one is shown as sent. */
    static String clock(String iso) {
        try {
            return CLOCK.format(Instant.parse(iso));
        } catch (DateTimeParseException e) {
            return iso;
        }
    }

    private static final java.time.format.DateTimeFormatter CLOCK = java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss")
            .withZone(java.time.ZoneOffset.UTC);

    /** A configured rate: "-" when unknown (0). */
    private static String kbps(long k) {
        return k == 0 ? "-" : bps(k * 1000);
    }

    /** bit/s with a unit: 950 bit/s, 12.3 kbit/s, 100 Mbit/s, 1.5 Gbit/s. */
    static String bps(long b) {
        String[] units = {"bit/s", "kbit/s", "Mbit/s", "Gbit/s", "Tbit/s"};
        double v = b;
        int u = 0;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return (u == 0 || v >= 100 || v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v)
                : String.format(Locale.ROOT, "%.1f", v)) + " " + units[u];
    }

    /** {@code pending}: one row per neighbour's offer. */
    static String pending(JsonNode list) {
        if (list.isEmpty()) {
            return "no pending request\n";
        }
        Table t = new Table("PEER", "RECEIVED", "OFFERED");
        for (JsonNode p : list) {
            t.row(p.path("peerId").asText(), time(p.path("receivedAt").asText()), offered(p.path("offered")));
        }
        return t.render();
    }

    /** {@code emergency:bandwidth_kbps=5000,window_ms=1000 duplication:...}, sorted, as approve takes it. */
    private static String enabled(JsonNode types) {
        java.util.TreeMap<String, String> out = new java.util.TreeMap<>();
        types.properties().forEach(t -> {
            java.util.TreeMap<String, String> ps = new java.util.TreeMap<>();
            t.getValue().properties().forEach(p -> ps.put(p.getKey(), p.getKey() + "=" + p.getValue().asText()));
            out.put(t.getKey(), t.getKey() + (ps.isEmpty() ? "" : ":" + String.join(",", ps.values())));
        });
        return out.isEmpty() ? "-" : String.join(" ", out.values());
    }

    /** {@code emergency:bandwidth_kbps=1000..10000 ...}, sorted. */
    private static String offered(JsonNode types) {
        java.util.TreeMap<String, String> out = new java.util.TreeMap<>();
        types.properties().forEach(t -> {
            java.util.TreeMap<String, String> ps = new java.util.TreeMap<>();
            t.getValue().properties().forEach(p -> ps.put(p.getKey(), p.getKey() + "=" + p.getValue().path("min").asText()
                    + ".." + p.getValue().path("max").asText()));
            out.put(t.getKey(), t.getKey() + (ps.isEmpty() ? "" : ":" + String.join(",", ps.values())));
        });
        return out.isEmpty() ? "-" : String.join(" ", out.values());
    }

    static String bonds(JsonNode list) {
        Table t = new Table("NAME", "MODE", "MTU", "MEMBERS", "IFINDEX", "STATE");
        for (JsonNode b : list) {
            t.row(b.path("name").asText(), b.path("mode").asText(), b.path("mtu").asText(), members(b),
                    ifIndex(b), b.path("state").asText());
        }
        return t.render();
    }

    /** One bond, a line per field. */
    static String bond(JsonNode b) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-8s %s%n", "name", b.path("name").asText()));
        sb.append(String.format(Locale.ROOT, "%-8s %s%n", "mode", b.path("mode").asText()));
        sb.append(String.format(Locale.ROOT, "%-8s %s%n", "mtu", b.path("mtu").asText()));
        sb.append(String.format(Locale.ROOT, "%-8s %s%n", "members", members(b)));
        sb.append(String.format(Locale.ROOT, "%-8s %s%n", "ifindex", ifIndex(b)));
        sb.append(String.format(Locale.ROOT, "%-8s %s%n", "state", b.path("state").asText()));
        String problem = b.path("problem").asText("");
        if (!problem.isEmpty()) {
            sb.append(String.format(Locale.ROOT, "%-8s %s%n", "problem", problem));
        }
        String tunnel = b.path("tunnel").asText("");
        if (!tunnel.isEmpty()) {
            sb.append(String.format(Locale.ROOT, "%-8s %s%n", "far end", tunnel));
        }
        return sb.toString();
    }

    private static String members(JsonNode b) {
        List<String> m = new ArrayList<>();
        b.path("members").forEach(n -> m.add(n.asText()));
        return m.isEmpty() ? "-" : String.join(",", m);
    }

    private static String ifIndex(JsonNode b) {
        int i = b.path("ifIndex").asInt();
        return i > 0 ? Integer.toString(i) : "-";
    }

    static String uplinks(JsonNode list) {
        Table t = new Table("NAME", "DEVICE", "STATE", "RX", "TX", "TUNNEL");
        for (JsonNode u : list) {
            JsonNode c = u.path("kernel").path("counters");
            t.row(u.path("name").asText(), u.path("device").asText(), u.path("state").asText(),
                    c.isMissingNode() ? "-" : bytes(c.path("rxBytes").asLong()),
                    c.isMissingNode() ? "-" : bytes(c.path("txBytes").asLong()), tunnel(u.path("tunnel")));
        }
        return t.render();
    }

    /** A bond data path's view of an uplink: "bond0 up rtt 12.3ms loss 0.0% w 2.00", or "-". */
    private static String tunnel(JsonNode t) {
        if (t.isMissingNode() || t.isNull()) {
            return "-";
        }
        if (!t.path("up").asBoolean()) {
            return t.path("bond").asText() + " down";
        }
        return String.format(Locale.ROOT, "%s up rtt %.1fms loss %.1f%% w %.2f", t.path("bond").asText(),
                t.path("rttMicros").asLong() / 1000.0, t.path("lossPercent").asDouble(), t.path("weight").asDouble());
    }

    static String interfaces(JsonNode list) {
        Table t = new Table("INDEX", "NAME", "STATE", "MTU", "MAC", "RX", "TX");
        for (JsonNode i : list) {
            JsonNode c = i.path("counters");
            String mac = i.path("mac").asText();
            t.row(i.path("index").asText(), i.path("name").asText(),
                    i.path("operState").asText() + (i.path("adminUp").asBoolean() ? "" : " (admin down)"),
                    i.path("mtu").asText(), mac.isEmpty() ? "-" : mac,
                    bytes(c.path("rxBytes").asLong()), bytes(c.path("txBytes").asLong()));
        }
        return t.render();
    }

    /** Oldest first, as a log reads; the daemon sends newest first. */
    static String events(JsonNode list) {
        List<String> lines = new ArrayList<>();
        for (JsonNode e : list) {
            lines.add(time(e.path("time").asText()) + " " + e.path("source").asText() + ": "
                    + e.path("message").asText() + "\n");
        }
        StringBuilder sb = new StringBuilder();
        for (int i = lines.size() - 1; i >= 0; i--) {
            sb.append(lines.get(i));
        }
        return sb.toString();
    }

    /** "3d 04h 05m 06s", leading zero units left out. */
    static String duration(long seconds) {
        long d = seconds / 86400;
        long h = seconds % 86400 / 3600;
        long m = seconds % 3600 / 60;
        long s = seconds % 60;
        if (d > 0) {
            return String.format(Locale.ROOT, "%dd %02dh %02dm %02ds", d, h, m, s);
        }
        if (h > 0) {
            return String.format(Locale.ROOT, "%dh %02dm %02ds", h, m, s);
        }
        if (m > 0) {
            return String.format(Locale.ROOT, "%dm %02ds", m, s);
        }
        return s + "s";
    }

    /** IEC units, one decimal: "0 B", "1.5 KiB", "12.0 MiB". */
    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    /** An ISO instant to whole seconds; text that is not one is shown as sent. */
    static String time(String iso) {
        try {
            return Instant.parse(iso).truncatedTo(ChronoUnit.SECONDS).toString();
        } catch (DateTimeParseException e) {
            return iso;
        }
    }
}
