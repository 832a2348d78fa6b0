package net.coopwan.daemon.coop.agreement;

import java.util.Map;
import java.util.Objects;

import net.coopwan.config.CooperationType;

/**
 * A later request to cooperate under an agreement, e.g. an emergency request with
 * {@code bandwidth_kbps} when the requester's uplink fails (FIG. 3B). It may name any subset of
 * the agreed parameters; each named value must not exceed the agreed one.
 *
 * @param peerId the requesting router's id
 * @param type   the cooperation type asked for
 * @param values parameter name to asked value
 */
public record CooperationRequest(String peerId, CooperationType type, Map<String, Long> values) {

    public CooperationRequest {
        Objects.requireNonNull(peerId, "peerId");
        Objects.requireNonNull(type, "type");
        values = Maps.copyParams(values, "request");
    }
}
