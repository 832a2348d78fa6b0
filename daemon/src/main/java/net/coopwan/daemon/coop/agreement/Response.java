package net.coopwan.daemon.coop.agreement;

import java.util.Map;

import net.coopwan.config.CooperationType;

/**
 * The helper's positive answer (step 316): the owner-approved subset with the chosen values (the
 * checklist's resolution of [0114] vs [0116]). A rejection is not a response: nothing is sent.
 *
 * @param approved type to parameter name to value
 */
public record Response(Map<CooperationType, Map<String, Long>> approved) {

    public Response {
        approved = Maps.copy(approved, "response");
    }
}
