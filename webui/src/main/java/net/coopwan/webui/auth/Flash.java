package net.coopwan.webui.auth;

/**
 * A one-time message for the next page of a session, e.g. the outcome of a reload.
 *
 * @param ok      whether it reports success (shown green) or failure (shown red)
 * @param message the text
 * @param id      the HTML id of the message: what it reports ({@code reload-result}, {@code bond-result})
 */
public record Flash(boolean ok, String message, String id) {

    /** The outcome of a reload. */
    public Flash(boolean ok, String message) {
        this(ok, message, "reload-result");
    }
}
