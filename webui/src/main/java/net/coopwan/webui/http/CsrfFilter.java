package net.coopwan.webui.http;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.MediaType;

import net.coopwan.webui.auth.Session;
import net.coopwan.webui.auth.Tokens;

/**
 * Every write must carry the session's CSRF token, in the {@code X-CSRF-Token} header (API) or
 * the {@code csrf} form field (pages); otherwise 403 and the resource never runs, so nothing
 * changes. Runs after {@link SessionFilter}.
 */
final class CsrfFilter implements ContainerRequestFilter {

    public static final String HEADER = "X-CSRF-Token";
    public static final String FORM_FIELD = "csrf";
    /** Our forms are a few hundred bytes; a bigger one is not ours. */
    static final int MAX_FORM_BYTES = 16 * 1024;

    private final Responses responses;

    CsrfFilter(Responses responses) {
        this.responses = responses;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        Session session = (Session) request.getProperty(Session.REQUEST_ATTRIBUTE);
        Audience audience = Audience.of(request.getUriInfo().getPath());
        String token = request.getHeaderString(HEADER);
        if (token == null && MediaType.APPLICATION_FORM_URLENCODED_TYPE.isCompatible(request.getMediaType())) {
            byte[] body = readBody(request);
            if (body == null) {
                request.abortWith(responses.error(audience, 413, "Form too large",
                        "form body larger than " + MAX_FORM_BYTES + " bytes"));
                return;
            }
            token = formField(body, FORM_FIELD);
            // Put the body back for the resource's @FormParam.
            request.setEntityStream(new ByteArrayInputStream(body));
        }
        if (session == null || !Tokens.same(session.csrfToken(), token)) {
            String message = audience == Audience.API
                    ? (token == null ? "missing " : "wrong ") + HEADER
                            + " header: every write needs the csrfToken returned by POST /api/v1/login; nothing was changed"
                    : "this form is stale or did not come from this router (CSRF token "
                            + (token == null ? "missing" : "wrong") + "); nothing was changed. Reload the page and try again.";
            request.abortWith(responses.error(audience, 403, "Request refused", message));
        }
    }

    private static byte[] readBody(ContainerRequestContext request) {
        try {
            byte[] body = request.getEntityStream().readNBytes(MAX_FORM_BYTES + 1);
            return body.length > MAX_FORM_BYTES ? null : body;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first value of {@code name} in an x-www-form-urlencoded body, or null. */
    static String formField(byte[] body, String name) {
        String form = new String(body, StandardCharsets.ISO_8859_1);
        for (String pair : form.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            try {
                if (name.equals(URLDecoder.decode(key, StandardCharsets.UTF_8))) {
                    return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                }
            } catch (IllegalArgumentException badEscape) {
                // A malformed %-escape in some field: skip it, the token check then fails cleanly.
            }
        }
        return null;
    }
}
