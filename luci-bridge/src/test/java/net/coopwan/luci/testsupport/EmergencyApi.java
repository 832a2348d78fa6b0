package net.coopwan.luci.testsupport;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import net.coopwan.config.CoopwanConfig;
import net.coopwan.daemon.api.BondRequest;
import net.coopwan.daemon.api.BondStatus;
import net.coopwan.daemon.api.BondUpdate;
import net.coopwan.daemon.api.ControlApi;
import net.coopwan.daemon.api.ControlException;
import net.coopwan.daemon.api.EmergencyStatus;
import net.coopwan.daemon.api.Event;
import net.coopwan.daemon.api.NetInterface;
import net.coopwan.daemon.api.ReloadResult;
import net.coopwan.daemon.api.Status;
import net.coopwan.daemon.api.StateChange;
import net.coopwan.daemon.api.UplinkStatus;

/**
 * Another ControlApi with an emergency in both roles: this router is carried by {@link #HELPER}
 * and carries {@link #CARRIED}. {@link #endEmergency} records the call and drops that neighbour
 * from the status, or refuses as the daemon does (NOT_FOUND) for a neighbour it does not carry.
 * Everything else goes to {@code real}.
 */
public final class EmergencyApi implements ControlApi {

    public static final String HELPER = "coop-helper01";
    public static final String CARRIED = "coop-carried02";

    private final ControlApi real;
    private final List<String> ended = new CopyOnWriteArrayList<>();
    private volatile EmergencyStatus status = sample();

    public EmergencyApi(ControlApi real) {
        this.real = real;
    }

    /** Carried by HELPER since 12:00:05, carrying CARRIED since 12:01:00 at 37 % of its quota. */
    public static EmergencyStatus sample() {
        return new EmergencyStatus(
                new EmergencyStatus.Requester("CARRIED", HELPER, Instant.parse("2026-11-01T12:00:05.500Z"),
                        "wan down: 3 probes lost", "direct", 50_000_000, 1000, 1536, 12L * 1024 * 1024),
                List.of(new EmergencyStatus.Helping(CARRIED, "HELPING", Instant.parse("2026-11-01T12:01:00Z"), "lte down",
                        50_000_000, 1000, 12L * 1024 * 1024, 0, 3, 37)),
                2, Map.of("NO_AGREEMENT", 1L, "QUOTA_EXCEEDED", 0L));
    }

    /** Back to {@link #sample()} with no call recorded, for tests that share one. */
    public synchronized void reset() {
        ended.clear();
        status = sample();
    }

    /** "PEER via VIA" per successful {@link #endEmergency}, in order. */
    public List<String> ended() {
        return List.copyOf(ended);
    }

    @Override
    public EmergencyStatus emergency() {
        return status;
    }

    @Override
    public synchronized void endEmergency(String peerId, String via) {
        EmergencyStatus s = status;
        List<EmergencyStatus.Helping> left = new ArrayList<>(s.helping());
        if (!left.removeIf(h -> h.peerId().equals(peerId))) {
            throw new ControlException(ControlException.Reason.NOT_FOUND, "this router carries no emergency for '" + peerId + "'");
        }
        ended.add(peerId + " via " + via);
        status = new EmergencyStatus(s.requester(), left, s.started(), s.counters());
    }

    @Override
    public Status status() {
        return real.status();
    }

    @Override
    public List<UplinkStatus> uplinks() {
        return real.uplinks();
    }

    @Override
    public List<NetInterface> interfaces() {
        return real.interfaces();
    }

    @Override
    public List<Event> events(int limit) {
        return real.events(limit);
    }

    @Override
    public CoopwanConfig config() {
        return real.config();
    }

    @Override
    public ReloadResult reload() {
        return real.reload();
    }

    @Override
    public List<BondStatus> bonds() {
        return real.bonds();
    }

    @Override
    public BondStatus createBond(BondRequest request) {
        return real.createBond(request);
    }

    @Override
    public void destroyBond(String name) {
        real.destroyBond(name);
    }

    @Override
    public BondStatus updateBond(String name, BondUpdate update) {
        return real.updateBond(name, update);
    }

    @Override
    public BondStatus addBondMember(String bond, String uplink) {
        return real.addBondMember(bond, uplink);
    }

    @Override
    public BondStatus removeBondMember(String bond, String uplink) {
        return real.removeBondMember(bond, uplink);
    }

    @Override
    public BondStatus setBondActive(String name, boolean active) {
        return real.setBondActive(name, active);
    }

    @Override
    public AutoCloseable subscribe(java.util.function.Consumer<? super StateChange> listener) {
        return real.subscribe(listener);
    }
}
