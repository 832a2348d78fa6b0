package net.coopwan.daemon.main;

import java.util.Objects;

import net.coopwan.config.ConfigException;
import net.coopwan.config.ConfigLoader;
import net.coopwan.config.CoopwanConfig;
import net.coopwan.config.uci.UciDocument;

/**
 * A document together with the configuration {@link ConfigLoader#load(UciDocument)} made of it.
 * The only way to get one is {@link #of(UciDocument)}, which validates, so {@link
 * ConfigHolder#install} can only ever swap in a configuration that validated.
 */
public final class ValidatedConfig {

    private final UciDocument document;
    private final CoopwanConfig config;

    private ValidatedConfig(UciDocument document, CoopwanConfig config) {
        this.document = document;
        this.config = config;
    }

    /** Validates DOCUMENT. @throws ConfigException naming file, line and option */
    public static ValidatedConfig of(UciDocument document) throws ConfigException {
        Objects.requireNonNull(document, "document");
        return new ValidatedConfig(document, ConfigLoader.load(document));
    }

    public UciDocument document() {
        return document;
    }

    public CoopwanConfig config() {
        return config;
    }
}
