package net.coopwan.webui.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import net.coopwan.daemon.api.ControlApi;
import net.coopwan.daemon.api.SharingStatus;

/**
 * Bandwidth sharing (docs/management.md): {@code GET /api/v1/sharing}, what this router lends to
 * each borrower and borrows from each sharer with the kernel's counters, and
 * {@code POST /api/v1/sharing/{peer}/stop} and {@code .../resume}, the owner stops lending to that
 * borrower or lends again (204; 404 when it is no borrower of this router, 503 with the peer link
 * off or the stop not kept). Each is one ControlApi call; login and CSRF as for every write
 * ({@link net.coopwan.webui.http.AccessFeature}).
 */
@Path("/api/v1/sharing")
@Produces(MediaType.APPLICATION_JSON)
public final class SharingResource {

    private final ControlApi api;

    public SharingResource(ControlApi api) {
        this.api = api;
    }

    @GET
    public SharingStatus sharing() {
        return api.sharing();
    }

    @POST
    @Path("{peer}/stop")
    public Response stop(@PathParam("peer") String peer) {
        api.stopLending(peer, "web");
        return Response.noContent().build();
    }

    @POST
    @Path("{peer}/resume")
    public Response resume(@PathParam("peer") String peer) {
        api.resumeLending(peer, "web");
        return Response.noContent().build();
    }
}
