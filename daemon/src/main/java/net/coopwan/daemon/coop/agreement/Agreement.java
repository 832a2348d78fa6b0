package net.coopwan.daemon.coop.agreement;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

import net.coopwan.config.CooperationType;

/**
 * The "enabled cooperation types" with one peer ([0115], storage 217): what both routers persist
 * and check every later {@link CooperationRequest} against. Each value is the agreed ceiling.
 *
 * @param peerId     the other router's id
 * @param localRole  this router's role in the agreement
 * @param enabled    type to parameter name to agreed value
 * @param approvedAt when the helper's owner approved (helper) or the response was accepted (requester)
 * @param approvedBy who approved
 */
public record Agreement(String peerId, Role localRole, Map<CooperationType, Map<String, Long>> enabled,
        Instant approvedAt, Approver approvedBy) {

    public Agreement {
        Objects.requireNonNull(peerId, "peerId");
        Objects.requireNonNull(localRole, "localRole");
        enabled = Maps.copy(enabled, "agreement");
        Objects.requireNonNull(approvedAt, "approvedAt");
        Objects.requireNonNull(approvedBy, "approvedBy");
    }

    public boolean enables(CooperationType type) {
        return enabled.containsKey(type);
    }
}
