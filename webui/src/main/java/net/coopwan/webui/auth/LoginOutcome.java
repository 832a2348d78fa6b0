package net.coopwan.webui.auth;

/**
 * What a login attempt came to.
 *
 * @param session           the new session when accepted, else null
 * @param retryAfterSeconds seconds to wait when throttled, else 0
 */
public record LoginOutcome(Session session, long retryAfterSeconds) {

    public static LoginOutcome accepted(Session s) {
        return new LoginOutcome(s, 0);
    }

    public static LoginOutcome rejected() {
        return new LoginOutcome(null, 0);
    }

    public static LoginOutcome throttled(long retryAfterSeconds) {
        return new LoginOutcome(null, retryAfterSeconds);
    }

    public boolean ok() {
        return session != null;
    }

    public boolean isThrottled() {
        return retryAfterSeconds > 0;
    }
}
