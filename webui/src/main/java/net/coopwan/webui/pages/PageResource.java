package net.coopwan.webui.pages;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

import net.coopwan.daemon.api.BondRequest;
import net.coopwan.daemon.api.BondStatus;
import net.coopwan.daemon.api.ControlApi;
import net.coopwan.daemon.api.ControlException;
import net.coopwan.daemon.api.ReloadResult;
import net.coopwan.webui.api.Reloads;
import net.coopwan.webui.auth.Flash;
import net.coopwan.webui.auth.LoginOutcome;
import net.coopwan.webui.auth.Logins;
import net.coopwan.webui.auth.Session;
import net.coopwan.webui.auth.SessionStore;
import net.coopwan.webui.http.Public;
import net.coopwan.webui.http.Responses;
import net.coopwan.webui.http.SessionCookie;

/**
 * The pages. Forms post and then redirect (303) to a page, so a browser refresh never repeats a
 * login or a reload. Login and CSRF checks are applied by {@link net.coopwan.webui.http.AccessFeature}.
 */
@Path("/")
@Produces(MediaType.TEXT_HTML + ";charset=UTF-8")
public final class PageResource {

    /** HTML id of the message that reports a bond form's outcome. */
    static final String BOND_RESULT = "bond-result";
    /** The id of the message after an approval or rejection. */
    static final String COOP_RESULT = "coop-result";
    /** The id of the message after an emergency was ended. */
    static final String EMERGENCY_RESULT = "emergency-result";
    /** The id of the message after lending was stopped or resumed. */
    static final String SHARING_RESULT = "sharing-result";

    private final ControlApi api;
    private final Logins logins;
    private final SessionStore sessions;
    private final Templates templates;

    public PageResource(ControlApi api, Logins logins, SessionStore sessions, Templates templates) {
        this.api = api;
        this.logins = logins;
        this.sessions = sessions;
        this.templates = templates;
    }

    @GET
    @Path("login")
    @Public
    public Response loginForm(@CookieParam(SessionCookie.NAME) String sessionId) {
        if (sessionId != null && sessions.find(sessionId).isPresent()) {
            return Responses.seeOther("/");
        }
        return Response.ok(loginPage("", null)).build();
    }

    @POST
    @Path("login")
    @Public
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response login(@FormParam("user") String user, @FormParam("password") String password,
                          @Context HttpServletRequest http, @Context SecurityContext security) {
        LoginOutcome outcome = logins.attempt(http.getRemoteAddr(), user, password);
        if (outcome.isThrottled()) {
            return Response.status(429).header(HttpHeaders.RETRY_AFTER, outcome.retryAfterSeconds())
                    .entity(loginPage(user, "Too many failed logins from this address. Try again in "
                            + outcome.retryAfterSeconds() + " seconds.")).build();
        }
        if (!outcome.ok()) {
            return Response.status(401).entity(loginPage(user, "Wrong user name or password.")).build();
        }
        return Response.seeOther(java.net.URI.create("/"))
                .header(HttpHeaders.SET_COOKIE, SessionCookie.set(outcome.session().id(), security.isSecure())).build();
    }

    @POST
    @Path("logout")
    public Response logout(@Context HttpServletRequest http, @Context SecurityContext security) {
        sessions.remove(session(http).id());
        return Response.seeOther(java.net.URI.create("/login"))
                .header(HttpHeaders.SET_COOKIE, SessionCookie.clear(security.isSecure())).build();
    }

    @GET
    public Response status(@Context HttpServletRequest http) {
        Session s = session(http);
        Map<String, Object> model = new HashMap<>(StatusView.model(api.status(), api.uplinks(),
                api.events(StatusView.EVENTS_SHOWN), api.bonds()));
        model.putAll(StatusView.nearby(api.discovery()));
        model.putAll(StatusView.cooperation(api.pendingRequests(), api.agreements()));
        model.putAll(StatusView.emergency(api.emergency()));
        model.putAll(StatusView.sharing(api.sharing()));
        model.putAll(StatusView.latency(api.latency()));
        model.put("user", s.user());
        model.put("csrf", s.csrfToken());
        model.put("shippedPassword", logins.shippedPasswordInUse());
        sessions.takeFlash(s.id()).ifPresent(f -> model.put("flash", f));
        return Response.ok(templates.render("status.ftlh", model)).build();
    }

    @POST
    @Path("reload")
    public Response reload(@Context HttpServletRequest http) {
        Session s = session(http);
        ReloadResult r = Reloads.run(api, s.user());
        sessions.setFlash(s.id(), new Flash(r.applied(), r.message()));
        return Responses.seeOther("/");
    }

    /**
     * The create-bond form: name, mode, MTU (blank for the daemon's default) and member
     * checkboxes. The outcome, or the daemon's reason for refusing, is the next page's message.
     */
    @POST
    @Path("bonds")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response createBond(@FormParam("name") String name, @FormParam("mode") String mode,
                               @FormParam("mtu") String mtu, @FormParam("member") List<String> members,
                               @Context HttpServletRequest http) {
        Session s = session(http);
        Flash flash;
        Integer m = null;
        String text = mtu == null ? "" : mtu.trim();
        if (!text.isEmpty() && !text.matches("\\d{1,9}")) {
            flash = new Flash(false, "Bond not created: MTU must be a whole number, got '" + text + "'.", BOND_RESULT);
        } else {
            if (!text.isEmpty()) {
                m = Integer.parseInt(text);
            }
            try {
                BondStatus b = api.createBond(new BondRequest(name == null ? "" : name.trim(),
                        mode == null || mode.isEmpty() ? null : mode, m, members));
                flash = new Flash(true, "Bond " + b.name() + " created" + (b.ifIndex() > 0 ? " as ifindex " + b.ifIndex() : "")
                        + ".", BOND_RESULT);
            } catch (ControlException e) {
                flash = new Flash(false, "Bond not created: " + e.getMessage(), BOND_RESULT);
            }
        }
        sessions.setFlash(s.id(), flash);
        return Responses.seeOther("/#bonds");
    }

    @POST
    @Path("bonds/{name}/delete")
    public Response deleteBond(@PathParam("name") String name, @Context HttpServletRequest http) {
        Session s = session(http);
        Flash flash;
        try {
            api.destroyBond(name);
            flash = new Flash(true, "Bond " + name + " deleted.", BOND_RESULT);
        } catch (ControlException e) {
            flash = new Flash(false, "Bond not deleted: " + e.getMessage(), BOND_RESULT);
        }
        sessions.setFlash(s.id(), flash);
        return Responses.seeOther("/#bonds");
    }

    /**
     * The approve form of a pending request: checkboxes {@code type} (the types approved) and a
     * text field {@code TYPE.PARAM} per offered parameter. Only the checked types' fields are
     * sent on; a field that is not a whole number is refused here, everything else (ranges,
     * missing values) is the daemon's rule and its words are the next page's message.
     */
    @POST
    @Path("pending/{peer}/approve")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response approve(@PathParam("peer") String peer, jakarta.ws.rs.core.MultivaluedMap<String, String> form,
                            @Context HttpServletRequest http) {
        Session s = session(http);
        Flash flash;
        Map<String, Map<String, Long>> types = new java.util.LinkedHashMap<>();
        String bad = null;
        List<String> checked = form.get("type");
        for (String type : checked == null ? List.<String>of() : checked) {
            Map<String, Long> values = new java.util.LinkedHashMap<>();
            for (Map.Entry<String, List<String>> e : form.entrySet()) {
                if (!e.getKey().startsWith(type + ".") || e.getValue().isEmpty()) {
                    continue;
                }
                String v = e.getValue().get(0).trim();
                if (v.isEmpty()) {
                    continue;
                }
                if (!v.matches("-?\\d{1,18}")) {
                    bad = e.getKey() + " must be a whole number, got '" + v + "'";
                    break;
                }
                values.put(e.getKey().substring(type.length() + 1), Long.parseLong(v));
            }
            types.put(type, values);
        }
        if (bad != null) {
            flash = new Flash(false, "Not approved: " + bad + ".", COOP_RESULT);
        } else if (types.isEmpty()) {
            flash = new Flash(false, "Not approved: tick at least one cooperation type.", COOP_RESULT);
        } else {
            try {
                var a = api.approve(peer, types, "web");
                flash = new Flash(true, "Agreement with " + a.peerId() + " stored and sent.", COOP_RESULT);
            } catch (ControlException e) {
                flash = new Flash(false, "Not approved: " + e.getMessage(), COOP_RESULT);
            }
        }
        sessions.setFlash(s.id(), flash);
        return Responses.seeOther("/#cooperation");
    }

    @POST
    @Path("pending/{peer}/reject")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response reject(@PathParam("peer") String peer, @FormParam("reason") String reason,
                           @Context HttpServletRequest http) {
        Session s = session(http);
        Flash flash;
        try {
            api.reject(peer, reason);
            flash = new Flash(true, "Request of " + peer + " rejected.", COOP_RESULT);
        } catch (ControlException e) {
            flash = new Flash(false, "Not rejected: " + e.getMessage(), COOP_RESULT);
        }
        sessions.setFlash(s.id(), flash);
        return Responses.seeOther("/#cooperation");
    }

    /** The "End emergency" button of a neighbour this router carries: forwarding stops and the neighbour is told. */
    @POST
    @Path("emergency/{peer}/end")
    public Response endEmergency(@PathParam("peer") String peer, @Context HttpServletRequest http) {
        Session s = session(http);
        Flash flash;
        try {
            api.endEmergency(peer, "web");
            flash = new Flash(true, "Emergency of " + peer + " ended: its traffic is no longer carried.", EMERGENCY_RESULT);
        } catch (ControlException e) {
            flash = new Flash(false, "Emergency not ended: " + e.getMessage(), EMERGENCY_RESULT);
        }
        sessions.setFlash(s.id(), flash);
        return Responses.seeOther("/#emergency");
    }

    /** The "Stop lending" button of a borrower: it is offered nothing and refused until resumed. */
    @POST
    @Path("sharing/{peer}/stop")
    public Response stopLending(@PathParam("peer") String peer, @Context HttpServletRequest http) {
        return lending(peer, http, true);
    }

    /** The "Resume lending" button of a borrower stopped before. */
    @POST
    @Path("sharing/{peer}/resume")
    public Response resumeLending(@PathParam("peer") String peer, @Context HttpServletRequest http) {
        return lending(peer, http, false);
    }

    private Response lending(String peer, HttpServletRequest http, boolean stop) {
        Session s = session(http);
        Flash flash;
        try {
            if (stop) {
                api.stopLending(peer, "web");
                flash = new Flash(true, "Lending to " + peer + " stopped: it is offered nothing until resumed.", SHARING_RESULT);
            } else {
                api.resumeLending(peer, "web");
                flash = new Flash(true, "Lending to " + peer + " resumed.", SHARING_RESULT);
            }
        } catch (ControlException e) {
            flash = new Flash(false, "Lending not " + (stop ? "stopped" : "resumed") + ": " + e.getMessage(), SHARING_RESULT);
        }
        sessions.setFlash(s.id(), flash);
        return Responses.seeOther("/#sharing");
    }

    private String loginPage(String user, String error) {
        Map<String, Object> model = new HashMap<>();
        model.put("user", user == null ? "" : user);
        if (error != null) {
            model.put("error", error);
        }
        return templates.render("login.ftlh", model);
    }

    private static Session session(HttpServletRequest http) {
        return (Session) http.getAttribute(Session.REQUEST_ATTRIBUTE);
    }
}
