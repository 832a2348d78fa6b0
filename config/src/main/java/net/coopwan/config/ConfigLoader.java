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
 * config peer               at most one
 *   enabled         boolean                                    0
 *   device          interface name; if enabled, not an uplink's br-coop
 *   port            1-65535 (UDP)                              4790
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
 *   mtu             576-9000                                   1400
 *   list member     uplink section names, each once (none: the bond carries nothing yet)
 * </pre>
 * Booleans are 1/0, yes/no, on/off, true/false, enabled/disabled. Unknown section types and
 * options are ignored here (and kept by {@link UciDocument} when a front-end writes the file). Secrets
 * (password hash, SNMP pass phrases) never default: a service that needs one and lacks it is an
 * error rather than silently running with a well-known password. The shipped file
 * {@code coopwan.default} spells out every default above; a test keeps the two in step.
 */
public final class ConfigLoader {

    static final String RESOURCE = "coopwan.default";
    /** How messages name the embedded default file. */
    static final Path RESOURCE_PATH = Path.of("classpath:/net/coopwan/config/" + RESOURCE);

    static final String DEFAULT_CONTROL_SOCKET = "/var/run/coopwan/coopwan.sock";
    static final long MAX_KBPS = 10_000_000;
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
                    case "global" -> global = global(once(r));
                    case "uplink" -> uplink(r);
                    case "peer" -> {
                        peer = peer(once(r));
                        peerReader = r;
                    }
                    case "offer" -> offer(r);
                    case "web" -> web = web(once(r));
                    case "snmp" -> snmp = snmp(once(r));
                    case "bond" -> bond(r);
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
            checkPeerDevice();
            checkBonds();
            return new CoopwanConfig(global, uplinks, peer, offers, web, snmp, bonds);
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
            Uplink u = new Uplink(s.ref(), device, r.bool("enabled", true),
                    r.number("down_kbps", 0, MAX_KBPS, 0), r.number("up_kbps", 0, MAX_KBPS, 0));
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
            return new PeerLink(r.bool("enabled", false), r.ifname("device", "br-coop"), r.port("port", 4790));
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
            int mtu = (int) r.number("mtu", 576, 9000, 1400);
            // Members are checked once every uplink is known: a bond may come first in the file.
            List<String> members = s.list("member");
            bonds.add(new Bond(s.ref(), mode, mtu, members));
            bondReaders.add(r);
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
