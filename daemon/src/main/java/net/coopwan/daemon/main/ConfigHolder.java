package net.coopwan.daemon.main;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

import net.coopwan.config.ConfigException;
import net.coopwan.config.ConfigLoader;
import net.coopwan.config.CoopwanConfig;
import net.coopwan.config.uci.UciDocument;

/**
 * The configuration in force and where it came from. A reload swaps the whole immutable value
 * only when the new file validates, so readers never see a half-applied configuration.
 */
public final class ConfigHolder {

    private final Path file;
    private final AtomicReference<CoopwanConfig> current;

    private ConfigHolder(Path file, CoopwanConfig initial) {
        this.file = file;
        this.current = new AtomicReference<>(initial);
    }

    /** From a file; the daemon refuses to start when it does not validate. */
    public static ConfigHolder fromFile(Path file) throws ConfigException {
        return new ConfigHolder(file, ConfigLoader.load(file));
    }

    /**
     * Makes a configuration that a front-end has just validated and written to {@link #file()}
     * the one in force, without reading the file again (a bond change, say). Callers serialise
     * their read-modify-write with {@link #reload()} themselves (the daemon's bond manager does).
     *
     * @throws IllegalStateException when running on embedded defaults or when the document names
     *         another file
     */
    public void install(ValidatedConfig written) {
        if (file == null) {
            throw new IllegalStateException("running on embedded defaults: there is no file to install a config from");
        }
        UciDocument doc = written.document();
        if (doc.file() != null && !doc.file().equals(file)) {
            throw new IllegalStateException("config for " + doc.file() + " offered to the holder of " + file);
        }
        current.set(written.config());
    }

    /** From the defaults embedded in the jar, for a first run without /etc/config/coopwan. */
    public static ConfigHolder embeddedDefaults() {
        return new ConfigHolder(null, ConfigLoader.defaults());
    }

    /** For tests and for callers that built the config themselves. */
    public static ConfigHolder of(Path file, CoopwanConfig config) {
        return new ConfigHolder(file, config);
    }

    public CoopwanConfig current() {
        return current.get();
    }

    /** The file, or null when running on embedded defaults. */
    public Path file() {
        return file;
    }

    public String sourceName() {
        return file == null ? "(embedded defaults)" : file.toString();
    }

    /**
     * Re-reads the file. On success the new config is in force and returned; on failure the old
     * one stays and the exception says why.
     */
    public CoopwanConfig reload() throws ConfigException {
        if (file == null) {
            return current.get();
        }
        CoopwanConfig next = ConfigLoader.load(file);
        current.set(next);
        return next;
    }
}
