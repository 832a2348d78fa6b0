package net.coopwan.daemon.coop.agreement;

import java.util.Map;
import java.util.Objects;

import net.coopwan.config.CooperationType;

/** The helper's owner's answer to an {@link ApprovalRequest} (step 312, "second indication"). */
public sealed interface OwnerDecision {

    /**
     * Approve a subset of the offered types with one value per offered parameter ([0114], [0115]).
     *
     * @param values type to parameter name to chosen value
     */
    record Approve(Map<CooperationType, Map<String, Long>> values) implements OwnerDecision {
        public Approve {
            values = Maps.copy(values, "approval");
        }
    }

    /** Reject the whole offer; the reason is shown in the event log and sent to nobody. */
    record Reject(String reason) implements OwnerDecision {
        public Reject {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
