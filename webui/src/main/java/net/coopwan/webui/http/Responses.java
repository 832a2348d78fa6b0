package net.coopwan.webui.http;

import java.net.URI;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Error and redirect responses in the form each audience expects. */
public final class Responses {

    private static final MediaType HTML = MediaType.TEXT_HTML_TYPE.withCharset("UTF-8");

    private final HtmlErrors html;

    public Responses(HtmlErrors html) {
        this.html = html;
    }

    /** {@code status} with a JSON error for programs or an HTML page for people. */
    public Response error(Audience audience, int status, String title, String message) {
        if (audience == Audience.API) {
            return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(new ApiError(message)).build();
        }
        return Response.status(status).type(HTML).entity(html.render(status, title, message)).build();
    }

    /** 303 See Other to a path on this server: after a form post the browser GETs the target. */
    public static Response seeOther(String path) {
        return Response.seeOther(URI.create(path)).build();
    }
}
