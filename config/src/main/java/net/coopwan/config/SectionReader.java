package net.coopwan.config;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import net.coopwan.config.uci.UciOption;
import net.coopwan.config.uci.UciSection;

/**
 * Typed, validated reads of one UCI section. Every failure is a {@link ConfigException} pointing at
 * the offending statement's line (or the section header's, for a missing option), worded as
 * {@code option 'port' in section 'web': must be 1-65535, got '99999'}.
 *
 * <p>An empty value counts as absent, as in libuci, where {@code option x ''} deletes the option.
 */
final class SectionReader {

    /** The spellings OpenWrt's {@code config_get_bool} accepts. */
    private static final List<String> TRUE = List.of("1", "yes", "on", "true", "enabled");
    private static final List<String> FALSE = List.of("0", "no", "off", "false", "disabled");

    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,18}");
    private static final Pattern IFNAME = Pattern.compile("[A-Za-z0-9_.-]{1,15}");
    private static final Pattern IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:][0-9A-Fa-f:.]*");

    private final Path file;
    private final UciSection section;

    SectionReader(Path file, UciSection section) {
        this.file = file;
        this.section = section;
    }

    UciSection section() {
        return section;
    }

    // ---- errors ----

    ConfigException error(String option, String message) {
        Optional<UciOption> o = section.option(option);
        int line = o.map(UciOption::line).filter(l -> l > 0).orElse(section.line());
        UciOption.Kind kind = o.map(UciOption::kind).orElse(UciOption.Kind.OPTION);
        return new ConfigException(file, line, locator(kind, option), message);
    }

    ConfigException error(UciOption statement, String message) {
        int line = statement.line() > 0 ? statement.line() : section.line();
        return new ConfigException(file, line, locator(statement.kind(), statement.name()), message);
    }

    ConfigException sectionError(String message) {
        return new ConfigException(file, section.line(), "section '" + section.ref() + "'", message);
    }

    private String locator(UciOption.Kind kind, String option) {
        return kind.keyword() + " '" + option + "' in section '" + section.ref() + "'";
    }

    /** Line of the option's statement, or of the section header when absent. */
    int lineOf(String option) {
        return section.option(option).map(UciOption::line).filter(l -> l > 0).orElse(section.line());
    }

    // ---- typed reads ----

    /** The value, or empty when the option is missing or ''. A {@code list} is an error. */
    Optional<String> raw(String option) throws ConfigException {
        Optional<UciOption> o = section.option(option);
        if (o.isEmpty()) {
            return Optional.empty();
        }
        if (o.get().kind() == UciOption.Kind.LIST) {
            throw error(option, "must be an 'option', not a 'list'");
        }
        String v = o.get().value();
        return v.isEmpty() ? Optional.empty() : Optional.of(v);
    }

    String required(String option) throws ConfigException {
        return raw(option).orElseThrow(() -> error(option, "is required"));
    }

    boolean bool(String option, boolean def) throws ConfigException {
        Optional<String> v = raw(option);
        if (v.isEmpty()) {
            return def;
        }
        if (TRUE.contains(v.get())) {
            return true;
        }
        if (FALSE.contains(v.get())) {
            return false;
        }
        throw error(option, "must be a boolean (1/0, yes/no, on/off, true/false, enabled/disabled), got '" + v.get() + "'");
    }

    long number(String option, long min, long max, long def) throws ConfigException {
        Optional<String> v = raw(option);
        return v.isEmpty() ? def : parseNumber(option, v.get(), min, max);
    }

    /** A decimal integer in [min, max]; signs, blanks and other bases are rejected. */
    long parseNumber(String option, String v, long min, long max) throws ConfigException {
        if (DIGITS.matcher(v).matches()) {
            long n = Long.parseLong(v);
            if (n >= min && n <= max) {
                return n;
            }
        }
        throw error(option, "must be " + min + "-" + max + ", got '" + v + "'");
    }

    int port(String option, int def) throws ConfigException {
        return (int) number(option, 1, 65535, def);
    }

    String oneOf(String option, List<String> choices, String def) throws ConfigException {
        Optional<String> v = raw(option);
        if (v.isEmpty()) {
            return def;
        }
        if (!choices.contains(v.get())) {
            throw error(option, "must be one of " + String.join(", ", choices) + ", got '" + v.get() + "'");
        }
        return v.get();
    }

    /** A Linux interface name we can also put in a UCI file and a shell command safely. */
    String ifname(String option, String def) throws ConfigException {
        Optional<String> v = raw(option);
        if (v.isEmpty()) {
            if (def == null) {
                throw error(option, "is required");
            }
            return def;
        }
        if (!isIfname(v.get())) {
            throw error(option, "must be an interface name of at most 15 characters A-Z a-z 0-9 _ . -, got '" + v.get() + "'");
        }
        return v.get();
    }

    static boolean isIfname(String s) {
        return IFNAME.matcher(s).matches() && !s.equals(".") && !s.equals("..");
    }

    /** An IPv4 or IPv6 address literal; host names are refused so loading never waits for DNS. */
    String address(String option, String def) throws ConfigException {
        Optional<String> v = raw(option);
        if (v.isEmpty()) {
            return def;
        }
        if (!isIpLiteral(v.get())) {
            throw error(option, "must be an IPv4 or IPv6 address such as 127.0.0.1, 0.0.0.0 or ::, got '" + v.get() + "'");
        }
        return v.get();
    }

    static boolean isIpLiteral(String s) {
        if (IPV4.matcher(s).matches()) {
            return true;
        }
        // With a ':' and only these characters, InetAddress parses an IPv6 literal and never
        // resolves: invalid ones fail with "invalid IPv6 address" straight away.
        if (s.indexOf(':') < 0 || !IPV6_CHARS.matcher(s).matches()) {
            return false;
        }
        try {
            java.net.InetAddress.getByName(s);
            return true;
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    private static String isRequired(String why) {
        return why.isEmpty() ? "is required" : "is required " + why;
    }

    static boolean isIpv4(String s) {
        return IPV4.matcher(s).matches();
    }

    /**
     * {@code ADDRESS/PREFIX}: an IPv4 host address of an interface and its network's prefix
     * length, 1-30 (a /31 or /32 leaves no room for both ends of a tunnel network).
     */
    Ipv4Prefix ipv4Prefix(String option, String why) throws ConfigException {
        Optional<String> v = raw(option);
        if (v.isEmpty()) {
            throw error(option, isRequired(why));
        }
        String s = v.get();
        int slash = s.indexOf('/');
        String addr = slash < 0 ? s : s.substring(0, slash);
        String len = slash < 0 ? "" : s.substring(slash + 1);
        if (!isIpv4(addr) || !len.matches("[1-9][0-9]?") || Integer.parseInt(len) > 30) {
            throw error(option, "must be an IPv4 address and a prefix length of 1-30, such as 100.64.100.2/24, got '"
                    + s + "'");
        }
        Ipv4Prefix p = new Ipv4Prefix(addr, Integer.parseInt(len));
        if (p.isNetworkOrBroadcast(addr)) {
            throw error(option, "'" + addr + "' is the network or broadcast address of " + p.network()
                    + "; give a host address");
        }
        return p;
    }

    /** {@code ADDRESS:PORT} of a UDP peer; ADDRESS an IP literal, an IPv6 one in brackets. */
    record HostPort(String host, int port) {
    }

    HostPort hostPort(String option, String example4, String example6) throws ConfigException {
        Optional<String> v = raw(option);
        if (v.isEmpty()) {
            return null;
        }
        String s = v.get();
        String shape = "must be ADDRESS:PORT such as " + example4 + " or " + example6 + ", got '" + s + "'";
        String host;
        String portText;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0 || close + 1 >= s.length() || s.charAt(close + 1) != ':') {
                throw error(option, shape);
            }
            host = s.substring(1, close);
            portText = s.substring(close + 2);
            if (host.indexOf(':') < 0) {
                throw error(option, "brackets are for IPv6 addresses, got '" + host + "'");
            }
        } else {
            int colon = s.lastIndexOf(':');
            if (colon < 0) {
                throw error(option, shape);
            }
            host = s.substring(0, colon);
            portText = s.substring(colon + 1);
            if (host.indexOf(':') >= 0) {
                throw error(option, "an IPv6 address goes in brackets, e.g. " + example6 + ", got '" + s + "'");
            }
        }
        if (!isIpLiteral(host)) {
            throw error(option, "must name an IPv4 or IPv6 address, not a host name, got '" + host + "'");
        }
        if (!DIGITS.matcher(portText).matches() || Long.parseLong(portText) < 1 || Long.parseLong(portText) > 65535) {
            throw error(option, "port must be 1-65535, got '" + portText + "'");
        }
        return new HostPort(host, Integer.parseInt(portText));
    }

    /**
     * A tunnel key, see {@link TunnelKey}: required when NEEDED, else null when absent. Like
     * {@link #secret}, its value never appears in a message.
     */
    String tunnelKey(String option, boolean needed, String why) throws ConfigException {
        Optional<String> v = raw(option);
        if (v.isEmpty()) {
            if (needed) {
                throw error(option, isRequired(why));
            }
            return null;
        }
        String problem = TunnelKey.problem(v.get());
        if (problem != null) {
            throw error(option, problem);
        }
        return v.get();
    }

    /** Printable ASCII without blanks, 1..max characters: names that survive any protocol. */
    String token(String option, String def, int max) throws ConfigException {
        Optional<String> v = raw(option);
        if (v.isEmpty()) {
            return def;
        }
        String s = v.get();
        if (s.length() > max || !s.chars().allMatch(c -> c > 32 && c < 127)) {
            throw error(option, "must be 1-" + max + " printable ASCII characters without blanks, got '" + s + "'");
        }
        return s;
    }

    /** Free text of at most max UTF-8 bytes without control characters (an SNMP DisplayString). */
    String text(String option, String def, int maxBytes) throws ConfigException {
        Optional<String> v = raw(option);
        if (v.isEmpty()) {
            return def;
        }
        String s = v.get();
        if (s.getBytes(StandardCharsets.UTF_8).length > maxBytes) {
            throw error(option, "must be at most " + maxBytes + " bytes, got " + s.getBytes(StandardCharsets.UTF_8).length);
        }
        if (s.chars().anyMatch(Character::isISOControl)) {
            throw error(option, "must not contain control characters");
        }
        return s;
    }

    /**
     * A secret: required when NEEDED, at least minLength characters. Its value never appears in a
     * message, since messages end up in logs.
     */
    String secret(String option, boolean needed, int minLength, String why) throws ConfigException {
        Optional<String> v = raw(option);
        if (v.isEmpty()) {
            if (needed) {
                throw error(option, "is required " + why);
            }
            return "";
        }
        if (v.get().length() < minLength) {
            throw error(option, "must be at least " + minLength + " characters, got " + v.get().length());
        }
        return v.get();
    }

    /**
     * One {@code list notify} value: {@code trap|inform udp:ADDRESS:PORT [v3|v2c]}, ADDRESS an IP
     * literal (an IPv6 one in brackets), PORT 1-65535.
     */
    NotifyTarget notifyTarget(UciOption o) throws ConfigException {
        String shape = "must be 'trap|inform udp:ADDRESS:PORT [v3|v2c]', e.g. 'trap udp:192.0.2.1:162'";
        String[] words = o.value().trim().split("\\s+");
        if (words.length < 2 || words.length > 3) {
            throw error(o, shape + ", got '" + o.value() + "'");
        }
        NotifyTarget.Kind kind = switch (words[0]) {
            case "trap" -> NotifyTarget.Kind.TRAP;
            case "inform" -> NotifyTarget.Kind.INFORM;
            default -> throw error(o, "unknown notification type '" + words[0] + "': must be trap or inform");
        };
        NotifyTarget.Security security = NotifyTarget.Security.V3;
        if (words.length == 3) {
            security = switch (words[2]) {
                case "v3" -> NotifyTarget.Security.V3;
                case "v2c" -> NotifyTarget.Security.V2C;
                default -> throw error(o, "unknown security '" + words[2] + "': must be v3 or v2c");
            };
        }
        String target = words[1];
        if (!target.startsWith("udp:")) {
            throw error(o, shape + ", got '" + o.value() + "'");
        }
        String hostPort = target.substring(4);
        String host;
        String portText;
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close < 0 || close + 1 >= hostPort.length() || hostPort.charAt(close + 1) != ':') {
                throw error(o, shape + ", got '" + o.value() + "'");
            }
            host = hostPort.substring(1, close);
            portText = hostPort.substring(close + 2);
            if (host.indexOf(':') < 0) {
                throw error(o, "brackets are for IPv6 addresses, got '" + host + "'");
            }
        } else {
            int colon = hostPort.lastIndexOf(':');
            if (colon < 0) {
                throw error(o, shape + ", got '" + o.value() + "'");
            }
            host = hostPort.substring(0, colon);
            portText = hostPort.substring(colon + 1);
            if (host.indexOf(':') >= 0) {
                throw error(o, "an IPv6 address goes in brackets, e.g. udp:[2001:db8::1]:162, got '" + hostPort + "'");
            }
        }
        if (!isIpLiteral(host)) {
            throw error(o, "must name an IPv4 or IPv6 address such as 192.0.2.1 or [2001:db8::1], got '" + host + "'");
        }
        int port;
        if (DIGITS.matcher(portText).matches() && Long.parseLong(portText) >= 1 && Long.parseLong(portText) <= 65535) {
            port = Integer.parseInt(portText);
        } else {
            throw error(o, "port must be 1-65535, got '" + portText + "'");
        }
        return new NotifyTarget(kind, host, port, security);
    }
}
