package net.coopwan.webui.auth;

/**
 * A one-time message for the next page of a session, e.g. the outcome of a reload.
 *
 * @param ok      whether it reports success (shown green) or failure (shown red)
 * @param message the text
 */
public record Flash(boolean ok, String message) {
}
