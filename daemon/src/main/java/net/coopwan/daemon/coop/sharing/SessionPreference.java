package net.coopwan.daemon.coop.sharing;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which new sessions a borrower may move onto the sharer (seed 001 [0146]): HTTP and HTTPS
 * sessions that are not downloads are the better candidates, since they are short; a session whose
 * URL or host matches a download pattern ("*download*", "*file*") stays home, where a long transfer
 * does not eat the neighbour's offer.
 *
 * <p>The decision is made at a session's first packet, when only the destination port is certain:
 * the URL comes later and is invisible in HTTPS. So the host name is the one the LAN host looked up
 * (the DNS answer that gave the address) or named in TLS (SNI), where known; the URL is used only
 * where it is visible (plain HTTP). Patterns are globs as the seed writes them, matched without
 * regard to case; {@code *} stands for any text, and a pattern without {@code *} must match whole.
 */
public final class SessionPreference {

    /** The seed's example patterns. */
    public static final List<String> DEFAULT_AVOID = List.of("*download*", "*file*");
    /** HTTP and HTTPS. */
    public static final Set<Integer> DEFAULT_PORTS = Set.of(80, 443);

    private final Set<Integer> ports;
    private final List<String> avoid;

    /**
     * @param ports TCP destination ports of sessions that may move (HTTP, HTTPS by default)
     * @param avoid glob patterns of hosts and URLs that stay home
     */
    public SessionPreference(Set<Integer> ports, List<String> avoid) {
        for (int p : ports) {
            if (p < 1 || p > 65535) {
                throw new IllegalArgumentException("port " + p + " is not 1..65535");
            }
        }
        for (String a : avoid) {
            if (a.isBlank() || a.length() > 200) {
                throw new IllegalArgumentException("a pattern is 1..200 characters, got '" + a + "'");
            }
        }
        this.ports = Set.copyOf(ports);
        this.avoid = avoid.stream().map(a -> a.toLowerCase(Locale.ROOT)).toList();
    }

    public SessionPreference() {
        this(DEFAULT_PORTS, DEFAULT_AVOID);
    }

    public Set<Integer> ports() {
        return ports;
    }

    public List<String> avoid() {
        return avoid;
    }

    /**
     * Whether a new TCP session to {@code port} may move, given what is known of it.
     *
     * @param host the host name (DNS or SNI), or null when unknown
     * @param url  the URL's path (plain HTTP), or null when unknown
     */
    public boolean eligible(int port, String host, String url) {
        return ports.contains(port) && !isDownload(host) && !isDownload(url);
    }

    /** Whether {@code text} (a host or a URL) matches a download pattern; null never does. */
    public boolean isDownload(String text) {
        if (text == null) {
            return false;
        }
        String t = text.toLowerCase(Locale.ROOT);
        for (String p : avoid) {
            if (glob(p, t)) {
                return true;
            }
        }
        return false;
    }

    /** {@code *} matches any text; everything else itself. Iterative, so no pattern can blow up. */
    static boolean glob(String p, String t) {
        int pi = 0;
        int ti = 0;
        int star = -1;
        int mark = 0;
        while (ti < t.length()) {
            if (pi < p.length() && p.charAt(pi) == t.charAt(ti) && p.charAt(pi) != '*') {
                pi++;
                ti++;
            } else if (pi < p.length() && p.charAt(pi) == '*') {
                star = pi++;
                mark = ti;
            } else if (star >= 0) {
                pi = star + 1;
                ti = ++mark;
            } else {
                return false;
            }
        }
        while (pi < p.length() && p.charAt(pi) == '*') {
            pi++;
        }
        return pi == p.length();
    }
}
