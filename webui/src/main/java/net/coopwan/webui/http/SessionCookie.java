package net.coopwan.webui.http;

import java.util.Map;

import jakarta.ws.rs.core.Cookie;

/**
 * The session cookie. Written by hand because its attributes are the point: HttpOnly (scripts
 * cannot read it), SameSite=Strict (other sites cannot make the browser send it), Path=/, and
 * Secure only over https (over plain http a Secure cookie would never come back).
 */
public final class SessionCookie {

    public static final String NAME = "coopwan_session";

    private SessionCookie() {
    }

    /** Set-Cookie value starting a session. */
    public static String set(String sessionId, boolean secure) {
        return NAME + "=" + sessionId + "; Path=/; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
    }

    /** Set-Cookie value making the browser forget the session. */
    public static String clear(boolean secure) {
        return NAME + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
    }

    /** The session id the request carries, or null. */
    public static String read(Map<String, Cookie> cookies) {
        Cookie c = cookies.get(NAME);
        return c == null || c.getValue().isEmpty() ? null : c.getValue();
    }
}
