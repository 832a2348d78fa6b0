package net.coopwan.snmp.mib;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.coopwan.config.AtomicFile;

/**
 * The name-to-index maps of uplinkTable and bondTable ({@code indexes.properties} under
 * {@code STATE/snmp/}), so that uplinkIndex and bondIndex stay the same across restarts as
 * COOPWAN-MIB says. Lines {@code uplink.NAME=N} and {@code bond.NAME=N}; written atomically (temp
 * file, fsync, rename) like the engine state file.
 *
 * <p>Why a file and not the configuration order: an index taken from the position in
 * /etc/config/coopwan would shift when a section is removed or reordered by hand, so a manager's
 * bondIndex would then name another bond (and a member row another uplink). The MIB promises the
 * opposite.
 *
 * <p>A lost or unreadable file is not fatal: indexes are given anew (lowest free) and a warning is
 * logged; a write failure is logged and retried at the next change, the agent keeps serving.
 */
final class IndexFile {

    private static final Logger LOG = LoggerFactory.getLogger(IndexFile.class);

    private final Path file;

    IndexFile(Path directory) {
        this.file = directory == null ? null : directory.resolve("indexes.properties");
    }

    /** The stored maps: "uplink" and "bond" to (name to index); empty when there is no file yet. */
    Map<String, Map<String, Integer>> read() {
        Map<String, Map<String, Integer>> out = new TreeMap<>();
        out.put("uplink", new TreeMap<>());
        out.put("bond", new TreeMap<>());
        if (file == null) {
            return out;
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return out;
        } catch (IOException e) {
            LOG.warn("SNMP: cannot read {} ({}); uplinkIndex and bondIndex are given anew", file, e.toString());
            return out;
        }
        Properties p = new Properties();
        try (Reader r = new StringReader(text)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("SNMP: {} is unreadable ({}); uplinkIndex and bondIndex are given anew", file, e.toString());
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

    /** Stores both maps; logs and returns false when it cannot. */
    boolean write(Map<String, Integer> uplinks, Map<String, Integer> bonds) {
        if (file == null) {
            return true;
        }
        StringBuilder text = new StringBuilder(
                "# coopwan SNMP agent: uplinkIndex and bondIndex by name (COOPWAN-MIB). Kept so indexes survive restarts.\n");
        new TreeMap<>(uplinks).forEach((n, i) -> text.append("uplink.").append(n).append('=').append(i).append('\n'));
        new TreeMap<>(bonds).forEach((n, i) -> text.append("bond.").append(n).append('=').append(i).append('\n'));
        try {
            Files.createDirectories(file.getParent());
            AtomicFile.write(file, text.toString().getBytes(StandardCharsets.UTF_8));
            return true;
        } catch (IOException e) {
            LOG.warn("SNMP: cannot store {} ({}); indexes may change at the next restart", file, e.toString());
            return false;
        }
    }

    Path file() {
        return file;
    }
}
