package net.coopwan.webui.http;

import jakarta.ws.rs.NotAcceptableException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;

import net.coopwan.daemon.api.ControlException;

/**
 * Turns every exception into a clear answer for its audience. A bug gives a 500 that says to look
 * at the log, where the stack trace goes; the client never sees one.
 */
public final class ErrorMappers {

    private static final Logger LOG = LoggerFactory.getLogger("coopwan.web");

    private ErrorMappers() {
    }

    /** The four mappers, to register with Jersey. */
    public static Object[] all(Responses responses) {
        return new Object[] {new Http(responses), new Json(responses), new Control(responses), new Unexpected(responses)};
    }

    /**
     * The HTTP status for each reason the daemon's ControlApi gives when it refuses a request: the
     * one place the web UI maps them (docs/management.md has the same table).
     */
    public static int status(ControlException.Reason reason) {
        return switch (reason) {
            case INVALID_VALUE -> 400;
            case INCONSISTENT, ALREADY_EXISTS -> 409;
            case NOT_FOUND -> 404;
            case RESOURCE_UNAVAILABLE -> 503;
        };
    }

    /**
     * A request the daemon refused ({@link ControlException}): nothing changed. The API gets
     * {@code {"error": MESSAGE, "reason": REASON}} with {@link #status}; a page gets the error page.
     */
    public static final class Control implements ExceptionMapper<ControlException> {
        private final Responses responses;
        @Context
        private UriInfo uri;

        Control(Responses responses) {
            this.responses = responses;
        }

        @Override
        public Response toResponse(ControlException e) {
            int status = status(e.reason());
            Audience audience = Audience.of(uri.getPath());
            if (audience == Audience.API) {
                return Response.status(status).type(jakarta.ws.rs.core.MediaType.APPLICATION_JSON_TYPE)
                        .entity(new ApiReasonError(e.getMessage(), e.reason().name())).build();
            }
            return responses.error(audience, status, "Request refused", e.getMessage());
        }
    }

    /** 404, 405, 415 and the other errors JAX-RS raises itself. */
    public static final class Http implements ExceptionMapper<WebApplicationException> {
        private final Responses responses;
        @Context
        private UriInfo uri;

        Http(Responses responses) {
            this.responses = responses;
        }

        @Override
        public Response toResponse(WebApplicationException e) {
            Response original = e.getResponse();
            int status = original.getStatus();
            String path = "/" + uri.getPath();
            String message;
            if (e instanceof NotFoundException) {
                message = "no such page: " + path;
            } else if (e instanceof NotAllowedException) {
                message = "method not allowed on " + path + "; allowed: " + original.getHeaderString(HttpHeaders.ALLOW);
            } else if (e instanceof NotSupportedException) {
                message = "unsupported Content-Type for " + path
                        + (Audience.of(uri.getPath()) == Audience.API ? "; send application/json" : "");
            } else if (e instanceof NotAcceptableException) {
                message = "cannot produce the type the Accept header asks for";
            } else {
                message = original.getStatusInfo().getReasonPhrase();
            }
            Response.ResponseBuilder b = Response.fromResponse(
                    responses.error(Audience.of(uri.getPath()), status, original.getStatusInfo().getReasonPhrase(), message));
            String allow = original.getHeaderString(HttpHeaders.ALLOW);
            if (allow != null) {
                b.header(HttpHeaders.ALLOW, allow);
            }
            return b.build();
        }
    }

    /** Malformed or mistyped JSON in a request body. */
    public static final class Json implements ExceptionMapper<JsonProcessingException> {
        private final Responses responses;
        @Context
        private UriInfo uri;

        Json(Responses responses) {
            this.responses = responses;
        }

        @Override
        public Response toResponse(JsonProcessingException e) {
            // getOriginalMessage leaves out Jackson's source excerpt and class names.
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            return responses.error(Audience.of(uri.getPath()), 400, "Bad request",
                    "malformed JSON" + where + ": " + firstLine(e.getOriginalMessage()));
        }

        private static String firstLine(String s) {
            if (s == null) {
                return "";
            }
            int nl = s.indexOf('\n');
            return nl < 0 ? s : s.substring(0, nl);
        }
    }

    /** Anything else is a bug: log it in full, answer briefly. */
    public static final class Unexpected implements ExceptionMapper<Throwable> {
        private final Responses responses;
        @Context
        private UriInfo uri;

        Unexpected(Responses responses) {
            this.responses = responses;
        }

        @Override
        public Response toResponse(Throwable e) {
            LOG.error("web: internal error on /{}", uri.getPath(), e);
            return responses.error(Audience.of(uri.getPath()), 500, "Internal error",
                    "internal error (" + e.getClass().getSimpleName() + "); the daemon log has the details");
        }
    }
}
