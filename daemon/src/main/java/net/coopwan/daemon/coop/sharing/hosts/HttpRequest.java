package net.coopwan.daemon.coop.sharing.hosts;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The request line and Host header (RFC 9112) of a plain HTTP request in the first data segment of
 * a session. Bounded: the request line and each header line at most {@value #MAX_LINE} bytes, at
 * most {@value #MAX_HEADERS} header lines read; the Host header that is not in this segment is
 * null. An absolute-form target ({@code http://host/path}) gives the host too.
 *
 * @param method the method token
 * @param path   the target's path and query (the URL the seed's patterns see)
 * @param host   the host, lowercase and without port, or null when not seen
 */
public record HttpRequest(String method, String path, String host) {

    static final int MAX_LINE = 4096;
    static final int MAX_HEADERS = 64;

    /** Whether {@code len} bytes from {@code off} start like a request line (an upper-case token and a space). */
    public static boolean looksLike(byte[] b, int off, int len) {
        int i = 0;
        while (i < len && i <= 16 && b[off + i] >= 'A' && b[off + i] <= 'Z') {
            i++;
        }
        return i > 0 && i < len && b[off + i] == ' ';
    }

    public static HttpRequest parse(byte[] b, int off, int len) throws HostFormatException {
        Bytes.require(b, off, len);
        int end = off + len;
        int lineEnd = lineEnd(b, off, end);
        String[] parts = text(b, off, lineEnd).split(" ", -1);
        if (parts.length != 3 || !parts[0].matches("[A-Z]{1,16}") || parts[1].isEmpty()
                || !parts[2].matches("HTTP/1\\.[0-9]")) {
            throw malformed("request line '" + shorten(text(b, off, lineEnd)) + "'");
        }
        String target = parts[1];
        String host = null;
        String path = target;
        String lower = target.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            int start = target.indexOf("//") + 2;
            int slash = target.indexOf('/', start);
            host = hostOf(slash < 0 ? target.substring(start) : target.substring(start, slash));
            path = slash < 0 ? "/" : target.substring(slash);
        }
        int p = lineEnd + 2;
        for (int i = 0; i < MAX_HEADERS && p < end; i++) {
            int e;
            try {
                e = lineEnd(b, p, end);
            } catch (HostFormatException ex) {
                break; // the headers go on in the next segment
            }
            if (e == p) {
                break; // the blank line: end of the headers
            }
            String line = text(b, p, e);
            int colon = line.indexOf(':');
            if (colon > 0 && host == null && line.substring(0, colon).equalsIgnoreCase("host")) {
                host = hostOf(line.substring(colon + 1).trim());
            }
            p = e + 2;
        }
        return new HttpRequest(parts[0], path, host);
    }

    /** A host without user info or port; malformed when empty or with bytes no host name has. */
    private static String hostOf(String authority) throws HostFormatException {
        String h = authority.substring(authority.lastIndexOf('@') + 1);
        if (h.startsWith("[")) {
            return null; // an IPv6 literal: no name to match
        }
        int colon = h.indexOf(':');
        if (colon >= 0) {
            h = h.substring(0, colon);
        }
        if (h.isEmpty() || h.length() > 255 || !h.matches("[A-Za-z0-9._-]+")) {
            throw malformed("host '" + shorten(h) + "'");
        }
        return h.toLowerCase(Locale.ROOT);
    }

    /** Where the line starting at {@code from} ends (its CR of CRLF), at most {@link #MAX_LINE} on. */
    private static int lineEnd(byte[] b, int from, int end) throws HostFormatException {
        int limit = (int) Math.min(end - 1L, (long) from + MAX_LINE);
        for (int i = from; i < limit; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n') {
                return i;
            }
        }
        if (end - from > MAX_LINE) {
            throw malformed("a line longer than " + MAX_LINE + " bytes");
        }
        throw new HostFormatException(HostDrop.HOSTS_TRUNCATED, "a line goes on in another segment");
    }

    private static String text(byte[] b, int from, int to) {
        return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
    }

    private static String shorten(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }

    private static HostFormatException malformed(String why) {
        return new HostFormatException(HostDrop.HOSTS_HTTP_MALFORMED, why);
    }
}
