package net.coopwan.webui;

import java.net.URI;
import java.time.Clock;

import net.coopwan.config.PasswordHash;
import net.coopwan.config.Web;
import net.coopwan.daemon.frontend.FrontEnd;
import net.coopwan.daemon.frontend.FrontEndContext;
import net.coopwan.webui.server.WebServer;

/** The admin web UI: status pages and the REST API, on {@code web.listen}:{@code web.port}. */
public final class WebFrontEnd implements FrontEnd {

    private volatile WebServer server;

    public WebFrontEnd() {
        // ServiceLoader needs it; all work happens in start().
    }

    @Override
    public String name() {
        return "web";
    }

    @Override
    public boolean enabled(FrontEndContext context) {
        return context.config().web().enabled();
    }

    @Override
    public String start(FrontEndContext context) throws Exception {
        if (server != null) {
            throw new IllegalStateException("web UI already started on " + server.uri());
        }
        Web web = context.config().web();
        // Nobody could ever log in with a broken hash: say so now rather than with every failed login.
        if (!PasswordHash.isWellFormed(web.passwordHash())) {
            throw new IllegalArgumentException("web password_hash is not a valid pbkdf2-sha256$ITERATIONS$SALT$HASH;"
                    + " set one with 'coopwan passwd'");
        }
        if (web.user() == null || web.user().isBlank()) {
            throw new IllegalArgumentException("web user is empty; set option user in the web section");
        }
        if (web.sessionTimeoutSeconds() < 1) {
            throw new IllegalArgumentException("web session timeout must be at least 1 s, got " + web.sessionTimeoutSeconds());
        }
        try {
            server = WebServer.start(web, context.api(), Clock.systemUTC());
        } catch (java.io.IOException e) {
            throw new java.io.IOException("web UI cannot listen on " + web.listen() + ":" + web.port() + ": "
                    + e.getMessage(), e);
        }
        return "web UI on " + server.uri();
    }

    /** Where it serves, once started; null before. */
    public URI uri() {
        WebServer s = server;
        return s == null ? null : s.uri();
    }

    @Override
    public void stop() {
        WebServer s = server;
        server = null;
        if (s != null) {
            s.stop();
        }
    }
}
