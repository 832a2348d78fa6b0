package net.coopwan.snmp.security;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Properties;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.coopwan.config.AtomicFile;

/**
 * Keeps the SNMP engine ID and boot counter in a small text file ({@code engine.properties} in
 * the given directory).
 *
 * <p>Why not snmp4j's {@code EngineBootsCounterFile}: it writes Java serialization in place (a power
 * cut leaves a torn file) and only logs write failures, so boots could silently stop increasing.
 * Here a boot is only counted once the new value is on disk (temp file + fsync + rename); if it cannot
 * be written, {@link #boot()} throws and the agent does not start, because answering with a reused
 * boots value would let old captured messages be replayed (RFC 3414 3.2 step 7).
 *
 * <p>A file that exists but cannot be parsed is renamed to {@code engine.properties.corrupt-MILLIS}
 * (kept for the admin) and a new engine ID is made with boots 1, which RFC 3414 allows together with
 * a new engine ID. Managers then rediscover the engine; nothing else is lost.
 */
public final class EngineStateFile {

    private static final Logger LOG = LoggerFactory.getLogger(EngineStateFile.class);

    /** RFC 3411 SnmpEngineID: first bit 1, enterprise 8072 (net-snmp, owner of our playpen arc). */
    private static final byte[] ENGINE_ID_PREFIX = {(byte) 0x80, 0x00, 0x1f, (byte) 0x88};
    /** RFC 3411 format 5: octets, administratively assigned; here random. */
    private static final byte FORMAT_OCTETS = 5;
    private static final int RANDOM_OCTETS = 12;

    private final Path file;

    public EngineStateFile(Path directory) {
        this.file = directory.resolve("engine.properties");
    }

    public Path file() {
        return file;
    }

    /**
     * Counts one boot: reads the stored state (making a new engine ID on first use), increments the
     * boots counter and stores it durably.
     *
     * @return the engine ID and the boots value for this run
     * @throws IOException when the directory or file cannot be created, read or written
     */
    public EngineState boot() throws IOException {
        Files.createDirectories(file.getParent());
        EngineState previous = read();
        EngineState now;
        if (previous == null) {
            now = new EngineState(newEngineId(), 1);
        } else if (previous.engineBoots() == EngineState.MAX_BOOTS) {
            LOG.warn("SNMP engine boots reached its maximum {}: delete {} to get a new engine ID "
                    + "(managers must then rediscover it)", EngineState.MAX_BOOTS, file);
            now = previous;
        } else {
            now = new EngineState(previous.engineId(), previous.engineBoots() + 1);
        }
        write(now);
        return now;
    }

    /** The stored state, or null when there is none or it was unreadable and has been moved aside. */
    private EngineState read() throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        } catch (MalformedInputException e) {
            return moveAside("it is not UTF-8 text");
        }
        try {
            return parse(text);
        } catch (IllegalArgumentException e) {
            return moveAside(e.getMessage());
        }
    }

    static EngineState parse(String text) {
        Properties p = new Properties();
        try (Reader r = new StringReader(text)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("unreadable properties: " + e.getMessage(), e);
        }
        String id = p.getProperty("engineId");
        String boots = p.getProperty("engineBoots");
        if (id == null || boots == null) {
            throw new IllegalArgumentException("engineId or engineBoots missing");
        }
        byte[] idBytes;
        try {
            idBytes = HexFormat.of().parseHex(id.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("engineId is not hex: " + id, e);
        }
        int b;
        try {
            b = Integer.parseInt(boots.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("engineBoots is not a number: " + boots, e);
        }
        return new EngineState(idBytes, b);
    }

    private EngineState moveAside(String why) throws IOException {
        Path aside = file.resolveSibling(file.getFileName() + ".corrupt-" + System.currentTimeMillis());
        Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
        LOG.warn("SNMP engine state {} is unreadable ({}); kept it as {} and made a new engine ID: "
                + "managers will rediscover the engine", file, why, aside);
        return null;
    }

    private void write(EngineState state) throws IOException {
        String text = "# coopwan SNMP engine state (RFC 3414). Do not edit: engineBoots must only increase.\n"
                + "engineId=" + state.engineIdHex() + "\n"
                + "engineBoots=" + state.engineBoots() + "\n";
        // Synced file and directory: the boot only counts once it survives a power cut.
        AtomicFile.write(file, text.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] newEngineId() {
        byte[] id = new byte[ENGINE_ID_PREFIX.length + 1 + RANDOM_OCTETS];
        System.arraycopy(ENGINE_ID_PREFIX, 0, id, 0, ENGINE_ID_PREFIX.length);
        id[ENGINE_ID_PREFIX.length] = FORMAT_OCTETS;
        byte[] random = new byte[RANDOM_OCTETS];
        new SecureRandom().nextBytes(random);
        System.arraycopy(random, 0, id, ENGINE_ID_PREFIX.length + 1, RANDOM_OCTETS);
        return id;
    }
}
