package net.coopwan.webui.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import net.coopwan.daemon.api.ControlApi;
import net.coopwan.daemon.api.EmergencyStatus;

/**
 * The emergency connection (docs/management.md): {@code GET /api/v1/emergency}, this router's
 * own emergency and the neighbours it carries, and {@code POST /api/v1/emergency/{peer}/end}, the
 * owner stops carrying that neighbour's traffic (204; 404 when this router carries nothing for
 * it, 503 with the peer link off). Each is one ControlApi call; a refusal is a
 * {@link net.coopwan.daemon.api.ControlException} answered by the error mappers. Login and CSRF
 * as for every write ({@link net.coopwan.webui.http.AccessFeature}).
 */
@Path("/api/v1/emergency")
@Produces(MediaType.APPLICATION_JSON)
public final class EmergencyResource {

    private final ControlApi api;

    public EmergencyResource(ControlApi api) {
        this.api = api;
    }

    @GET
    public EmergencyStatus emergency() {
        return api.emergency();
    }

    @POST
    @Path("{peer}/end")
    public Response end(@PathParam("peer") String peer) {
        api.endEmergency(peer, "web");
        return Response.noContent().build();
    }
}
