package net.coopwan.daemon.coop.agreement;

import java.util.Objects;

import net.coopwan.config.CooperationType;
import net.coopwan.config.ParameterRange;

/**
 * One failed rule. Fields that do not apply are null.
 *
 * @param reason    the rule
 * @param type      the cooperation type concerned
 * @param parameter the parameter concerned
 * @param value     the offending value
 * @param range     the allowed range (for {@link RejectReason#OVER_AGREED_VALUE}: 0..agreed value)
 */
public record Rejection(RejectReason reason, CooperationType type, String parameter, Long value, ParameterRange range) {

    public Rejection {
        Objects.requireNonNull(reason, "reason");
    }

    static Rejection of(RejectReason reason) {
        return new Rejection(reason, null, null, null, null);
    }

    static Rejection of(RejectReason reason, CooperationType type) {
        return new Rejection(reason, type, null, null, null);
    }

    static Rejection of(RejectReason reason, CooperationType type, String parameter) {
        return new Rejection(reason, type, parameter, null, null);
    }

    /** For the event log, e.g. {@code OUT_OF_RANGE: emergency bandwidth_kbps=20000 not in 1000..10000}. */
    public String message() {
        StringBuilder b = new StringBuilder(reason.name());
        if (type != null) {
            b.append(": ").append(type.uciName());
        }
        if (parameter != null) {
            b.append(' ').append(parameter);
            if (value != null) {
                b.append('=').append(value);
            }
        }
        if (range != null) {
            b.append(reason == RejectReason.OVER_AGREED_VALUE ? " above agreed " + range.max()
                    : " not in " + range.min() + ".." + range.max());
        }
        return b.toString();
    }
}
