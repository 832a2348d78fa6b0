package net.coopwan.snmp.mib;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.coopwan.config.AtomicFile;

/**
 * The name-to-index maps of uplinkTable, bondTable and peerTable ({@code indexes.properties} under
 * {@code STATE/snmp/}), so that uplinkIndex, bondIndex and peerIndex stay the same across restarts
 * as COOPWAN-MIB says. Lines {@code uplink.NAME=N}, {@code bond.NAME=N} and {@code peer.ID=N};
 * written atomically (temp file, fsync, rename) like the engine state file.
 *
 * <p>Why a file and not the configuration order: an index taken from the position in
 * /etc/config/coopwan would shift when a section is removed or reordered by hand, so a manager's
 * bondIndex would then name another bond (and a member row another uplink). The MIB promises the
 * opposite. Why not the daemon's state database: the agent reads the daemon through the ControlApi
 * only, and the indexes are the agent's own business.
 *
 * <p>Several tables keep their maps here ({@link BondMib} uplinks and bonds, {@link PeerMib} peers),
 * each writing only its own kinds: a write reads the file, replaces those kinds and writes it back,
 * under one lock for the whole agent, so one table never loses another's indexes.
 *
 * <p>A lost or unreadable file is not fatal: indexes are given anew (lowest free) and a warning is
 * logged; a write failure is logged and retried at the next change, the agent keeps serving.
 */
final class IndexFile {

    private static final Logger LOG = LoggerFactory.getLogger(IndexFile.class);
    /** The kinds of index kept, in file order. */
    static final List<String> KINDS = List.of("uplink", "bond", "peer");
    /** Read-modify-write of the file by any table, in any agent of this JVM. */
    private static final Object WRITE_LOCK = new Object();

    private final Path file;

    IndexFile(Path directory) {
        this.file = directory == null ? null : directory.resolve("indexes.properties");
    }

    /** The stored maps: each of {@link #KINDS} to (name to index); empty when there is no file yet. */
    Map<String, Map<String, Integer>> read() {
        Map<String, Map<String, Integer>> out = new TreeMap<>();
        KINDS.forEach(k -> out.put(k, new TreeMap<>()));
        if (file == null) {
            return out;
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return out;
        } catch (IOException e) {
            LOG.warn("SNMP: cannot read {} ({}); table indexes are given anew", file, e.toString());
            return out;
        }
        Properties p = new Properties();
        try (Reader r = new StringReader(text)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("SNMP: {} is unreadable ({}); table indexes are given anew", file, e.toString());
            return out;
        }
        for (String key : p.stringPropertyNames()) {
            int dot = key.indexOf('.');
            if (dot < 0 || !out.containsKey(key.substring(0, dot))) {
                continue;
            }
            try {
                int index = Integer.parseInt(p.getProperty(key).trim());
                if (index >= 1 && index <= 65535) {
                    out.get(key.substring(0, dot)).put(key.substring(dot + 1), index);
                }
            } catch (NumberFormatException e) {
                LOG.warn("SNMP: ignoring {} in {}: not an index", key, file);
            }
        }
        return out;
    }

    /** Stores uplink and bond indexes, keeping the other kinds; logs and returns false when it cannot. */
    boolean write(Map<String, Integer> uplinks, Map<String, Integer> bonds) {
        return write(Map.of("uplink", uplinks, "bond", bonds));
    }

    /** Replaces the given kinds (keys of {@code kinds}), keeping the others; logs and returns false when it cannot. */
    boolean write(Map<String, ? extends Map<String, Integer>> kinds) {
        if (file == null) {
            return true;
        }
        synchronized (WRITE_LOCK) {
            Map<String, Map<String, Integer>> all = read();
            kinds.forEach((kind, map) -> all.put(kind, new TreeMap<>(map)));
            StringBuilder text = new StringBuilder("# coopwan SNMP agent: uplinkIndex, bondIndex and peerIndex by name"
                    + " (COOPWAN-MIB). Kept so indexes survive restarts.\n");
            for (String kind : KINDS) {
                all.get(kind).forEach((n, i) -> text.append(kind).append('.').append(escape(n)).append('=').append(i)
                        .append('\n'));
            }
            try {
                Files.createDirectories(file.getParent());
                AtomicFile.write(file, text.toString().getBytes(StandardCharsets.UTF_8));
                return true;
            } catch (IOException e) {
                LOG.warn("SNMP: cannot store {} ({}); indexes may change at the next restart", file, e.toString());
                return false;
            }
        }
    }

    /**
     * A key as {@link Properties#load} reads it back: peer ids come from other routers, so '=',
     * ':', '#', '!', spaces, backslashes and anything outside printable ASCII are escaped.
     */
    static String escape(String key) {
        StringBuilder b = new StringBuilder(key.length());
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                if ("\\=: #!".indexOf(c) >= 0) {
                    b.append('\\');
                }
                b.append(c);
            }
        }
        return b.toString();
    }

    Path file() {
        return file;
    }
}
