package net.coopwan.webui.api;

import java.net.URI;
import java.util.List;
import java.util.Optional;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.JsonNode;

import net.coopwan.daemon.api.BondRequest;
import net.coopwan.daemon.api.BondStatus;
import net.coopwan.daemon.api.BondUpdate;
import net.coopwan.daemon.api.ControlApi;
import net.coopwan.daemon.api.ControlException;
import net.coopwan.webui.http.ApiError;
import net.coopwan.webui.http.ApiReasonError;
import net.coopwan.webui.http.ErrorMappers;

/**
 * {@code /api/v1/bonds}: the bond lifecycle, each call one ControlApi call. A refusal is a
 * {@link ControlException}, answered by {@link ErrorMappers.Control}; only the shape of the JSON is
 * checked here. Login and CSRF as for every write ({@link net.coopwan.webui.http.AccessFeature}).
 */
@Path("/api/v1/bonds")
@Produces(MediaType.APPLICATION_JSON)
public final class BondResource {

    private final ControlApi api;

    public BondResource(ControlApi api) {
        this.api = api;
    }

    @GET
    public List<BondStatus> list() {
        return api.bonds();
    }

    @GET
    @Path("{name}")
    public Response get(@PathParam("name") String name) {
        return find(name).map(b -> Response.ok(b).build()).orElseGet(() -> noSuchBond(name));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(BondBody body) {
        if (body == null || body.name() == null) {
            return error(400, "send JSON {\"name\": \"...\", \"mode\": \"...\", \"mtu\": N, \"members\": [\"...\"]};"
                    + " only name is required");
        }
        Integer mtu;
        try {
            mtu = mtu(body.mtu());
        } catch (IllegalArgumentException e) {
            return error(400, e.getMessage());
        }
        BondStatus created = api.createBond(new BondRequest(body.name(), body.mode(), mtu, body.members()));
        return Response.created(location(created.name())).entity(created).build();
    }

    @DELETE
    @Path("{name}")
    public Response destroy(@PathParam("name") String name) {
        api.destroyBond(name);
        return Response.noContent().build();
    }

    @PATCH
    @Path("{name}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response update(@PathParam("name") String name, BondBody body) {
        if (body == null || body.name() != null || body.members() != null) {
            return error(400, "send JSON {\"mode\": \"...\", \"mtu\": N} (either or both); the name is in the path"
                    + " and members are changed under /members");
        }
        Integer mtu;
        try {
            mtu = mtu(body.mtu());
        } catch (IllegalArgumentException e) {
            return error(400, e.getMessage());
        }
        return Response.ok(api.updateBond(name, new BondUpdate(body.mode(), mtu))).build();
    }

    /** Adds a member: 201 when added, 200 when it was a member already (PUT is idempotent). */
    @PUT
    @Path("{name}/members/{uplink}")
    public Response addMember(@PathParam("name") String name, @PathParam("uplink") String uplink) {
        try {
            BondStatus s = api.addBondMember(name, uplink);
            return Response.created(location(name).resolve(name + "/members/" + uplink)).entity(s).build();
        } catch (ControlException e) {
            if (e.reason() == ControlException.Reason.ALREADY_EXISTS) {
                Optional<BondStatus> now = find(name);
                if (now.isPresent() && now.get().members().contains(uplink)) {
                    return Response.ok(now.get()).build();
                }
            }
            throw e;
        }
    }

    @DELETE
    @Path("{name}/members/{uplink}")
    public Response removeMember(@PathParam("name") String name, @PathParam("uplink") String uplink) {
        return Response.ok(api.removeBondMember(name, uplink)).build();
    }

    private Optional<BondStatus> find(String name) {
        return api.bonds().stream().filter(b -> b.name().equals(name)).findFirst();
    }

    /** A GET of a bond that is not configured: the same answer as the daemon's NOT_FOUND elsewhere. */
    private static Response noSuchBond(String name) {
        ControlException.Reason reason = ControlException.Reason.NOT_FOUND;
        return Response.status(ErrorMappers.status(reason)).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ApiReasonError("no bond named '" + name + "'", reason.name())).build();
    }

    /** Absolute path of a bond; Jersey makes it absolute against the request for the Location header. */
    private static URI location(String name) {
        return URI.create("/api/v1/bonds/" + name);
    }

    /** The JSON shape of mtu: absent or null, else a whole number; its range is the daemon's rule. */
    static Integer mtu(JsonNode mtu) {
        if (mtu == null || mtu.isNull()) {
            return null;
        }
        if (!mtu.isIntegralNumber() || !mtu.canConvertToInt()) {
            throw new IllegalArgumentException("mtu must be a whole number, got " + clip(mtu.toString()));
        }
        return mtu.intValue();
    }

    private static String clip(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }

    private static Response error(int status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(new ApiError(message)).build();
    }
}
