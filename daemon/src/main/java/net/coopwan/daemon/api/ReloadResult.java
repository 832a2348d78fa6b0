package net.coopwan.daemon.api;

/**
 * Outcome of a configuration reload.
 *
 * @param applied true when the new configuration is now in force
 * @param message what happened, e.g. the file:line:option error that kept the old configuration
 */
public record ReloadResult(boolean applied, String message) {
}
