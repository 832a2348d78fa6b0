package net.coopwan.daemon.coop.suppression;

import java.util.ArrayList;
import java.util.List;

/**
 * The requesting side towards one neighbour ([0173]-[0177]), a plain state machine: while this
 * router's policy enforces, a SUPPRESSION_REQUEST is in force at the neighbour (renewed every
 * third of its lease, so two lost renewals do not end it); when it stops, STOP_SUPPRESSION is sent
 * until the neighbour answers it or {@link #STOP_TRIES} went out (the lease ends it then anyway).
 *
 * <pre>
 * IDLE       --start-----------------------> REQUESTING (REQUEST id n)
 * REQUESTING --a third of the lease passed--> REQUESTING (REQUEST id n again)
 * REQUESTING --stop------------------------> STOPPING (STOP id n)
 * STOPPING   --ANSWER "not applied" of n----> IDLE
 * STOPPING   --no answer, 3 STOPs sent-----> IDLE
 * </pre>
 */
public final class SuppressionRequester {

    public enum State { IDLE, REQUESTING, STOPPING }

    public sealed interface Action {
    }

    public record Send(SuppressionMessage message) implements Action {
    }

    public record Changed(State from, State to, String why) implements Action {
    }

    static final int STOP_TRIES = 3;
    static final long STOP_RESEND_NANOS = 500_000_000L;

    private final String neighbourId;
    private State state = State.IDLE;
    private long nextId;
    private SuppressionMessage.Request request;
    private long nextSend;
    private int stopsSent;
    private int applied = -1;

    public SuppressionRequester(String neighbourId, long firstId) {
        this.neighbourId = neighbourId;
        this.nextId = firstId & 0xffff_ffffL;
    }

    /** Suppression is needed: a new request (or the values of the one in force changed). */
    public List<Action> start(AppType app, int maxDropPercent, long leaseMs, long nowNanos, String why) {
        List<Action> out = new ArrayList<>();
        if (state == State.REQUESTING && request.appType() == app && request.maxDropPercent() == maxDropPercent
                && request.leaseMs() == leaseMs) {
            return out;
        }
        long id = state == State.REQUESTING ? request.requestId() : take();
        request = new SuppressionMessage.Request(id, app, maxDropPercent, leaseMs);
        if (state != State.REQUESTING) {
            out.add(new Changed(state, State.REQUESTING, "to " + neighbourId + ": " + why));
            state = State.REQUESTING;
            applied = -1;
        }
        send(out, request, nowNanos + leaseMs * 1_000_000L / 3);
        return out;
    }

    /** Suppression is no longer needed. */
    public List<Action> stop(long nowNanos, String why) {
        List<Action> out = new ArrayList<>();
        if (state != State.REQUESTING) {
            return out;
        }
        state = State.STOPPING;
        stopsSent = 1;
        out.add(new Changed(State.REQUESTING, State.STOPPING, "to " + neighbourId + ": " + why));
        send(out, new SuppressionMessage.Stop(request.requestId()), nowNanos + STOP_RESEND_NANOS);
        return out;
    }

    /** The neighbour's answer; false when it answers nothing of ours (counted as unexpected). */
    public boolean onAnswer(SuppressionMessage.Answer a, List<Action> out) {
        if (request == null || a.requestId() != request.requestId() || state == State.IDLE) {
            return false;
        }
        if (state == State.STOPPING) {
            if (!a.enforcing()) {
                state = State.IDLE;
                out.add(new Changed(State.STOPPING, State.IDLE, neighbourId + " stopped suppressing"));
            }
            return true;
        }
        if (a.enforcing() != (applied >= 0) || a.appliedPercent() != applied) {
            applied = a.appliedPercent();
            out.add(new Changed(State.REQUESTING, State.REQUESTING, a.enforcing()
                    ? neighbourId + " suppresses with at most " + applied + " % dropped"
                    : neighbourId + " does not suppress: " + (a.refusal() == null ? "stopped" : a.refusal())));
        }
        return true;
    }

    /** Renewals and resent STOPs. */
    public List<Action> tick(long nowNanos) {
        List<Action> out = new ArrayList<>();
        if (state == State.IDLE || nowNanos - nextSend < 0) {
            return out;
        }
        if (state == State.REQUESTING) {
            send(out, request, nowNanos + request.leaseMs() * 1_000_000L / 3);
        } else if (stopsSent >= STOP_TRIES) {
            state = State.IDLE;
            out.add(new Changed(State.STOPPING, State.IDLE, neighbourId + " did not answer " + STOP_TRIES
                    + " STOPs; its lease ends it"));
        } else {
            stopsSent++;
            send(out, new SuppressionMessage.Stop(request.requestId()), nowNanos + STOP_RESEND_NANOS);
        }
        return out;
    }

    private void send(List<Action> out, SuppressionMessage m, long next) {
        out.add(new Send(m));
        nextSend = next;
    }

    private long take() {
        long id = nextId;
        nextId = (nextId + 1) & 0xffff_ffffL;
        return id;
    }

    public State state() {
        return state;
    }

    /** What the neighbour said it applies for the request in force, or -1. */
    public int applied() {
        return applied;
    }
}
