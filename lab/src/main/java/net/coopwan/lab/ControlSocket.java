package net.coopwan.lab;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One JSON-RPC call on a daemon's control socket (one JSON object per line, as the daemon's
 * {@code ctl} speaks it), from a JVM without the daemon's libraries: the lab runs on a bare JDK. A
 * unix socket is not in a network namespace, so the lab reaches every daemon from the host. The
 * answer's {@code result} is returned as plain Java values ({@link Map}, {@link List},
 * {@link String}, {@link Long}, {@link Double}, {@link Boolean}, null) by a small JSON reader.
 */
public final class ControlSocket {
    private static final int MAX_ANSWER = 16 << 20;

    private ControlSocket() {
    }

    /**
     * Calls {@code method} with {@code paramsJson} (a JSON object's text, or null for none).
     *
     * @throws IOException the daemon is not there, answered with an error, or not with JSON-RPC
     */
    public static Object call(Path socket, String method, String paramsJson) throws IOException {
        String request = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method + "\""
                + (paramsJson == null ? "" : ",\"params\":" + paramsJson) + "}\n";
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ByteBuffer out = ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining()) {
                ch.write(out);
            }
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            ByteBuffer in = ByteBuffer.allocate(8192);
            while (true) {
                in.clear();
                if (ch.read(in) < 0) {
                    throw new IOException(socket + ": the daemon closed the connection without answering");
                }
                in.flip();
                while (in.hasRemaining()) {
                    byte b = in.get();
                    if (b == '\n') {
                        if (line.size() > 0) {
                            return result(socket, line.toString(StandardCharsets.UTF_8));
                        }
                    } else {
                        line.write(b);
                    }
                }
                if (line.size() > MAX_ANSWER) {
                    throw new IOException(socket + ": answer too long");
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Object result(Path socket, String text) throws IOException {
        Object answer = parse(text);
        if (!(answer instanceof Map)) {
            throw new IOException(socket + ": not a JSON-RPC answer: " + text);
        }
        Map<String, Object> m = (Map<String, Object>) answer;
        if (m.get("error") != null) {
            throw new IOException(socket + ": " + text);
        }
        return m.get("result");
    }

    /** The value at {@code path} (map keys and list indices) under {@code root}, or null. */
    public static Object at(Object root, Object... path) {
        Object v = root;
        for (Object p : path) {
            if (p instanceof String k && v instanceof Map<?, ?> m) {
                v = m.get(k);
            } else if (p instanceof Integer i && v instanceof List<?> l) {
                v = i >= 0 && i < l.size() ? l.get(i) : null;
            } else {
                return null;
            }
        }
        return v;
    }

    /** The text at {@code path}, "" when absent. */
    public static String text(Object root, Object... path) {
        Object v = at(root, path);
        return v == null ? "" : v.toString();
    }

    /** The size of the list or map at {@code path}, -1 when there is none. */
    public static int size(Object root, Object... path) {
        Object v = at(root, path);
        return v instanceof List<?> l ? l.size() : v instanceof Map<?, ?> m ? m.size() : -1;
    }

    /** Parses one JSON text. */
    public static Object parse(String text) throws IOException {
        Reader r = new Reader(text);
        Object v = r.value();
        r.skipBlanks();
        if (r.pos != text.length()) {
            throw new IOException("trailing characters in JSON at " + r.pos);
        }
        return v;
    }

    private static final class Reader {
        private final String s;
        private int pos;

        Reader(String s) {
            this.s = s;
        }

        void skipBlanks() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        IOException error(String what) {
            return new IOException("bad JSON at " + pos + ": " + what);
        }

        Object value() throws IOException {
            skipBlanks();
            if (pos >= s.length()) {
                throw error("end of text");
            }
            char c = s.charAt(pos);
            switch (c) {
                case '{' -> {
                    pos++;
                    Map<String, Object> m = new LinkedHashMap<>();
                    skipBlanks();
                    if (s.charAt(pos) == '}') {
                        pos++;
                        return m;
                    }
                    while (true) {
                        skipBlanks();
                        String k = string();
                        skipBlanks();
                        expect(':');
                        m.put(k, value());
                        skipBlanks();
                        if (s.charAt(pos) == ',') {
                            pos++;
                        } else {
                            expect('}');
                            return m;
                        }
                    }
                }
                case '[' -> {
                    pos++;
                    List<Object> l = new ArrayList<>();
                    skipBlanks();
                    if (s.charAt(pos) == ']') {
                        pos++;
                        return l;
                    }
                    while (true) {
                        l.add(value());
                        skipBlanks();
                        if (s.charAt(pos) == ',') {
                            pos++;
                        } else {
                            expect(']');
                            return l;
                        }
                    }
                }
                case '"' -> {
                    return string();
                }
                default -> {
                    if (s.startsWith("true", pos)) {
                        pos += 4;
                        return Boolean.TRUE;
                    }
                    if (s.startsWith("false", pos)) {
                        pos += 5;
                        return Boolean.FALSE;
                    }
                    if (s.startsWith("null", pos)) {
                        pos += 4;
                        return null;
                    }
                    int start = pos;
                    while (pos < s.length() && "+-0123456789.eE".indexOf(s.charAt(pos)) >= 0) {
                        pos++;
                    }
                    String n = s.substring(start, pos);
                    if (n.isEmpty()) {
                        throw error("unexpected '" + c + "'");
                    }
                    try {
                        return n.matches("-?\\d+") ? (Object) Long.parseLong(n) : (Object) Double.parseDouble(n);
                    } catch (NumberFormatException e) {
                        return Double.parseDouble(n);
                    }
                }
            }
        }

        void expect(char c) throws IOException {
            if (pos >= s.length() || s.charAt(pos) != c) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        String string() throws IOException {
            expect('"');
            StringBuilder b = new StringBuilder();
            while (true) {
                if (pos >= s.length()) {
                    throw error("unterminated string");
                }
                char c = s.charAt(pos++);
                if (c == '"') {
                    return b.toString();
                }
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                char e = s.charAt(pos++);
                switch (e) {
                    case 'n' -> b.append('\n');
                    case 't' -> b.append('\t');
                    case 'r' -> b.append('\r');
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'u' -> {
                        b.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                        pos += 4;
                    }
                    default -> b.append(e);
                }
            }
        }
    }
}
