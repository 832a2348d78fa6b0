package net.coopwan.daemon.main;

/**
 * Sets up slf4j-simple before the first logger is made: one line per event on stderr (procd sends
 * it to logd), libraries' chatter only from warn up so the log stays readable for an admin.
 */
public final class Logging {

    private Logging() {
    }

    public static void configure(String level) {
        set("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        set("org.slf4j.simpleLogger.log.coopwan", level);
        set("org.slf4j.simpleLogger.log.net.coopwan", level);
        set("org.slf4j.simpleLogger.showDateTime", "true");
        set("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
        set("org.slf4j.simpleLogger.showThreadName", "false");
        set("org.slf4j.simpleLogger.showLogName", "false");
        set("org.slf4j.simpleLogger.levelInBrackets", "true");
    }

    private static void set(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
