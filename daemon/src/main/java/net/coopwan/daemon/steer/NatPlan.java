package net.coopwan.daemon.steer;

import java.util.List;

/**
 * The whole content the daemon wants in its nftables table: applied as one unit, so the plan is
 * always complete, never a change.
 *
 * @param masquerades    source-NAT rules, in match order (the first that matches wins)
 * @param forwardAccepts forward accepts, in order; usually empty
 */
public record NatPlan(List<Masquerade> masquerades, List<ForwardAccept> forwardAccepts) {

    public static final NatPlan EMPTY = new NatPlan(List.of(), List.of());

    public NatPlan {
        masquerades = List.copyOf(masquerades);
        forwardAccepts = List.copyOf(forwardAccepts);
    }
}
