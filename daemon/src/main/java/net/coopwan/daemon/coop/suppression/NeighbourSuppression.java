package net.coopwan.daemon.coop.suppression;

import java.util.ArrayList;
import java.util.List;

/**
 * The neighbour's side of one requester's suppression ([0173]-[0177]), as a plain state machine:
 * events in, actions out. It enforces within its approved parameters: the drop ceiling applied is
 * the smaller of the request's and the agreement's {@code max_drop_percent}.
 *
 * <pre>
 * IDLE      --REQUEST, agreement--> ENFORCING (Enforce(min), ANSWER applied)
 * IDLE      --REQUEST, none-------> IDLE (ANSWER refused: no agreement)
 * ENFORCING --REQUEST (renewal or a newer id)--> ENFORCING (lease renewed; Enforce if the ceiling changed)
 * ENFORCING --STOP of its id------> IDLE (Release, ANSWER not applied)
 * ENFORCING --lease ended---------> IDLE (Release: the requester stopped renewing or lost the channel)
 * </pre>
 * A STOP of another id (late, repeated) is answered "not applied" for the requester's sake and
 * changes nothing.
 */
public final class NeighbourSuppression {

    public enum State { IDLE, ENFORCING }

    public sealed interface Action {
    }

    public record Send(SuppressionMessage message) implements Action {
    }

    /** Suppress this router's other traffic with this drop ceiling (for this requester). */
    public record Enforce(int maxDropPercent) implements Action {
    }

    /** This requester's suppression is over. */
    public record Release() implements Action {
    }

    public record Changed(State from, State to, String why) implements Action {
    }

    private final String requesterId;
    private State state = State.IDLE;
    private long requestId = -1;
    private int applied = -1;
    private long leaseEnd;

    public NeighbourSuppression(String requesterId) {
        this.requesterId = requesterId;
    }

    /**
     * A REQUEST arrived.
     *
     * @param agreedMaxDropPercent the agreement's max_drop_percent with this requester, or -1 when
     *                             there is no suppression agreement (or the owner turned it off)
     */
    public List<Action> onRequest(SuppressionMessage.Request r, int agreedMaxDropPercent, long nowNanos) {
        List<Action> out = new ArrayList<>();
        if (agreedMaxDropPercent < 0) {
            if (state == State.ENFORCING) {
                stop(out, "agreement withdrawn");
            }
            out.add(new Send(new SuppressionMessage.Answer(r.requestId(), -1, SuppressionMessage.Refusal.NO_AGREEMENT)));
            return out;
        }
        int ceiling = Math.min(r.maxDropPercent(), agreedMaxDropPercent);
        leaseEnd = nowNanos + r.leaseMs() * 1_000_000L;
        requestId = r.requestId();
        if (state == State.IDLE || ceiling != applied) {
            applied = ceiling;
            out.add(new Enforce(ceiling));
        }
        if (state == State.IDLE) {
            state = State.ENFORCING;
            out.add(new Changed(State.IDLE, State.ENFORCING, "SUPPRESSION_REQUEST " + r.requestId() + " from "
                    + requesterId + " (" + r.appType() + ", " + ceiling + " % of " + r.maxDropPercent() + " asked)"));
        }
        out.add(new Send(new SuppressionMessage.Answer(r.requestId(), ceiling, null)));
        return out;
    }

    /** A STOP arrived; the answer says "not applied" whatever it named. */
    public List<Action> onStop(SuppressionMessage.Stop s) {
        List<Action> out = new ArrayList<>();
        if (state == State.ENFORCING && s.requestId() == requestId) {
            stop(out, "STOP_SUPPRESSION " + s.requestId() + " from " + requesterId);
        }
        out.add(new Send(new SuppressionMessage.Answer(s.requestId(), -1, null)));
        return out;
    }

    /** Whether a STOP names the request in force (else it is counted as unexpected). */
    public boolean current(long id) {
        return state == State.ENFORCING && id == requestId;
    }

    /** The timer: the lease ends without a renewal. */
    public List<Action> tick(long nowNanos) {
        List<Action> out = new ArrayList<>();
        if (state == State.ENFORCING && nowNanos - leaseEnd >= 0) {
            stop(out, "lease of request " + requestId + " from " + requesterId + " ended");
        }
        return out;
    }

    private void stop(List<Action> out, String why) {
        state = State.IDLE;
        applied = -1;
        out.add(new Release());
        out.add(new Changed(State.ENFORCING, State.IDLE, why));
    }

    public State state() {
        return state;
    }

    /** The drop ceiling applied now, or -1. */
    public int applied() {
        return applied;
    }
}
