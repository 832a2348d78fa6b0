package net.coopwan.webui.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import net.coopwan.daemon.testing.ManualClock;

import net.coopwan.config.PasswordHash;
import net.coopwan.config.Web;

class LoginsTest {

    private final ManualClock clock = new ManualClock();
    private final SessionStore sessions = new SessionStore(Duration.ofMinutes(5), 4, clock);

    private Logins logins(String password) {
        Web web = web(password);
        return new Logins(() -> web, new LoginThrottle(2, Duration.ofMinutes(1), 16, clock), sessions);
    }

    private static Web web(String password) {
        return new Web(true, "127.0.0.1", 8080, "admin", PasswordHash.hash(password.toCharArray()), 600);
    }

    @Test
    void aChangedPasswordAppliesAtTheNextAttemptAndClearsTheDefaultPasswordWarning() {
        AtomicReference<Web> config = new AtomicReference<>(web(Logins.SHIPPED_PASSWORD));
        Logins l = new Logins(config::get, new LoginThrottle(5, Duration.ofMinutes(1), 16, clock), sessions);
        assertTrue(l.attempt("c", "admin", Logins.SHIPPED_PASSWORD).ok());
        assertTrue(l.shippedPasswordInUse());
        config.set(web("a new secret"));
        assertFalse(l.shippedPasswordInUse(), "the warning was about the old hash");
        assertFalse(l.attempt("c", "admin", Logins.SHIPPED_PASSWORD).ok(), "old password no longer works");
        assertTrue(l.attempt("c", "admin", "a new secret").ok());
    }

    @Test
    void rightUserAndPasswordOpenASession() {
        Logins l = logins("pw-1");
        LoginOutcome ok = l.attempt("c", "admin", "pw-1");
        assertTrue(ok.ok());
        assertEquals("admin", ok.session().user());
        assertTrue(sessions.find(ok.session().id()).isPresent());
        assertFalse(l.attempt("c", "admin", "pw-2").ok());
        assertFalse(l.attempt("c", "Admin", "pw-1").ok(), "user names are exact");
        assertFalse(l.attempt("d", null, null).ok());
    }

    @Test
    void throttledAttemptsDoNotEvenCheckThePassword() {
        Logins l = logins("pw-1");
        l.attempt("c", "admin", "x");
        l.attempt("c", "admin", "y");
        LoginOutcome o = l.attempt("c", "admin", "pw-1");
        assertFalse(o.ok());
        assertTrue(o.isThrottled());
        assertTrue(o.retryAfterSeconds() > 0);
    }

    @Test
    void theShippedPasswordIsNoticedAtLogin() {
        Logins shipped = logins(Logins.SHIPPED_PASSWORD);
        assertFalse(shipped.shippedPasswordInUse(), "unknown before any login");
        assertTrue(shipped.attempt("c", "admin", "coopwan").ok());
        assertTrue(shipped.shippedPasswordInUse());
        // Same answer as the direct check the login spares us.
        Logins other = logins("something-else");
        assertTrue(other.attempt("c", "admin", "something-else").ok());
        assertFalse(other.shippedPasswordInUse());
    }
}
