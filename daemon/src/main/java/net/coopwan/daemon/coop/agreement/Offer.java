package net.coopwan.daemon.coop.agreement;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import net.coopwan.config.CooperationOffer;
import net.coopwan.config.CooperationType;
import net.coopwan.config.ParameterRange;

/**
 * What a requester advertises ([0111], step 310): the offered cooperation types, each with an
 * inclusive range per parameter ([0115]). Immutable; types and parameters in a fixed order.
 *
 * @param types type to parameter name to offered range
 */
public record Offer(Map<CooperationType, Map<String, ParameterRange>> types) {

    public Offer {
        types = Maps.copy(types, "offer");
    }

    /**
     * The offer of this router's configuration: its enabled {@code config offer} sections. The
     * config loader allows one enabled section per type; a second one is refused here too.
     */
    public static Offer fromConfig(List<CooperationOffer> offers) {
        Map<CooperationType, Map<String, ParameterRange>> out = new EnumMap<>(CooperationType.class);
        for (CooperationOffer o : offers) {
            if (o.enabled() && out.putIfAbsent(o.type(), o.ranges()) != null) {
                throw new IllegalArgumentException("two enabled offers of type " + o.type().uciName());
            }
        }
        return new Offer(out);
    }

    public boolean offers(CooperationType type) {
        return types.containsKey(type);
    }
}
