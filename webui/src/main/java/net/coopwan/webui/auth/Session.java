package net.coopwan.webui.auth;

import java.time.Instant;

/**
 * One login. Immutable; the store keeps the mutable part (last use, flash message) beside it.
 *
 * @param id        random 256-bit id, the value of the session cookie
 * @param user      who logged in
 * @param csrfToken random 256-bit token every write must carry
 * @param createdAt when the login happened
 */
public record Session(String id, String user, String csrfToken, Instant createdAt) {

    /** Attribute name under which the request filters leave the session for resources. */
    public static final String REQUEST_ATTRIBUTE = "coopwan.session";

    @Override
    public String toString() {
        // Never let the id or token reach a log line by accident.
        return "Session[user=" + user + ", createdAt=" + createdAt + "]";
    }
}
