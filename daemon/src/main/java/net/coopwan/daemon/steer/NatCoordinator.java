package net.coopwan.daemon.steer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of the daemon's nftables table: each part of the daemon (a bond, the
 * concentrator) states the masquerades it needs under its own key, and the table is rewritten
 * atomically with the union whenever that changes. The table is removed when nothing is left,
 * and only if this process wrote it.
 */
public final class NatCoordinator {
    private static final Logger LOG = LoggerFactory.getLogger(NatCoordinator.class);
    private final NatRules rules;
    private final Map<String, List<Masquerade>> wanted = new LinkedHashMap<>();
    private NatPlan applied = NatPlan.EMPTY;
    private boolean written;

    public NatCoordinator(NatRules rules) {
        this.rules = rules;
    }

    /** Sets what {@code owner} needs (empty list: nothing); applies the union if it changed. */
    public synchronized void set(String owner, List<Masquerade> masquerades) {
        if (masquerades.isEmpty()) {
            wanted.remove(owner);
        } else {
            wanted.put(owner, List.copyOf(masquerades));
        }
        List<Masquerade> all = new ArrayList<>();
        for (List<Masquerade> l : wanted.values()) {
            for (Masquerade m : l) {
                if (!all.contains(m)) {
                    all.add(m);
                }
            }
        }
        NatPlan plan = new NatPlan(all, List.of());
        if (plan.equals(applied)) {
            return;
        }
        if (all.isEmpty()) {
            if (written) {
                rules.remove();
                written = false;
                LOG.info("nftables: table {} {} removed (no masquerade needed)", NatRules.FAMILY, NatRules.TABLE);
            }
        } else {
            rules.apply(plan);
            written = true;
            LOG.info("nftables: table {} {} now masquerades {}", NatRules.FAMILY, NatRules.TABLE, all);
        }
        applied = plan;
    }

    /** Removes the table if this process wrote it; never throws. */
    public synchronized void close() {
        wanted.clear();
        if (written) {
            try {
                rules.remove();
            } catch (RuntimeException e) {
                LOG.warn("nftables: cannot remove table {} {}: {}", NatRules.FAMILY, NatRules.TABLE, e.getMessage());
            }
            written = false;
        }
        applied = NatPlan.EMPTY;
    }
}
