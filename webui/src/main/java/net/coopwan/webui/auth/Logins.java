package net.coopwan.webui.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.coopwan.config.PasswordHash;

/**
 * Checks a user name and password against the configured user and hash, throttles failures per
 * client address, and opens a session on success. Shared by the login page and the REST login.
 */
public final class Logins {

    /** The password coopwan ships with; a router still using it must say so loudly. */
    public static final String SHIPPED_PASSWORD = "coopwan";

    private static final Logger LOG = LoggerFactory.getLogger("coopwan.web");

    private final String user;
    private final String passwordHash;
    private final LoginThrottle throttle;
    private final SessionStore sessions;
    /**
     * Whether the configured hash is the shipped default, learnt at the first successful login:
     * whoever logged in typed the password, so "it was 'coopwan'" is the same answer as
     * verify("coopwan", hash) without paying a second key derivation at start-up or per page.
     * Empty until then (no page is shown before a login anyway).
     */
    private volatile Optional<Boolean> shippedPassword = Optional.empty();

    public Logins(String user, String passwordHash, LoginThrottle throttle, SessionStore sessions) {
        this.user = user;
        this.passwordHash = passwordHash;
        this.throttle = throttle;
        this.sessions = sessions;
    }

    /**
     * One login attempt.
     *
     * @param client the client's address, for throttling and the log
     */
    public LoginOutcome attempt(String client, String givenUser, String password) {
        long wait = throttle.retryAfterSeconds(client);
        if (wait > 0) {
            LOG.warn("web login from {} refused: too many failed logins, retry in {} s", client, wait);
            return LoginOutcome.throttled(wait);
        }
        char[] pw = password == null ? new char[0] : password.toCharArray();
        // Always derive the key, also for a wrong user name, so timing does not reveal the user name.
        boolean passwordOk = PasswordHash.verify(pw, passwordHash);
        java.util.Arrays.fill(pw, '\0');
        boolean userOk = givenUser != null && MessageDigest.isEqual(user.getBytes(StandardCharsets.UTF_8),
                givenUser.getBytes(StandardCharsets.UTF_8));
        if (!(passwordOk && userOk)) {
            throttle.failed(client);
            LOG.warn("web login from {} failed for user '{}'", client, printable(givenUser));
            return LoginOutcome.rejected();
        }
        throttle.succeeded(client);
        shippedPassword = Optional.of(SHIPPED_PASSWORD.equals(password));
        Session s = sessions.create(user);
        LOG.info("web login from {} as '{}'", client, user);
        return LoginOutcome.accepted(s);
    }

    /** True when a login has shown the password is still the shipped default. */
    public boolean shippedPasswordInUse() {
        return shippedPassword.orElse(false);
    }

    /** Keeps control characters of a hostile user name out of the log. */
    private static String printable(String s) {
        if (s == null) {
            return "";
        }
        String cut = s.length() > 64 ? s.substring(0, 64) + "..." : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
