package net.coopwan.config;

import java.util.Map;

/**
 * {@code config offer 'NAME'}: a cooperation type this router offers to a neighbour, with a range
 * per parameter ({@code option PARAM_min}, {@code option PARAM_max}).
 */
public record CooperationOffer(String name, CooperationType type, boolean enabled, Map<String, ParameterRange> ranges) {

    public CooperationOffer {
        ranges = Map.copyOf(ranges);
    }
}
