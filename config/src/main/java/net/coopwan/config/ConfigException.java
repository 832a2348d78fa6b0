package net.coopwan.config;

import java.nio.file.Path;

/**
 * A configuration that cannot be used. The message names file, line and option, as an admin
 * editing {@code /etc/config/coopwan} by hand needs: {@code /etc/config/coopwan:12: option 'port'
 * in section 'web': must be 1-65535, got '99999'}.
 */
public class ConfigException extends Exception {

    private final Path file;
    private final int line;
    private final String option;

    public ConfigException(Path file, int line, String option, String message) {
        super(format(file, line, option, message));
        this.file = file;
        this.line = line;
        this.option = option;
    }

    private static String format(Path file, int line, String option, String message) {
        StringBuilder sb = new StringBuilder();
        sb.append(file == null ? "<config>" : file.toString());
        if (line > 0) {
            sb.append(':').append(line);
        }
        sb.append(": ");
        if (option != null) {
            sb.append(option).append(": ");
        }
        return sb.append(message).toString();
    }

    public Path file() {
        return file;
    }

    /** 1-based line, or 0 when the problem is not on one line (a missing section). */
    public int line() {
        return line;
    }

    /** "option 'port' in section 'web'" style locator, or null. */
    public String option() {
        return option;
    }
}
