package net.coopwan.daemon.coop.latency;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * Whether the router duplicates its LC packets now, and why (docs/latency.md section 8): an
 * explicit two-state machine, OFF and ON, fed once a second with what it depends on. ON needs
 * classification on ({@code config latency enabled}), a bond through a concentrator with its data
 * path running, and a neighbour whose agreement enables {@code duplication} with the secure
 * channel to it established; anything less is OFF with the first missing condition as reason.
 * Each change is one log line with the neighbour and the reason. Not thread-safe: one caller.
 */
public final class DuplicationSwitch {

    public enum State { OFF, ON }

    /**
     * One look at the conditions.
     *
     * @param latencyEnabled {@code config latency}'s {@code enabled}
     * @param bond           the bond through a concentrator whose data path runs, or null
     * @param neighbour      the neighbour with an agreement enabling duplication, or null
     * @param established    the secure channel to that neighbour is ESTABLISHED
     */
    public record Inputs(boolean latencyEnabled, String bond, String neighbour, boolean established,
                         boolean ispAllows) {

        /** No common-ISP verdict in the way. */
        public Inputs(boolean latencyEnabled, String bond, String neighbour, boolean established) {
            this(latencyEnabled, bond, neighbour, established, true);
        }
    }

    /** The verdict: state, the neighbour whose member carries copies (ON), and why. */
    public record Decision(State state, String neighbour, String reason) {
        public Decision {
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(reason, "reason");
        }

        public boolean on() {
            return state == State.ON;
        }
    }

    private final Consumer<String> log;
    private Decision current = new Decision(State.OFF, null, "not started");

    public DuplicationSwitch(Consumer<String> log) {
        this.log = log;
    }

    /** The decision for {@code in}; a change of state, neighbour or reason is logged once. */
    public Decision update(Inputs in) {
        Decision d = decide(in);
        if (!d.equals(current)) {
            log.accept("lc duplication " + d.state() + (d.neighbour() == null ? "" : " with neighbour " + d.neighbour())
                    + ": " + d.reason() + " (was " + current.state() + ": " + current.reason() + ")");
            current = d;
        }
        return d;
    }

    public Decision current() {
        return current;
    }

    static Decision decide(Inputs in) {
        if (!in.latencyEnabled()) {
            return new Decision(State.OFF, null, "config latency enabled 0");
        }
        if (in.bond() == null) {
            return new Decision(State.OFF, null, "no bond with a concentrator running");
        }
        if (in.neighbour() == null) {
            return new Decision(State.OFF, null, "no agreement enables duplication");
        }
        if (!in.established()) {
            return new Decision(State.OFF, in.neighbour(), "neighbour link lost (channel not established)");
        }
        if (!in.ispAllows()) {
            // [0180]: both households on one ISP, so a copy through the neighbour crosses the same
            // network as the original and adds nothing (suppression requests still go)
            return new Decision(State.OFF, in.neighbour(), "same ISP as the neighbour (common-ISP verdict SAME, gate_on_isp)");
        }
        return new Decision(State.ON, in.neighbour(), "bond " + in.bond() + ", agreement enables duplication");
    }
}
