package net.coopwan.webui.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import net.coopwan.daemon.api.ControlApi;
import net.coopwan.daemon.api.LatencyStatus;

/**
 * Latency-critical traffic (docs/management.md): {@code GET /api/v1/latency}, the classification
 * with the kernel's counters, suppression of other traffic and duplication, one ControlApi call.
 * Read only; login as for every other GET ({@link net.coopwan.webui.http.AccessFeature}).
 */
@Path("/api/v1/latency")
@Produces(MediaType.APPLICATION_JSON)
public final class LatencyResource {

    private final ControlApi api;

    public LatencyResource(ControlApi api) {
        this.api = api;
    }

    @GET
    public LatencyStatus latency() {
        return api.latency();
    }
}
