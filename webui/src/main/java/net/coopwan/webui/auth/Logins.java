package net.coopwan.webui.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.coopwan.config.PasswordHash;
import net.coopwan.config.Web;

/**
 * Checks a user name and password against the configured user and hash, throttles failures per
 * client address, and opens a session on success. Shared by the login page and the REST login.
 */
public final class Logins {

    /** The password coopwan ships with; a router still using it must say so loudly. */
    public static final String SHIPPED_PASSWORD = "coopwan";

    private static final Logger LOG = LoggerFactory.getLogger("coopwan.web");

    /**
     * The configured user and hash, read at every attempt: a reload after {@code coopwan passwd}
     * applies the new password at once, without a restart.
     */
    private final Supplier<Web> credentials;
    private final LoginThrottle throttle;
    private final SessionStore sessions;
    /**
     * Whether the configured hash is the shipped default, learnt at a successful login: whoever
     * logged in typed the password, so "it was 'coopwan'" is the same answer as
     * verify("coopwan", hash) without paying a second key derivation at start-up or per page.
     * Remembered with the hash it was learnt for, so a changed password clears it.
     */
    private volatile Optional<Learnt> shippedPassword = Optional.empty();

    private record Learnt(String hash, boolean shipped) {
    }

    public Logins(Supplier<Web> credentials, LoginThrottle throttle, SessionStore sessions) {
        this.credentials = credentials;
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
        Web web = credentials.get();
        String user = web.user();
        char[] pw = password == null ? new char[0] : password.toCharArray();
        // Always derive the key, also for a wrong user name, so timing does not reveal the user name.
        boolean passwordOk = PasswordHash.verify(pw, web.passwordHash());
        java.util.Arrays.fill(pw, '\0');
        boolean userOk = givenUser != null && MessageDigest.isEqual(user.getBytes(StandardCharsets.UTF_8),
                givenUser.getBytes(StandardCharsets.UTF_8));
        if (!(passwordOk && userOk)) {
            throttle.failed(client);
            LOG.warn("web login from {} failed for user '{}'", client, printable(givenUser));
            return LoginOutcome.rejected();
        }
        throttle.succeeded(client);
        shippedPassword = Optional.of(new Learnt(web.passwordHash(), SHIPPED_PASSWORD.equals(password)));
        Session s = sessions.create(user);
        LOG.info("web login from {} as '{}'", client, user);
        return LoginOutcome.accepted(s);
    }

    /** True when a login has shown the password is still the shipped default. */
    public boolean shippedPasswordInUse() {
        String hash = credentials.get().passwordHash();
        return shippedPassword.map(l -> l.shipped() && l.hash().equals(hash)).orElse(false);
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
