package net.coopwan.webui.http;

import java.util.Optional;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;

import net.coopwan.webui.auth.Session;
import net.coopwan.webui.auth.SessionStore;

/**
 * Lets a request through only with a live session cookie and leaves the session in the request
 * attribute {@link Session#REQUEST_ATTRIBUTE}. Without one: 401 JSON for the API, a redirect to
 * the login page for people.
 */
final class SessionFilter implements ContainerRequestFilter {

    private final SessionStore sessions;
    private final Responses responses;

    SessionFilter(SessionStore sessions, Responses responses) {
        this.sessions = sessions;
        this.responses = responses;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        Optional<Session> session = sessions.find(SessionCookie.read(request.getCookies()));
        if (session.isPresent()) {
            request.setProperty(Session.REQUEST_ATTRIBUTE, session.get());
            return;
        }
        if (Audience.of(request.getUriInfo().getPath()) == Audience.API) {
            request.abortWith(responses.error(Audience.API, 401, "Login required",
                    "login required: POST {\"user\":..,\"password\":..} to /api/v1/login and send the "
                            + SessionCookie.NAME + " cookie it sets"));
        } else {
            request.abortWith(Responses.seeOther("/login"));
        }
    }
}
