package net.coopwan.webui.http;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;

/**
 * Refuses writes whose {@code Origin} header names another site. Browsers send Origin on every
 * POST; the check covers the login forms too, which have no session and so no CSRF token yet
 * (otherwise another site could log a visitor in as someone else). Requests without Origin
 * (curl, scripts) pass: they are not a browser being tricked.
 */
final class OriginFilter implements ContainerRequestFilter {

    private final Responses responses;

    OriginFilter(Responses responses) {
        this.responses = responses;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        String origin = request.getHeaderString("Origin");
        if (origin == null) {
            return;
        }
        String host = request.getHeaderString("Host");
        if (host != null && host.toLowerCase(Locale.ROOT).equals(authority(origin))) {
            return;
        }
        request.abortWith(responses.error(Audience.of(request.getUriInfo().getPath()), 403, "Request refused",
                "cross-site request refused: Origin " + origin + " is not this router; nothing was changed"));
    }

    /** host[:port] of an origin, lower case, or "" when it is not a URI ("null" from sandboxed frames). */
    private static String authority(String origin) {
        try {
            String a = new URI(origin).getRawAuthority();
            return a == null ? "" : a.toLowerCase(Locale.ROOT);
        } catch (URISyntaxException e) {
            return "";
        }
    }
}
