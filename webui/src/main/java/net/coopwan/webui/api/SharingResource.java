package net.coopwan.webui.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import net.coopwan.daemon.api.ControlApi;
import net.coopwan.daemon.api.SharingStatus;

/**
 * Bandwidth sharing (docs/management.md): {@code GET /api/v1/sharing}, what this router lends to
 * each borrower and borrows from each sharer; one ControlApi call, login as for every API read.
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
}
