package net.coopwan.webui.api;

import java.util.List;
import java.util.Map;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import net.coopwan.daemon.api.AgreementStatus;
import net.coopwan.daemon.api.ControlApi;
import net.coopwan.daemon.api.PeerInfo;
import net.coopwan.daemon.api.PendingApproval;
import net.coopwan.webui.http.ApiError;

/**
 * The cooperation handshake (docs/management.md): {@code GET /api/v1/agreements},
 * {@code GET /api/v1/pending}, {@code POST /api/v1/pending/{peer}/approve} and {@code .../reject},
 * {@code POST /api/v1/peers/{peer}/request}, and a neighbour's additional information:
 * {@code GET /api/v1/peers/{peer}/info} (the last received) and {@code POST} there (ask again;
 * 202 with the request's id, the answer follows within a round trip). Each is one ControlApi call; a refusal is a
 * {@link net.coopwan.daemon.api.ControlException} answered by the error mappers. Login and CSRF
 * as for every write ({@link net.coopwan.webui.http.AccessFeature}).
 */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public final class AgreementResource {

    private final ControlApi api;

    public AgreementResource(ControlApi api) {
        this.api = api;
    }

    /** The JSON of an approval: {@code {"types": {"emergency": {"bandwidth_kbps": 5000, ...}}}}. */
    public record ApproveBody(Map<String, Map<String, Long>> types) {
    }

    /** The JSON of a rejection: {@code {"reason": "..."}}, the reason optional. */
    public record RejectBody(String reason) {
    }

    @GET
    @Path("agreements")
    public List<AgreementStatus> agreements() {
        return api.agreements();
    }

    @GET
    @Path("pending")
    public List<PendingApproval> pending() {
        return api.pendingRequests();
    }

    @POST
    @Path("pending/{peer}/approve")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response approve(@PathParam("peer") String peer, ApproveBody body) {
        if (body == null || body.types() == null) {
            return error("send JSON {\"types\": {\"TYPE\": {\"PARAM\": VALUE, ...}, ...}} with a value for every offered"
                    + " parameter of each type approved");
        }
        return Response.ok(api.approve(peer, body.types(), "web")).build();
    }

    @POST
    @Path("pending/{peer}/reject")
    public Response reject(@PathParam("peer") String peer, RejectBody body) {
        api.reject(peer, body == null ? null : body.reason());
        return Response.noContent().build();
    }

    @POST
    @Path("peers/{peer}/request")
    public Response request(@PathParam("peer") String peer) {
        return Response.ok(api.requestCooperation(peer)).build();
    }

    @GET
    @Path("peers/{peer}/info")
    public PeerInfo info(@PathParam("peer") String peer) {
        return api.peerInfo(peer);
    }

    @POST
    @Path("peers/{peer}/info")
    public Response requestInfo(@PathParam("peer") String peer) {
        return Response.accepted(api.requestInfo(peer)).build();
    }

    private static Response error(String message) {
        return Response.status(400).type(MediaType.APPLICATION_JSON_TYPE).entity(new ApiError(message)).build();
    }
}
