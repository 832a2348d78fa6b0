package net.coopwan.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import net.coopwan.config.uci.UciDocument;
import net.coopwan.config.uci.UciOption;
import net.coopwan.config.uci.UciSection;

/**
 * Reads and validates the UCI configuration {@code /etc/config/coopwan} into a {@link CoopwanConfig}.
 *
 * <p>Section types and options, with the value used when an option is missing or {@code ''}:
 * <pre>
 * config global             at most one
 *   role            router | concentrator                      router
 *   log_level       error | warn | info | debug                info
 *   control_socket  absolute path, at most 107 bytes           /var/run/coopwan/coopwan.sock
 * config uplink 'NAME'      any number; named; devices distinct
 *   device          interface name (required)
 *   enabled         boolean                                    1
 *   down_kbps       0-10000000, 0 = unknown                    0
 *   up_kbps         0-10000000, 0 = unknown                    0
 *                   (both nominal: the data plane's SLoPS starts from them as Rmax)
 *   type            unknown | dsl | cable | fibre | cellular |     unknown
 *                   satellite | fixed_wireless | other
 *                   (the advert carries the first uplink's, INFO all)
 *   gateway         IPv4 literal of the next hop               '' = the kernel's default route
 *                                                              on the device
 * config peer               at most one
 *   enabled         boolean                                    0
 *   device          interface name; if enabled, not an uplink's br-coop
 *   port            1-65535 (UDP)                              4790
 *   tcp_fallback_s  1-30, seconds without UDP replies          3
 *                   before the channel runs over TCP
 *   share_info      boolean: answer a paired neighbour's       1
 *                   request for the uplinks and their traffic
 *                   (else it is told that the owner refuses)
 * config offer ['NAME']     any number; at most one enabled per type
 *   type            emergency | bandwidth_sharing | duplication | suppression (required)
 *   enabled         boolean                                    0 (offers are opt-in)
 *   P_min, P_max    for each parameter P of the type, both or neither,
 *                   inside {@link CooperationType#bounds()}    the type's whole bounds
 * config web                at most one; no section = web UI off
 *   enabled         boolean                                    1
 *   listen          IPv4/IPv6 literal                          127.0.0.1
 *   port            1-65535 (TCP)                              8080
 *   user            1-32 printable ASCII, no blank or ':'      admin
 *   password_hash   see {@link PasswordHash}; required when enabled
 *   session_timeout seconds, 60-86400                          1800
 * config snmp               at most one; no section = agent off
 *   enabled         boolean                                    1
 *   listen          IPv4/IPv6 literal                          127.0.0.1
 *   port            1-65535 (UDP)                              1161
 *   v3_user         1-32 printable ASCII, no blank             coopwan
 *   v3_auth_protocol SHA | SHA-256 | SHA-512                   SHA-256
 *   v3_auth_pass    at least 8 characters; required when enabled
 *   v3_priv_protocol AES-128 | AES-192 | AES-256               AES-128
 *   v3_priv_pass    at least 8 characters; required when enabled
 *   v2c_community   read-only community, '' = v1/v2c off       ''
 *   sys_name, sys_contact, sys_location  at most 255 bytes     '' (sys_name '' = host name)
 *   list notify     'trap|inform udp:ADDRESS:PORT [v3|v2c]'    none; ADDRESS an IP literal (IPv6
 *                   in brackets), each target once, v3 (authPriv as v3_user) unless v2c,
 *                   which needs v2c_community
 * config bond 'NAME'        any number; NAME is the interface name (at most 15 characters),
 *                           not an uplink's device
 *   mode            wrr | adaptive | active-backup             adaptive
 *   scheduler       earliest | wrr; earliest only with mode    earliest (adaptive), else wrr
 *                   adaptive (each packet on the member where it arrives first, within the
 *                   measured rates; wrr: by the weights alone)
 *   mtu             576-9000                                   1400
 *   list member     uplink section names, each once (none: the bond carries nothing yet)
 *   concentrator    ADDRESS:PORT, an IP literal (IPv6 in       '' = no far end yet
 *                   brackets) and the UDP port of the far end
 *   client_id       1-32 of A-Z a-z 0-9 _                      the bond name
 *   key             32 bytes in base64; required with concentrator
 *   address         IPv4/PREFIX (prefix 1-30) of the bond inside the tunnel; required with concentrator
 *                   (concentrator + client_id once per file: the far end tells routers apart by it)
 * config concentrator       at most one; required when global's role is concentrator
 *   listen          IPv4/IPv6 literal                          0.0.0.0
 *   port            1-65535 (UDP)                              4791
 *   device          interface name of the TUN                  cwc0
 *   address         IPv4/PREFIX (prefix 1-30) of the TUN (required)
 *   wan_device      interface name, not device                 '' = any but the TUN
 * config client 'NAME'      any number; NAME the client_id of a router's bond, at most 32 characters
 *   key             32 bytes in base64 (required)
 *   address         IPv4 literal (required), a host of the concentrator's network, not its
 *                   own address, each once
 * config dataplane          at most one
 *   keepalive_ms    20-10000                                   50
 *   dead_after_ms   60-60000, more than keepalive_ms           500
 *   reorder_wait_ms 0-1000 (the ceiling of a measured wait)    150
 *   slops_period_s  0 = never, else 10-86400                  300
 *   slops_precision_kbps 1-1000000                             100
 *   slops_packets   10-10000                                   100
 *   slops_packet_bytes 64-1400                                 1000
 *   list disable    adaptive_reorder | inband_jitter | loss_recovery              none
 * config failover           at most one (docs/emergency.md): emergency failover
 *   enabled         boolean: ask the neighbour for help         1
 *   uplink          uplink section watched for failure          the first uplink
 *   list lan        interface names carried by the neighbour    br-lan
 *   mode            direct | concentrator                      direct
 *   reset_sessions  all | none (TCP RST when the address moves) all
 *   carrier         boolean: carrier down fails at once         1
 *   blackhole_ms    100-60000                                   600
 *   list probe      icmp:ADDRESS | udp:ADDRESS:PORT, IPv4, at most 16   none
 *   probe_interval_ms 20-10000                                  100
 *   probe_timeout_ms  20-10000                                  300
 *   probe_down_count  2-100                                     6
 *   probe_threshold   0 = all, else 1-16 (2+ with 2+ targets)  0
 *   recover_ms      500-600000                                  2000
 *   helper_port     1-65535 (UDP, on the peer link), not peer.port   4791
 *   tunnel_network  IPv4 network /24-/29                        100.127.255.0/24
 *   list concentrator ADDR:PORT (IPv4), at most 8: as helper, where a requester's
 *                   sealed packets may go in mode concentrator       none (mode concentrator refused)
 * config sharing            at most one (docs/PROTOCOL.md 3.13): bandwidth sharing
 *   lend            boolean: offer idle capacity to neighbours  1
 *   borrow          boolean: move new sessions onto an offer    1
 *   window_s        1 | 10 | 60 (T: own users' load averaged)   10
 *   margin_percent  0-90: never lent                            10
 *   list port       TCP ports of sessions that may move, 1-16   80 443
 *   list avoid      patterns (* = any text) of hosts and URLs that stay home, at most 32
 *                                                               *download* *file*
 *   busy_percent    0-100: own load from which sessions move    50
 *   force_terminate boolean: reset moved sessions when the offer goes   0
 *   learn_hosts     boolean: learn download hosts from DNS answers, TLS SNI, HTTP   1
 * config suppression        at most one (docs/PROTOCOL.md 3.14): other traffic held back for LC traffic
 *   enabled         boolean: suppress own other traffic when needed   1
 *   max_drop_percent 0-100: most of other traffic dropped        20
 *   per_connection_kbps 0-10000000, 0 = none: cap of one other connection   1000
 *   up_kbps         0-10000000, 0 = none: cap of all other traffic out      0
 *   down_kbps       0-10000000, 0 = none: cap of all other traffic in       0
 *   dscp_cs1        boolean: other traffic's DSCP to CS1 while suppressing  1
 *   ask_neighbours  boolean: send SUPPRESSION_REQUEST to neighbours with an agreement   1
 *   app_type        voip | game | other: told to the neighbour   voip
 *   lease_ms        100-60000: a request's life without renewal  3000
 *   shape_percent   0 | 10-100: while suppressing, the LAN shaped to  85
 *                   this share of the uplinks' down_kbps (each uplink
 *                   to this share of its up_kbps), LC first
 * config latency            at most one (docs/latency.md): latency-critical classification
 *   enabled         boolean                                     1
 *   dscp_rule       a | b | none ([0233]: a = not CS0/CS1,      b
 *                   b = CS3 CS4 CS5 EF)
 *   current_ms      100-60000: D, LC traffic is current while   1000
 *                   the last LC packet is at most D old
 *   adhoc           boolean: the ad hoc rule for unknown UDP     1
 *   adhoc_max_packet_bytes 64-1500 (mean IP packet size)        300
 *   adhoc_max_gap_ms 100 | 200 (mean gap)                       100
 *   adhoc_max_kbps  100 | 200 (each direction)                  200
 *   adhoc_confirm_s 1-60 seconds in a row before the upgrade    3
 *   adhoc_timeout_ms 100-60000 idle before an ad hoc session ends   5000
 *   learn           boolean: remember (address, port) of ad hoc  1
 *                   sessions, next session LC from its first packet
 *   learn_lifetime_s 60-2592000                                 604800
 * config latency_app 'NAME' any number, at most 32; NAME 1-32 of A-Z a-z 0-9 _;
 *                           none: the seed's League of Legends, 'lol' below
 *   enabled         boolean                                     1
 *   protocol        udp | tcp                                   udp
 *   list port       PORT or FROM-TO (remote port), at most 16   (lol: 5000-5500)
 *   list destination IPv4 network CIDR, at most 64              none (any)
 *                   (ports or destinations, at least one)
 *   idle_timeout_ms 100-60000                                   5000
 *   interval_ms     1-1000: expected gap between packets        20
 * </pre>
 * Booleans are 1/0, yes/no, on/off, true/false, enabled/disabled. Unknown section types and
 * options are ignored here (and kept by {@link UciDocument} when a front-end writes the file). Secrets
 * (password hash, SNMP pass phrases, tunnel keys) never default: a service that needs one and lacks it is an
 * error rather than silently running with a well-known password. The shipped file
 * {@code coopwan.default} spells out every default above; a test keeps the two in step.
 */
public final class ConfigLoader {

    static final String RESOURCE = "coopwan.default";
    /** How messages name the embedded default file. */
    static final Path RESOURCE_PATH = Path.of("classpath:/net/coopwan/config/" + RESOURCE);

    static final String DEFAULT_CONTROL_SOCKET = "/var/run/coopwan/coopwan.sock";
    static final long MAX_KBPS = 10_000_000;
    /** A client_id is a section name on the concentrator, so UCI's name characters only. */
    static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9_]{1,32}");
    /** sun_path is 108 bytes including the terminating NUL. */
    static final int MAX_SOCKET_PATH_BYTES = 107;

    private ConfigLoader() {
    }

    /** The documented default configuration shipped in this jar as {@code /net/coopwan/config/coopwan.default}. */
    public static CoopwanConfig defaults() {
        return Embedded.CONFIG;
    }

    /**
     * The shipped default file as a document, comments and all: what the package installs as
     * {@code /etc/config/coopwan}, and a base for "reset to defaults".
     */
    public static UciDocument defaultDocument() {
        return Embedded.DOCUMENT;
    }

    /** Loads and validates FILE; every problem is a {@link ConfigException} naming file, line and option. */
    public static CoopwanConfig load(Path file) throws ConfigException {
        return load(UciDocument.read(file));
    }

    /**
     * Validates a document, typically one a front-end has just edited, before it writes it.
     * Messages name {@link UciDocument#file()}; lines edited since parsing have no line number, so
     * their messages point at the section header instead.
     */
    public static CoopwanConfig load(UciDocument document) throws ConfigException {
        return new Mapper(document).map();
    }

    /** Parsed once, on first use; a broken resource is a build error, caught by the tests. */
    private static final class Embedded {
        static final UciDocument DOCUMENT;
        static final CoopwanConfig CONFIG;

        static {
            try (InputStream in = ConfigLoader.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("resource " + RESOURCE_PATH + " missing from the jar");
                }
                DOCUMENT = UciDocument.parse(in.readAllBytes(), RESOURCE_PATH);
                CONFIG = load(DOCUMENT);
            } catch (IOException | ConfigException e) {
                throw new IllegalStateException("shipped default configuration is broken: " + e.getMessage(), e);
            }
        }
    }

    /** One validation run over one document. */
    private static final class Mapper {

        private final UciDocument doc;
        private final Path file;

        private Global global;
        private PeerLink peer;
        private SectionReader peerReader;
        private Web web;
        private Snmp snmp;
        private final Map<String, UciSection> singletons = new HashMap<>();
        private final List<Uplink> uplinks = new ArrayList<>();
        private final Map<String, SectionReader> uplinkReaders = new LinkedHashMap<>();
        private final Map<String, Uplink> uplinkByDevice = new HashMap<>();
        private final List<CooperationOffer> offers = new ArrayList<>();
        private final Map<CooperationType, SectionReader> enabledOffers = new HashMap<>();
        private final List<Bond> bonds = new ArrayList<>();
        private final List<SectionReader> bondReaders = new ArrayList<>();
        /** "host port client_id" of each bond's far end, to the bond that uses it. */
        private final Map<String, SectionReader> bondTunnelIds = new HashMap<>();
        private SectionReader globalReader;
        private Concentrator concentrator;
        private SectionReader concentratorReader;
        private Ipv4Prefix concentratorNet;
        private final List<TunnelClient> clients = new ArrayList<>();
        private final List<SectionReader> clientReaders = new ArrayList<>();
        private DataPlane dataPlane;
        private Emergency emergency;
        private SectionReader emergencyReader;
        private Sharing sharing;
        private Suppression suppression;
        private SectionReader latencyReader;
        private final List<Latency.App> latencyApps = new ArrayList<>();

        Mapper(UciDocument doc) {
            this.doc = doc;
            this.file = doc.file();
        }

        CoopwanConfig map() throws ConfigException {
            checkNamesUnique();
            // File order, so the first error reported is the first in the file.
            for (UciSection s : doc.sections()) {
                SectionReader r = new SectionReader(file, s);
                switch (s.type()) {
                    case "global" -> {
                        global = global(once(r));
                        globalReader = r;
                    }
                    case "uplink" -> uplink(r);
                    case "peer" -> {
                        peer = peer(once(r));
                        peerReader = r;
                    }
                    case "offer" -> offer(r);
                    case "web" -> web = web(once(r));
                    case "snmp" -> snmp = snmp(once(r));
                    case "bond" -> bond(r);
                    case "concentrator" -> {
                        concentrator = concentrator(once(r));
                        concentratorReader = r;
                    }
                    case "client" -> client(r);
                    case "dataplane" -> dataPlane = dataPlane(once(r));
                    case "failover" -> {
                        emergency = emergency(once(r));
                        emergencyReader = r;
                    }
                    case "sharing" -> sharing = sharing(once(r));
                    case "suppression" -> suppression = suppression(once(r));
                    case "latency" -> latencyReader = once(r);
                    case "latency_app" -> {
                        if (latencyApps.size() == Latency.MAX_APPS) {
                            throw r.sectionError("at most " + Latency.MAX_APPS + " latency_app sections");
                        }
                        latencyApps.add(LatencyReader.app(r));
                    }
                    default -> {
                        // Unknown types are someone else's (or a newer version's): ignore.
                    }
                }
            }
            if (global == null) {
                global = new Global(Global.Role.ROUTER, "info", DEFAULT_CONTROL_SOCKET);
            }
            if (peer == null) {
                peer = new PeerLink(false, "br-coop", 4790);
            }
            if (web == null) {
                web = new Web(false, "127.0.0.1", 8080, "admin", "", 1800);
            }
            if (snmp == null) {
                snmp = new Snmp(false, "127.0.0.1", 1161, "coopwan", "SHA-256", "", "AES-128", "", "", "", "", "");
            }
            if (dataPlane == null) {
                dataPlane = DataPlane.defaults();
            }
            checkPeerDevice();
            checkBonds();
            checkConcentrator();
            if (emergency == null) {
                emergency = Emergency.defaults();
            }
            checkEmergency();
            return new CoopwanConfig(global, uplinks, peer, offers, web, snmp, bonds, concentrator, clients, dataPlane,
                    emergency, sharing == null ? Sharing.defaults() : sharing,
                    suppression == null ? Suppression.defaults() : suppression,
                    LatencyReader.latency(latencyReader, latencyApps));
        }

        /** libuci would merge two sections of one name; here that is ambiguous, so an error. */
        private void checkNamesUnique() throws ConfigException {
            Map<String, UciSection> byName = new HashMap<>();
            for (UciSection s : doc.sections()) {
                if (s.anonymous()) {
                    continue;
                }
                UciSection prior = byName.putIfAbsent(s.ref(), s);
                if (prior != null) {
                    throw new SectionReader(file, s).sectionError(
                            "duplicate section name: a '" + prior.type() + "' section at line " + prior.line() + " has it too");
                }
            }
        }

        private SectionReader once(SectionReader r) throws ConfigException {
            UciSection prior = singletons.putIfAbsent(r.section().type(), r.section());
            if (prior != null) {
                throw r.sectionError("only one '" + prior.type() + "' section is allowed, the first is at line " + prior.line());
            }
            return r;
        }

        private Global global(SectionReader r) throws ConfigException {
            String role = r.oneOf("role", List.of("router", "concentrator"), "router");
            String level = r.oneOf("log_level", List.of("error", "warn", "info", "debug"), "info");
            String socket = r.raw("control_socket").orElse(DEFAULT_CONTROL_SOCKET);
            if (!socket.startsWith("/") || socket.endsWith("/")
                    || socket.getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH_BYTES) {
                throw r.error("control_socket", "must be an absolute file path of at most " + MAX_SOCKET_PATH_BYTES
                        + " bytes (the limit of a unix socket address), got '" + socket + "'");
            }
            return new Global(Global.Role.valueOf(role.toUpperCase(Locale.ROOT)), level, socket);
        }

        private void uplink(SectionReader r) throws ConfigException {
            UciSection s = r.section();
            if (s.anonymous()) {
                throw r.sectionError("an uplink section needs a name: config uplink 'NAME'");
            }
            String device = r.ifname("device", null);
            boolean enabled = r.bool("enabled", true);
            long down = r.number("down_kbps", 0, MAX_KBPS, 0);
            long up = r.number("up_kbps", 0, MAX_KBPS, 0);
            String gateway = r.raw("gateway").orElse(null);
            String type = r.oneOf("type", Uplink.TYPES, Uplink.UNKNOWN);
            if (gateway != null && (!SectionReader.isIpv4(gateway) || gateway.equals("0.0.0.0"))) {
                throw r.error("gateway", "must be an IPv4 address such as 100.64.0.1, or '' for the gateway of the"
                        + " default route on the device, got '" + gateway + "'");
            }
            Uplink u = new Uplink(s.ref(), device, enabled, down, up, gateway, type);
            Uplink other = uplinkByDevice.putIfAbsent(device, u);
            if (other != null) {
                SectionReader first = uplinkReaders.get(other.name());
                throw r.error("device", "device '" + device + "' is already used by uplink '" + other.name()
                        + "' (line " + first.lineOf("device") + ")");
            }
            uplinks.add(u);
            uplinkReaders.put(u.name(), r);
        }

        private PeerLink peer(SectionReader r) throws ConfigException {
            return new PeerLink(r.bool("enabled", false), r.ifname("device", "br-coop"), r.port("port", 4790),
                    (int) r.number("tcp_fallback_s", PeerLink.TCP_FALLBACK_MIN_S, PeerLink.TCP_FALLBACK_MAX_S,
                            PeerLink.TCP_FALLBACK_DEFAULT_S), r.bool("share_info", true));
        }

        private Emergency emergency(SectionReader r) throws ConfigException {
            Emergency d = Emergency.defaults();
            String uplink = r.raw("uplink").orElse(null);
            List<String> lans = new ArrayList<>();
            for (UciOption o : r.section().listStatements("lan")) {
                if (!SectionReader.isIfname(o.value())) {
                    throw r.error(o, "must be an interface name of at most 15 characters A-Z a-z 0-9 _ . -, got '"
                            + o.value() + "'");
                }
                if (lans.contains(o.value())) {
                    throw r.error(o, "LAN device '" + o.value() + "' is listed twice");
                }
                lans.add(o.value());
            }
            if (lans.isEmpty()) {
                lans.addAll(d.lanDevices());
            }
            List<String> modes = Arrays.stream(Emergency.Mode.values()).map(Emergency.Mode::uciName).toList();
            Emergency.Mode mode = Emergency.Mode.values()[modes.indexOf(r.oneOf("mode", modes, d.mode().uciName()))];
            List<String> policies = Arrays.stream(Emergency.ResetPolicy.values()).map(Emergency.ResetPolicy::uciName).toList();
            Emergency.ResetPolicy reset = Emergency.ResetPolicy.values()[policies.indexOf(
                    r.oneOf("reset_sessions", policies, d.resetSessions().uciName()))];
            long blackhole = r.number("blackhole_ms", 100, 60_000, d.blackholeMs());
            List<Emergency.ProbeTarget> probes = new ArrayList<>();
            for (UciOption o : r.section().listStatements("probe")) {
                Emergency.ProbeTarget t = probeTarget(r, o);
                if (probes.contains(t)) {
                    throw r.error(o, "probe '" + o.value() + "' is listed twice");
                }
                probes.add(t);
            }
            if (probes.size() > 16) {
                throw r.error("probe", "at most 16 probe targets, got " + probes.size());
            }
            int interval = (int) r.number("probe_interval_ms", 20, 10_000, d.probeIntervalMs());
            int timeout = (int) r.number("probe_timeout_ms", 20, 10_000, d.probeTimeoutMs());
            int down = (int) r.number("probe_down_count", 2, 100, d.probeDownCount());
            int threshold = (int) r.number("probe_threshold", 0, 16, d.probeThreshold());
            if (threshold > probes.size()) {
                throw r.error("probe_threshold", "is " + threshold + " but only " + probes.size()
                        + " probe target(s) are listed");
            }
            if (threshold == 1 && probes.size() >= 2) {
                throw r.error("probe_threshold", "must be 0 (all) or at least 2 with " + probes.size()
                        + " targets: one dead server must never fail the uplink");
            }
            int recover = (int) r.number("recover_ms", 500, 600_000, d.recoverMs());
            int port = r.port("helper_port", d.helperPort());
            String net = d.tunnelNetwork();
            int prefix = d.tunnelPrefix();
            if (r.raw("tunnel_network").isPresent()) {
                Ipv4Prefix p = tunnelNetwork(r);
                net = p.network().substring(0, p.network().indexOf('/'));
                prefix = p.length();
            }
            List<String> concentrators = new ArrayList<>();
            for (UciOption o : r.section().listStatements("concentrator")) {
                String v = o.value();
                int colon = v.lastIndexOf(':');
                if (colon < 1 || !SectionReader.isIpv4(v.substring(0, colon)) || !v.substring(colon + 1).matches("[1-9][0-9]{0,4}")
                        || Integer.parseInt(v.substring(colon + 1)) > 65535) {
                    throw r.error(o, "must be ADDRESS:PORT with an IPv4 address, such as 198.18.0.1:4791, got '" + v + "'");
                }
                if (concentrators.contains(v)) {
                    throw r.error(o, "concentrator '" + v + "' is listed twice");
                }
                concentrators.add(v);
            }
            if (concentrators.size() > 8) {
                throw r.error("concentrator", "at most 8 concentrators, got " + concentrators.size());
            }
            return new Emergency(r.bool("enabled", d.enabled()), uplink, lans, mode, reset, r.bool("carrier", d.carrier()),
                    (int) blackhole, probes, interval, timeout, down, threshold, recover, port, net, prefix, concentrators);
        }

        private Sharing sharing(SectionReader r) throws ConfigException {
            Sharing d = Sharing.defaults();
            int window = Integer.parseInt(r.oneOf("window_s", List.of("1", "10", "60"), String.valueOf(d.windowS())));
            int margin = (int) r.number("margin_percent", 0, 90, d.marginPercent());
            List<Integer> ports = new ArrayList<>();
            for (UciOption o : r.section().listStatements("port")) {
                String v = o.value();
                if (!v.matches("[1-9][0-9]{0,4}") || Integer.parseInt(v) > 65535) {
                    throw r.error(o, "must be a TCP port 1-65535, got '" + v + "'");
                }
                if (ports.contains(Integer.parseInt(v))) {
                    throw r.error(o, "port " + v + " is listed twice");
                }
                ports.add(Integer.parseInt(v));
            }
            if (ports.size() > 16) {
                throw r.error("port", "at most 16 ports, got " + ports.size());
            }
            List<String> avoid = new ArrayList<>();
            for (UciOption o : r.section().listStatements("avoid")) {
                String v = o.value();
                if (v.isEmpty() || v.length() > 200 || !v.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                    throw r.error(o, "must be 1-200 printable characters without blanks (* stands for any text), got '"
                            + v + "'");
                }
                if (avoid.contains(v)) {
                    throw r.error(o, "pattern '" + v + "' is listed twice");
                }
                avoid.add(v);
            }
            if (avoid.size() > 32) {
                throw r.error("avoid", "at most 32 patterns, got " + avoid.size());
            }
            return new Sharing(r.bool("lend", d.lend()), r.bool("borrow", d.borrow()), window, margin,
                    ports.isEmpty() ? d.ports() : ports, r.section().listStatements("avoid").isEmpty() ? d.avoid() : avoid,
                    (int) r.number("busy_percent", 0, 100, d.busyPercent()),
                    r.bool("force_terminate", d.forceTerminate()), r.bool("learn_hosts", d.learnHosts()));
        }

        private Suppression suppression(SectionReader r) throws ConfigException {
            Suppression d = Suppression.defaults();
            return new Suppression(r.bool("enabled", d.enabled()),
                    (int) r.number("max_drop_percent", 0, 100, d.maxDropPercent()),
                    r.number("per_connection_kbps", 0, 10_000_000, d.perConnectionKbps()),
                    r.number("up_kbps", 0, 10_000_000, d.upKbps()),
                    r.number("down_kbps", 0, 10_000_000, d.downKbps()),
                    r.bool("dscp_cs1", d.dscpCs1()), r.bool("ask_neighbours", d.askNeighbours()),
                    r.oneOf("app_type", List.of("voip", "game", "other"), d.appType()),
                    (int) r.number("lease_ms", 100, 60_000, d.leaseMs()), shapePercent(r, d.shapePercent()));
        }

        /** {@code shape_percent}: 0 (off) or 10-100; a shaper at under a tenth of the line is a mistake. */
        private static int shapePercent(SectionReader r, int dflt) throws ConfigException {
            int v = (int) r.number("shape_percent", 0, 100, dflt);
            if (v > 0 && v < 10) {
                throw r.error("shape_percent", "must be 0 (off) or 10-100, got " + v);
            }
            return v;
        }

        /** {@code tunnel_network}: a network (host bits zero) of /24 to /29. */
        private static Ipv4Prefix tunnelNetwork(SectionReader r) throws ConfigException {
            String s = r.raw("tunnel_network").orElseThrow();
            int slash = s.indexOf('/');
            String addr = slash < 0 ? s : s.substring(0, slash);
            String len = slash < 0 ? "" : s.substring(slash + 1);
            if (!SectionReader.isIpv4(addr) || !len.matches("[1-9][0-9]?") || Integer.parseInt(len) < 24
                    || Integer.parseInt(len) > 29) {
                throw r.error("tunnel_network", "must be an IPv4 network with a prefix length of 24-29, such as "
                        + "100.127.255.0/24, got '" + s + "'");
            }
            Ipv4Prefix p = new Ipv4Prefix(addr, Integer.parseInt(len));
            if (!p.network().equals(s)) {
                throw r.error("tunnel_network", "has host bits set; the network is " + p.network());
            }
            return p;
        }

        /** {@code icmp:ADDRESS} or {@code udp:ADDRESS:PORT}, IPv4 literals only (probes leave an IPv4 uplink). */
        private static Emergency.ProbeTarget probeTarget(SectionReader r, UciOption o) throws ConfigException {
            String v = o.value();
            String shape = "must be icmp:ADDRESS or udp:ADDRESS:PORT with an IPv4 address, such as icmp:198.18.9.2 or "
                    + "udp:198.18.9.2:7, got '" + v + "'";
            if (v.startsWith("icmp:") && SectionReader.isIpv4(v.substring(5))) {
                return new Emergency.ProbeTarget(Emergency.ProbeTarget.Kind.ICMP, v.substring(5), 0);
            }
            if (v.startsWith("udp:")) {
                String rest = v.substring(4);
                int colon = rest.lastIndexOf(':');
                if (colon > 0 && SectionReader.isIpv4(rest.substring(0, colon))
                        && rest.substring(colon + 1).matches("[1-9][0-9]{0,4}")
                        && Integer.parseInt(rest.substring(colon + 1)) <= 65535) {
                    return new Emergency.ProbeTarget(Emergency.ProbeTarget.Kind.UDP, rest.substring(0, colon),
                            Integer.parseInt(rest.substring(colon + 1)));
                }
            }
            throw r.error(o, shape);
        }

        /** The watched uplink must exist; the LAN devices must not be uplinks nor the peer link. */
        private void checkEmergency() throws ConfigException {
            if (emergencyReader == null) {
                return;
            }
            SectionReader r = emergencyReader;
            if (emergency.uplink() != null && uplinks.stream().noneMatch(u -> u.name().equals(emergency.uplink()))) {
                throw r.error("uplink", "names no uplink section ('" + emergency.uplink() + "')");
            }
            for (String lan : emergency.lanDevices()) {
                Uplink u = uplinkByDevice.get(lan);
                if (u != null) {
                    throw r.error("lan", "device '" + lan + "' is the device of uplink '" + u.name() + "'");
                }
                if (peer.enabled() && peer.device().equals(lan)) {
                    throw r.error("lan", "device '" + lan + "' is the peer link's device");
                }
            }
            if (peer.enabled() && emergency.helperPort() == peer.port()) {
                throw r.error("helper_port", "is the peer link's port " + peer.port() + "; the emergency tunnel needs its own");
            }
        }

        private void offer(SectionReader r) throws ConfigException {
            List<String> types = Arrays.stream(CooperationType.values()).map(CooperationType::uciName).toList();
            if (r.raw("type").isEmpty()) {
                throw r.error("type", "is required (" + String.join(", ", types) + ")");
            }
            CooperationType type = CooperationType.fromUci(r.oneOf("type", types, null));
            boolean enabled = r.bool("enabled", false);
            Map<String, ParameterRange> ranges = new HashMap<>();
            // Sorted: Map.of iterates in a per-run random order and errors must be reproducible.
            for (String p : type.bounds().keySet().stream().sorted().toList()) {
                ranges.put(p, range(r, p, type.bounds().get(p)));
            }
            if (enabled) {
                SectionReader other = enabledOffers.putIfAbsent(type, r);
                if (other != null) {
                    throw r.error("enabled", "another enabled '" + type.uciName() + "' offer is section '"
                            + other.section().ref() + "' (line " + other.section().line() + "); enable one per type");
                }
            }
            offers.add(new CooperationOffer(r.section().ref(), type, enabled, ranges));
        }

        private ParameterRange range(SectionReader r, String p, ParameterRange bounds) throws ConfigException {
            String minName = p + "_min";
            String maxName = p + "_max";
            Optional<String> lo = r.raw(minName);
            Optional<String> hi = r.raw(maxName);
            if (lo.isEmpty() && hi.isEmpty()) {
                return bounds;
            }
            if (lo.isEmpty()) {
                throw r.error(maxName, "needs '" + minName + "' too: give both or neither");
            }
            if (hi.isEmpty()) {
                throw r.error(minName, "needs '" + maxName + "' too: give both or neither");
            }
            long min = r.parseNumber(minName, lo.get(), bounds.min(), bounds.max());
            long max = r.parseNumber(maxName, hi.get(), bounds.min(), bounds.max());
            if (min > max) {
                throw r.error(maxName, "must be at least " + minName + " (" + min + "), got '" + hi.get() + "'");
            }
            return new ParameterRange(min, max);
        }

        private Web web(SectionReader r) throws ConfigException {
            boolean enabled = r.bool("enabled", true);
            String listen = r.address("listen", "127.0.0.1");
            int port = r.port("port", 8080);
            String user = r.token("user", "admin", 32);
            if (user.indexOf(':') >= 0) {
                throw r.error("user", "must not contain ':', got '" + user + "'");
            }
            String hash = r.raw("password_hash").orElse("");
            if (hash.isEmpty() && enabled) {
                throw r.error("password_hash", "is required when the web UI is enabled; set it with 'coopwan passwd'");
            }
            if (!hash.isEmpty() && !PasswordHash.isWellFormed(hash)) {
                throw r.error("password_hash",
                        "must be pbkdf2-sha256$ITERATIONS$SALT_B64$HASH_B64 as written by 'coopwan passwd'");
            }
            int timeout = (int) r.number("session_timeout", 60, 86_400, 1800);
            return new Web(enabled, listen, port, user, hash, timeout);
        }

        private Snmp snmp(SectionReader r) throws ConfigException {
            boolean enabled = r.bool("enabled", true);
            String why = "when the SNMP agent is enabled";
            String listen = r.address("listen", "127.0.0.1");
            int port = r.port("port", 1161);
            String user = r.token("v3_user", "coopwan", 32);
            String authProto = r.oneOf("v3_auth_protocol", List.of("SHA", "SHA-256", "SHA-512"), "SHA-256");
            String authPass = r.secret("v3_auth_pass", enabled, 8, why);
            String privProto = r.oneOf("v3_priv_protocol", List.of("AES-128", "AES-192", "AES-256"), "AES-128");
            String privPass = r.secret("v3_priv_pass", enabled, 8, why);
            String community = r.raw("v2c_community").orElse("");
            if (!community.isEmpty() && (community.length() > 64 || !community.chars().allMatch(c -> c > 32 && c < 127))) {
                // A community is a password: described, never echoed.
                throw r.error("v2c_community",
                        "must be 1-64 printable ASCII characters without blanks, or '' to turn SNMPv1/v2c off");
            }
            String sysName = r.text("sys_name", "", 255);
            String sysContact = r.text("sys_contact", "", 255);
            String sysLocation = r.text("sys_location", "", 255);
            List<NotifyTarget> notify = new ArrayList<>();
            Set<String> seenTargets = new HashSet<>();
            for (UciOption o : r.section().listStatements("notify")) {
                if (o.value().isEmpty()) {
                    continue;
                }
                NotifyTarget t = r.notifyTarget(o);
                if (t.security() == NotifyTarget.Security.V2C && community.isEmpty()) {
                    throw r.error(o, "'" + o.value() + "' needs option 'v2c_community' to be set");
                }
                if (!seenTargets.add(t.toString())) {
                    throw r.error(o, "names '" + t + "' twice");
                }
                notify.add(t);
            }
            return new Snmp(enabled, listen, port, user, authProto, authPass, privProto, privPass, community,
                    sysName, sysContact, sysLocation, notify);
        }

        private void bond(SectionReader r) throws ConfigException {
            UciSection s = r.section();
            if (s.anonymous()) {
                throw r.sectionError("a bond section needs a name, which becomes its interface name: config bond 'NAME'");
            }
            if (!SectionReader.isIfname(s.ref())) {
                throw r.sectionError("a bond name is its interface name: at most 15 characters A-Z a-z 0-9 _ . -, got '"
                        + s.ref() + "'");
            }
            Bond.Mode mode = Bond.Mode.fromUci(r.oneOf("mode", List.of("wrr", "adaptive", "active-backup"), "adaptive"));
            Bond.Scheduler scheduler = Bond.Scheduler.fromUci(r.oneOf("scheduler", List.of("earliest", "wrr"),
                    Bond.Scheduler.defaultFor(mode).uciName()));
            if (scheduler == Bond.Scheduler.EARLIEST && mode != Bond.Mode.ADAPTIVE) {
                throw r.error("scheduler", "'earliest' needs mode 'adaptive', the mode that measures the members' rates;"
                        + " mode '" + mode.uciName() + "' takes scheduler 'wrr' or none");
            }
            int mtu = (int) r.number("mtu", 576, 9000, 1400);
            // Members are checked once every uplink is known: a bond may come first in the file.
            List<String> members = s.list("member");
            bonds.add(new Bond(s.ref(), mode, mtu, members, bondTunnel(r), scheduler));
            bondReaders.add(r);
        }

        /**
         * The bond's far end, or null without {@code concentrator}. The companions are checked
         * even then, so blanking {@code concentrator} to park a tunnel keeps a file that works
         * when it is set again.
         */
        private BondTunnel bondTunnel(SectionReader r) throws ConfigException {
            String name = r.section().ref();
            SectionReader.HostPort far = r.hostPort("concentrator", "198.18.0.1:4791", "[2001:db8::1]:4791");
            String clientId = r.raw("client_id").orElse(name);
            if (!CLIENT_ID.matcher(clientId).matches()) {
                throw r.error("client_id", "must be 1-32 characters A-Z a-z 0-9 _ (it names a 'client' section on the"
                        + " concentrator), got '" + clientId + "'");
            }
            String why = "when option 'concentrator' is set";
            String key = r.tunnelKey("key", far != null, why);
            Ipv4Prefix address = far != null || r.raw("address").isPresent() ? r.ipv4Prefix("address", why) : null;
            if (far == null) {
                return null;
            }
            String id = far.host() + " " + far.port() + " " + clientId;
            SectionReader other = bondTunnelIds.putIfAbsent(id, r);
            if (other != null) {
                throw r.error("client_id", "bond '" + other.section().ref() + "' (line " + other.section().line()
                        + ") already reaches " + r.raw("concentrator").orElseThrow() + " as client '" + clientId
                        + "'; give each bond its own client_id");
            }
            return new BondTunnel(far.host(), far.port(), clientId, key, address.address(), address.length());
        }

        private Concentrator concentrator(SectionReader r) throws ConfigException {
            String listen = r.address("listen", "0.0.0.0");
            int port = r.port("port", 4791);
            String device = r.ifname("device", "cwc0");
            Ipv4Prefix address = r.ipv4Prefix("address", "");
            String wan = r.ifname("wan_device", "");
            if (wan.equals(device)) {
                throw r.error("wan_device", "must not be the tunnel device '" + device
                        + "'; '' means any interface but the tunnel device");
            }
            concentratorNet = address;
            return new Concentrator(listen, port, device, address.address(), address.length(), wan);
        }

        /** Checked against the concentrator's network once the whole file is read. */
        private void client(SectionReader r) throws ConfigException {
            UciSection s = r.section();
            if (s.anonymous()) {
                throw r.sectionError("a client section needs a name, the client_id of the router's bond:"
                        + " config client 'NAME'");
            }
            if (!CLIENT_ID.matcher(s.ref()).matches()) {
                throw r.sectionError("a client name is a router's client_id: at most 32 characters A-Z a-z 0-9 _, got '"
                        + s.ref() + "'");
            }
            String key = r.tunnelKey("key", true, "");
            String address = r.required("address");
            if (!SectionReader.isIpv4(address)) {
                throw r.error("address", "must be an IPv4 address without a prefix, such as 100.64.100.2 (the"
                        + " concentrator's prefix applies), got '" + address + "'");
            }
            clients.add(new TunnelClient(s.ref(), key, address));
            clientReaders.add(r);
        }

        private DataPlane dataPlane(SectionReader r) throws ConfigException {
            DataPlane d = DataPlane.defaults();
            int keepalive = (int) r.number("keepalive_ms", 20, 10_000, d.keepaliveMs());
            int dead = (int) r.number("dead_after_ms", 60, 60_000, d.deadAfterMs());
            if (dead <= keepalive) {
                throw r.error("dead_after_ms", "must be more than keepalive_ms (" + keepalive + "), got '" + dead + "'"
                        + (r.raw("dead_after_ms").isEmpty() ? " (the default)" : ""));
            }
            int reorder = (int) r.number("reorder_wait_ms", 0, 1000, d.reorderWaitMs());
            int period = d.slopsPeriodSeconds();
            Optional<String> p = r.raw("slops_period_s");
            if (p.isPresent()) {
                try {
                    period = p.get().equals("0") ? 0 : (int) r.parseNumber("slops_period_s", p.get(), 10, 86_400);
                } catch (ConfigException e) {
                    throw r.error("slops_period_s", "must be 0 (never re-measure) or 10-86400, got '" + p.get() + "'");
                }
            }
            long precision = r.number("slops_precision_kbps", 1, 1_000_000, d.slopsPrecisionKbps());
            int packets = (int) r.number("slops_packets", 10, 10_000, d.slopsPackets());
            int bytes = (int) r.number("slops_packet_bytes", 64, 1400, d.slopsPacketBytes());
            java.util.Set<String> disabled = new java.util.TreeSet<>();
            for (String m : r.section().list("disable")) {
                if (!DataPlane.MECHANISMS.contains(m)) {
                    throw r.error("disable", "names a mechanism to switch off, one of " + String.join(", ", DataPlane.MECHANISMS)
                            + "; got '" + m + "'");
                }
                disabled.add(m);
            }
            return new DataPlane(keepalive, dead, reorder, period, precision, packets, bytes, disabled);
        }

        /** The role needs its section; clients must fit the concentrator's network, once each. */
        private void checkConcentrator() throws ConfigException {
            if (global.role() == Global.Role.CONCENTRATOR && concentrator == null) {
                throw globalReader.error("role", "'concentrator' needs a 'config concentrator' section");
            }
            Map<String, SectionReader> byAddress = new HashMap<>();
            for (SectionReader r : clientReaders) {
                String address = r.section().get("address").orElseThrow();
                SectionReader prior = byAddress.putIfAbsent(address, r);
                if (prior != null) {
                    throw r.error("address", "'" + address + "' is already the address of client '"
                            + prior.section().ref() + "' (line " + prior.lineOf("address") + ")");
                }
                if (concentratorNet == null) {
                    continue;
                }
                String where = " (section '" + concentratorReader.section().ref() + "', line "
                        + concentratorReader.lineOf("address") + ")";
                if (!concentratorNet.contains(address)) {
                    throw r.error("address", "'" + address + "' is outside the concentrator's network "
                            + concentratorNet.network() + where);
                }
                if (concentratorNet.isNetworkOrBroadcast(address)) {
                    throw r.error("address", "'" + address + "' is the network or broadcast address of "
                            + concentratorNet.network());
                }
                if (address.equals(concentratorNet.address())) {
                    throw r.error("address", "'" + address + "' is the concentrator's own address" + where);
                }
            }
        }

        /** The peer link must be its own interface, not one of the WAN uplinks. */
        private void checkPeerDevice() throws ConfigException {
            if (peerReader == null || !peer.enabled()) {
                return;
            }
            Uplink u = uplinkByDevice.get(peer.device());
            if (u != null) {
                throw peerReader.error("device", "device '" + peer.device() + "' is the device of uplink '" + u.name()
                        + "'; the peer link needs its own interface");
            }
        }

        private void checkBonds() throws ConfigException {
            for (SectionReader r : bondReaders) {
                UciSection s = r.section();
                // No member is allowed: an SNMP manager creates the bond row first and its member
                // rows after (COOPWAN-MIB), and such a bond simply carries nothing yet.
                List<UciOption> members = s.listStatements("member");
                Map<String, UciOption> seen = new HashMap<>();
                for (UciOption m : members) {
                    if (!uplinkReaders.containsKey(m.value())) {
                        throw r.error(m, "no uplink section named '" + m.value() + "'");
                    }
                    UciOption prior = seen.putIfAbsent(m.value(), m);
                    if (prior != null) {
                        throw r.error(m, "uplink '" + m.value() + "' is already a member (line " + prior.line() + ")");
                    }
                }
                Uplink clash = uplinkByDevice.get(s.ref());
                if (clash != null) {
                    throw r.sectionError("bond name '" + s.ref() + "' is already the device of uplink '" + clash.name() + "'");
                }
                if (peer.enabled() && peer.device().equals(s.ref())) {
                    throw r.sectionError("bond name '" + s.ref() + "' is already the peer link's device");
                }
            }
        }
    }
}
