package net.coopwan.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import net.coopwan.config.uci.UciOption;

/**
 * Reads {@code config latency} and {@code config latency_app} into a {@link Latency} for {@link
 * ConfigLoader} (its own class: the loader's mapper is long enough). Every bad value is a {@link
 * ConfigException} naming file, line, option and reason.
 */
final class LatencyReader {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_]{1,32}");
    private static final Pattern PORT = Pattern.compile("[1-9][0-9]{0,4}");

    private LatencyReader() {
    }

    /** The section (null: absent) with the application types read so far (none: the seed's example). */
    static Latency latency(SectionReader r, List<Latency.App> apps) throws ConfigException {
        Latency d = Latency.defaults();
        List<Latency.App> all = apps.isEmpty() ? d.apps() : apps;
        if (r == null) {
            return new Latency(d.enabled(), all, d.dscpRule(), d.currentMs(), d.adHoc(), d.learn(), d.learnLifetimeS());
        }
        List<String> rules = Arrays.stream(Latency.DscpRule.values()).map(Latency.DscpRule::uciName).toList();
        Latency.DscpRule rule = Latency.DscpRule.values()[rules.indexOf(r.oneOf("dscp_rule", rules, d.dscpRule().uciName()))];
        Latency.AdHoc a = d.adHoc();
        Latency.AdHoc adHoc = new Latency.AdHoc(r.bool("adhoc", a.enabled()),
                (int) r.number("adhoc_max_packet_bytes", 64, 1500, a.maxPacketBytes()),
                Integer.parseInt(r.oneOf("adhoc_max_gap_ms", List.of("100", "200"), String.valueOf(a.maxGapMs()))),
                Integer.parseInt(r.oneOf("adhoc_max_kbps", List.of("100", "200"), String.valueOf(a.maxKbps()))),
                (int) r.number("adhoc_confirm_s", 1, 60, a.confirmS()),
                (int) r.number("adhoc_timeout_ms", Latency.MIN_TIMEOUT_MS, Latency.MAX_TIMEOUT_MS, a.timeoutMs()));
        Latency.CommonIsp ci = d.commonIsp();
        String target = r.raw("isp_target").orElse(ci.target());
        if (!target.isEmpty() && !SectionReader.isIpv4(target)) {
            throw r.error("isp_target", "must be an IPv4 address such as 198.18.0.1 (both neighbours trace towards it), got '"
                    + target + "'");
        }
        Latency.CommonIsp commonIsp = new Latency.CommonIsp(r.bool("gate_on_isp", ci.gate()), target,
                (int) r.number("isp_refresh_s", Latency.CommonIsp.MIN_REFRESH_S, Latency.CommonIsp.MAX_REFRESH_S, ci.refreshS()));
        Latency.Duplication dd = d.duplication();
        Latency.Duplication dup = new Latency.Duplication(
                (int) r.number("dup_own_copies", 1, Latency.Duplication.MAX_COPIES, dd.ownCopies()),
                (int) r.number("dup_neighbour_copies", 0, Latency.Duplication.MAX_COPIES, dd.neighbourCopies()),
                (int) r.number("dup_tau_ms", 0, 1000, dd.tauMs()),
                r.bool("dup_raic5", dd.raic5()));
        return new Latency(r.bool("enabled", d.enabled()), all, rule,
                (int) r.number("current_ms", Latency.MIN_TIMEOUT_MS, Latency.MAX_TIMEOUT_MS, d.currentMs()), adHoc,
                r.bool("learn", d.learn()),
                r.number("learn_lifetime_s", Latency.MIN_LEARN_S, Latency.MAX_LEARN_S, d.learnLifetimeS()), dup, commonIsp);
    }

    /** One {@code config latency_app 'NAME'}. */
    static Latency.App app(SectionReader r) throws ConfigException {
        if (r.section().anonymous() || !NAME.matcher(r.section().ref()).matches()) {
            throw r.sectionError("a latency_app section needs a name of 1-32 characters A-Z a-z 0-9 _: "
                    + "config latency_app 'NAME'");
        }
        Latency.App d = Latency.App.leagueOfLegends();
        Latency.Protocol protocol = Latency.Protocol.valueOf(
                r.oneOf("protocol", List.of("udp", "tcp"), "udp").toUpperCase(Locale.ROOT));
        List<Latency.PortRange> ports = new ArrayList<>();
        for (UciOption o : r.section().listStatements("port")) {
            Latency.PortRange p = portRange(r, o);
            for (Latency.PortRange q : ports) {
                if (p.from() <= q.to() && q.from() <= p.to()) {
                    throw r.error(o, "range " + p + " overlaps " + q);
                }
            }
            ports.add(p);
        }
        if (ports.size() > 16) {
            throw r.error("port", "at most 16 port ranges, got " + ports.size());
        }
        List<String> destinations = new ArrayList<>();
        for (UciOption o : r.section().listStatements("destination")) {
            String v = o.value();
            if (!isNetwork(v)) {
                throw r.error(o, "must be an IPv4 network such as 198.18.0.0/15 (host bits zero) or an address, got '"
                        + v + "'");
            }
            String cidr = v.indexOf('/') < 0 ? v + "/32" : v;
            if (destinations.contains(cidr)) {
                throw r.error(o, "destination '" + v + "' is listed twice");
            }
            for (String other : destinations) {
                // the kernel's interval set refuses overlapping elements
                if (overlap(cidr, other)) {
                    throw r.error(o, "destination '" + v + "' overlaps '" + other + "'; list the larger network only");
                }
            }
            destinations.add(cidr);
        }
        if (destinations.size() > 64) {
            throw r.error("destination", "at most 64 destinations, got " + destinations.size());
        }
        if (ports.isEmpty() && destinations.isEmpty()) {
            throw r.sectionError("a latency_app needs 'list port' or 'list destination' (or both); "
                    + "without either it would make every session latency-critical");
        }
        return new Latency.App(r.section().ref(), r.bool("enabled", true), protocol, ports, destinations,
                (int) r.number("idle_timeout_ms", Latency.MIN_TIMEOUT_MS, Latency.MAX_TIMEOUT_MS, d.idleTimeoutMs()),
                (int) r.number("interval_ms", 1, 1000, d.expectedIntervalMs()));
    }

    private static Latency.PortRange portRange(SectionReader r, UciOption o) throws ConfigException {
        String v = o.value();
        int dash = v.indexOf('-');
        String from = dash < 0 ? v : v.substring(0, dash);
        String to = dash < 0 ? v : v.substring(dash + 1);
        if (PORT.matcher(from).matches() && PORT.matcher(to).matches()) {
            int f = Integer.parseInt(from);
            int t = Integer.parseInt(to);
            if (f <= 65535 && t <= 65535 && f <= t) {
                return new Latency.PortRange(f, t);
            }
        }
        throw r.error(o, "must be a port or a range FROM-TO of ports 1-65535 with FROM <= TO, such as 5000-5500, got '"
                + v + "'");
    }

    /** Whether two networks (CIDR) share an address: one contains the other. */
    static boolean overlap(String a, String b) {
        int la = Integer.parseInt(a.substring(a.indexOf('/') + 1));
        int lb = Integer.parseInt(b.substring(b.indexOf('/') + 1));
        int n = Math.min(la, lb);
        int mask = n == 0 ? 0 : -1 << (32 - n);
        return (Ipv4Prefix.bits(a.substring(0, a.indexOf('/'))) & mask) == (Ipv4Prefix.bits(b.substring(0, b.indexOf('/'))) & mask);
    }

    /** ADDRESS or ADDRESS/LEN (0-32) with no host bits set. */
    static boolean isNetwork(String v) {
        int slash = v.indexOf('/');
        String addr = slash < 0 ? v : v.substring(0, slash);
        if (!SectionReader.isIpv4(addr)) {
            return false;
        }
        if (slash < 0) {
            return true;
        }
        String len = v.substring(slash + 1);
        if (!len.matches("[0-9]|[12][0-9]|3[0-2]")) {
            return false;
        }
        int n = Integer.parseInt(len);
        int mask = n == 0 ? 0 : -1 << (32 - n);
        return (Ipv4Prefix.bits(addr) & ~mask) == 0;
    }
}
