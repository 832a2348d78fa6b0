package net.coopwan.webui.api;

import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

import net.coopwan.daemon.api.ControlApi;
import net.coopwan.daemon.api.DiscoveryStatus;
import net.coopwan.daemon.api.Event;
import net.coopwan.daemon.api.NetInterface;
import net.coopwan.daemon.api.ReloadResult;
import net.coopwan.daemon.api.Status;
import net.coopwan.daemon.api.UplinkStatus;
import net.coopwan.webui.auth.LoginOutcome;
import net.coopwan.webui.auth.Logins;
import net.coopwan.webui.auth.Session;
import net.coopwan.webui.auth.SessionStore;
import net.coopwan.webui.http.ApiError;
import net.coopwan.webui.http.Public;
import net.coopwan.webui.http.SessionCookie;

/**
 * {@code /api/v1}. Everything but login needs the session cookie; writes need {@code X-CSRF-Token}
 * (enforced by {@link net.coopwan.webui.http.AccessFeature}, not here).
 */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public final class ApiResource {

    /** Events returned when the client does not say how many. */
    static final int DEFAULT_EVENTS = 100;

    private final ControlApi api;
    private final Logins logins;
    private final SessionStore sessions;

    public ApiResource(ControlApi api, Logins logins, SessionStore sessions) {
        this.api = api;
        this.logins = logins;
        this.sessions = sessions;
    }

    @POST
    @Path("login")
    @Public
    @Consumes(MediaType.APPLICATION_JSON)
    public Response login(LoginRequest body, @Context HttpServletRequest http, @Context SecurityContext security) {
        if (body == null || body.user() == null || body.password() == null) {
            return error(400, "send JSON {\"user\": \"...\", \"password\": \"...\"}");
        }
        LoginOutcome outcome = logins.attempt(http.getRemoteAddr(), body.user(), body.password());
        if (outcome.isThrottled()) {
            return Response.status(429).header(HttpHeaders.RETRY_AFTER, outcome.retryAfterSeconds())
                    .entity(new ApiError("too many failed logins from " + http.getRemoteAddr() + "; retry in "
                            + outcome.retryAfterSeconds() + " s")).build();
        }
        if (!outcome.ok()) {
            return error(401, "wrong user or password");
        }
        Session s = outcome.session();
        return Response.ok(new LoginResponse(s.csrfToken()))
                .header(HttpHeaders.SET_COOKIE, SessionCookie.set(s.id(), security.isSecure())).build();
    }

    @POST
    @Path("logout")
    public Response logout(@Context HttpServletRequest http, @Context SecurityContext security) {
        sessions.remove(session(http).id());
        return Response.noContent().header(HttpHeaders.SET_COOKIE, SessionCookie.clear(security.isSecure())).build();
    }

    @GET
    @Path("status")
    public Status status() {
        return api.status();
    }

    @GET
    @Path("uplinks")
    public List<UplinkStatus> uplinks() {
        return api.uplinks();
    }

    /** The discovery beacon on the peer link and the routers heard on it; {@code enabled} false when off. */
    @GET
    @Path("nearby")
    public DiscoveryStatus nearby() {
        return api.discovery();
    }

    /** The secure channel and the paired routers (docs/PROTOCOL.md 3.9). */
    @GET
    @Path("peers")
    public net.coopwan.daemon.api.PeersStatus peers() {
        return api.peers();
    }

    /** Shows a pairing code for the router at {@code address}: {@code {"address": "100.64.77.2"}}. */
    @POST
    @Path("pair/start")
    public Response pairStart(PairBody body) {
        if (body == null || body.address() == null) {
            return error(400, "give {\"address\": \"IPv4 of the other router\"}");
        }
        return Response.ok(api.pairStart(body.address())).build();
    }

    /** Enters the code shown on the router at {@code address}: {@code {"address": ..., "code": "1234-5678"}}. */
    @POST
    @Path("pair/enter")
    public Response pairEnter(PairBody body) {
        if (body == null || body.address() == null || body.code() == null) {
            return error(400, "give {\"address\": \"IPv4 of the other router\", \"code\": \"the code it shows\"}");
        }
        return Response.ok(api.pairEnter(body.address(), body.code())).build();
    }

    @GET
    @Path("interfaces")
    public List<NetInterface> interfaces() {
        return api.interfaces();
    }

    /** {@code limit} is taken as text so "abc" is a 400 that says why, not JAX-RS's bare 404. */
    @GET
    @Path("events")
    public Response events(@QueryParam("limit") String limit) {
        int n;
        if (limit == null || limit.isEmpty()) {
            n = DEFAULT_EVENTS;
        } else {
            try {
                n = Integer.parseInt(limit.trim());
            } catch (NumberFormatException e) {
                return error(400, "limit must be a whole number 1-1000, got '" + limit + "'");
            }
        }
        List<Event> events;
        try {
            events = api.events(n);
        } catch (IllegalArgumentException e) {
            // The ControlApi owns the valid range; pass its words on.
            return error(400, e.getMessage());
        }
        return Response.ok(events).build();
    }

    @POST
    @Path("reload")
    public ReloadResult reload(@Context HttpServletRequest http) {
        return Reloads.run(api, session(http).user());
    }

    private static Session session(HttpServletRequest http) {
        return (Session) http.getAttribute(Session.REQUEST_ATTRIBUTE);
    }

    private static Response error(int status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(new ApiError(message)).build();
    }
}
