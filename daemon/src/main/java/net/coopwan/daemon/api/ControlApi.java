package net.coopwan.daemon.api;

import java.util.List;
import java.util.function.Consumer;

import net.coopwan.config.CoopwanConfig;

/**
 * What every management front-end may ask of or tell the daemon. Implementations are thread-safe:
 * Jetty, the SNMP agent and the control socket call it from their own threads.
 */
public interface ControlApi {

    /** Overall state of this router. */
    Status status();

    /** The configured uplinks with the kernel state of their devices, in config order. */
    List<UplinkStatus> uplinks();

    /** Every kernel network interface as read now from /sys/class/net, ordered by ifindex. */
    List<NetInterface> interfaces();

    /** The newest {@code limit} events, newest first. {@code limit} must be 1-1000. */
    List<Event> events(int limit);

    /** The configuration in force now. */
    CoopwanConfig config();

    /**
     * Re-reads the configuration file. A bad file keeps the configuration in force and is
     * reported in the result, never thrown.
     */
    ReloadResult reload();

    // ---- bonds (virtual bonded interfaces) ----
    //
    // Every front-end (SNMP bondTable, REST, 'coopwan ctl bond', LuCI) goes through these, so the
    // rules live in one place: net.coopwan.daemon.bond.BondRules. A refused request throws
    // ControlException and changes nothing: no interface, no file change, no event.

    /** The configured bonds in config order, each with its interface's ifIndex and state. */
    List<BondStatus> bonds();

    /**
     * Creates a bond: its TUN interface (up, with the MTU) and its {@code config bond} section,
     * written atomically. If the interface cannot be made nothing is written; if the file cannot be
     * written the interface is removed again.
     *
     * @throws ControlException INVALID_VALUE (name, mode, MTU), INCONSISTENT (unknown or repeated
     *         member, name used by an uplink, section or kernel interface),
     *         ALREADY_EXISTS (a bond of that name), RESOURCE_UNAVAILABLE (64 bonds or 16 members
     *         reached, TUN refused, file not writable, daemon on embedded defaults)
     */
    BondStatus createBond(BondRequest request);

    /** Removes the bond's section and its interface. @throws ControlException NOT_FOUND */
    void destroyBond(String name);

    /**
     * Changes mode and/or MTU (null fields stay); an active interface gets the new MTU at once.
     *
     * @throws ControlException NOT_FOUND, INVALID_VALUE, RESOURCE_UNAVAILABLE
     */
    BondStatus updateBond(String name, BondUpdate update);

    /** @throws ControlException NOT_FOUND (bond), INCONSISTENT (no such uplink), ALREADY_EXISTS, RESOURCE_UNAVAILABLE (16 members) */
    BondStatus addBondMember(String bond, String uplink);

    /** @throws ControlException NOT_FOUND (bond, or uplink not a member); the last member may go too */
    BondStatus removeBondMember(String bond, String uplink);

    /**
     * Takes a bond's interface out of service (removes it, keeps the bond configured) or puts it
     * back (SNMP notInService/active). Not persisted: a restart makes every configured bond active.
     * Also retries a bond in state FAILED.
     *
     * @throws ControlException NOT_FOUND, RESOURCE_UNAVAILABLE (the interface cannot be made)
     */
    BondStatus setBondActive(String name, boolean active);

    // ---- bonds: dry runs ----
    //
    // For a front-end that must refuse a request before it changes anything (SNMP's prepare phase,
    // a form that checks before it submits): each throws the ControlException the real call would
    // throw now, and changes nothing. Only what needs the change itself can still fail the real
    // call later: the TUN device refused, the file not writable, or another front-end's change in
    // between. An implementation without bonds checks nothing here; its real calls decide.

    /** Dry run of {@link #createBond}, including a kernel interface of that name that is not a bond. */
    default void checkBond(BondRequest request) {
    }

    /**
     * The checks of {@link #createBond} that need only the values: the name's syntax (when not
     * null), mode, MTU. For a front-end that holds some values of a bond before it has all of them
     * (an SNMP row made with createAndWait whose bondName is not set yet); members are ignored.
     *
     * @throws ControlException INVALID_VALUE
     */
    default void checkBondValues(BondRequest request) {
    }

    /** Dry run of {@link #updateBond}. */
    default void checkBondUpdate(String name, BondUpdate update) {
    }

    /** Dry run of {@link #addBondMember}. */
    default void checkBondMember(String bond, String uplink) {
    }

    // ---- cooperation: discovery ----

    /**
     * The discovery beacon on the inter-router link and the routers heard on it (seed 001
     * [0112]). With {@code peer.enabled 0} a status with {@code enabled} false and nothing else.
     * The default is that: an implementation without discovery.
     */
    default DiscoveryStatus discovery() {
        CoopwanConfig c = config();
        return DiscoveryStatus.off(c.peer().device(), c.peer().port());
    }

    // ---- cooperation: pairing and the secure channel ----

    /**
     * The routers this one is paired with and the secure channel to each (seed 001 [0119]-[0123]).
     * The default: an implementation without a channel.
     */
    default PeersStatus peers() {
        return PeersStatus.off();
    }

    /**
     * Starts pairing with the neighbour at {@code peerAddress} (IPv4 on the peer link): returns the
     * 8-digit code to show; the owner types it on that router ({@link #pairEnter}) within 5 minutes.
     *
     * @throws ControlException INVALID_VALUE (not an IPv4 address), RESOURCE_UNAVAILABLE (peer link off)
     */
    default PairingStarted pairStart(String peerAddress) {
        throw new ControlException(ControlException.Reason.RESOURCE_UNAVAILABLE, "no secure channel in this daemon");
    }

    /**
     * Enters the code shown on the router at {@code peerAddress}; blocks until the pairing finished
     * (at most about 10 s). On success the peer is stored and the channel to it starts.
     *
     * @throws ControlException INVALID_VALUE (bad address or code format), INCONSISTENT (wrong code, refused,
     *                          locked out), RESOURCE_UNAVAILABLE (peer link off, no answer)
     */
    default PairingResult pairEnter(String peerAddress, String code) {
        throw new ControlException(ControlException.Reason.RESOURCE_UNAVAILABLE, "no secure channel in this daemon");
    }

    // ---- cooperation: agreements ----

    /** The persisted agreements with neighbours, both roles; empty while none exist. */
    default List<AgreementStatus> agreements() {
        return List.of();
    }

    /** Neighbours' offers waiting for this router's owner, oldest first. The default: none. */
    default List<PendingApproval> pendingRequests() {
        return List.of();
    }

    /**
     * Sends this router's offer (its enabled {@code config offer} sections) to the paired
     * neighbour {@code peerId} over the secure channel; its owner then approves or rejects it.
     *
     * @throws ControlException NOT_FOUND (not paired), RESOURCE_UNAVAILABLE (peer link off, channel
     *         not ESTABLISHED), INCONSISTENT (no enabled offer in the configuration)
     */
    default OfferSent requestCooperation(String peerId) {
        throw new ControlException(ControlException.Reason.RESOURCE_UNAVAILABLE, "no secure channel in this daemon");
    }

    /**
     * Approves the pending offer of {@code peerId}: a subset of its types, each with one value per
     * offered parameter inside the offered range ([0114]-[0115]). The agreement is persisted and the
     * response sent. An approval that breaks a rule changes nothing.
     *
     * @param types type (UCI name) to parameter name to chosen value
     * @param via   the front-end: {@code cli}, {@code web}, {@code snmp} or {@code luci}
     * @throws ControlException NOT_FOUND (no pending offer from that peer), INVALID_VALUE (unknown
     *         type or front-end, a type not offered, a value outside its range, a missing or unknown
     *         parameter, nothing approved), RESOURCE_UNAVAILABLE (peer link off, store failed)
     */
    default AgreementStatus approve(String peerId, java.util.Map<String, java.util.Map<String, Long>> types, String via) {
        throw new ControlException(ControlException.Reason.RESOURCE_UNAVAILABLE, "no secure channel in this daemon");
    }

    /**
     * Rejects the pending offer of {@code peerId} with a reason the requester is told and both log.
     *
     * @throws ControlException NOT_FOUND (no pending offer), INVALID_VALUE (reason longer than 200
     *         characters), RESOURCE_UNAVAILABLE (peer link off)
     */
    default void reject(String peerId, String reason) {
        throw new ControlException(ControlException.Reason.RESOURCE_UNAVAILABLE, "no secure channel in this daemon");
    }

    // ---- cooperation: additional information on request ([0101]-[0103]) ----

    /**
     * Asks the paired neighbour {@code peerId} for its additional information (its uplinks, their
     * configured rates and traffic) over the secure channel; the answer, or its owner's refusal,
     * arrives within a round trip and shows in {@link #peerInfo}.
     *
     * @throws ControlException NOT_FOUND (not paired), RESOURCE_UNAVAILABLE (peer link off, channel
     *         not ESTABLISHED)
     */
    default InfoRequested requestInfo(String peerId) {
        throw new ControlException(ControlException.Reason.RESOURCE_UNAVAILABLE, "no secure channel in this daemon");
    }

    /**
     * The last additional information received from {@code peerId} (kept in memory, not across a
     * restart), with the time it arrived.
     *
     * @throws ControlException NOT_FOUND (none received yet), RESOURCE_UNAVAILABLE (peer link off)
     */
    default PeerInfo peerInfo(String peerId) {
        throw new ControlException(ControlException.Reason.RESOURCE_UNAVAILABLE, "no secure channel in this daemon");
    }

    // ---- cooperation: emergency failover (docs/emergency.md) ----

    /**
     * The emergency connection in both roles: whether this router's LAN is carried by a neighbour
     * (since when, why, the quota granted, bytes carried), whom it carries for (quota used, bytes
     * carried and dropped), and the refusals and drops by reason.
     */
    default EmergencyStatus emergency() {
        return EmergencyStatus.off(java.time.Instant.now());
    }

    /**
     * The helper's owner ends the emergency in which this router carries {@code peerId}'s
     * traffic: forwarding stops at once and the neighbour is told (TERMINATE), so it stops
     * using this router.
     *
     * @param via who ends it, for the event log ("web", "cli", "snmp", "luci")
     * @throws ControlException NOT_FOUND (this router carries nothing for that peer),
     *         RESOURCE_UNAVAILABLE (peer link off)
     */
    default void endEmergency(String peerId, String via) {
        throw new ControlException(ControlException.Reason.RESOURCE_UNAVAILABLE, "no emergency service in this daemon");
    }

    // ---- cooperation: bandwidth sharing (docs/PROTOCOL.md 3.13) ----

    /**
     * Bandwidth sharing in both roles: what this router offers each borrower and whether its path
     * is open, what each sharer offers it and the share of new sessions that goes there.
     */
    default SharingStatus sharing() {
        return SharingStatus.off();
    }

    /**
     * The sharer's owner stops lending to the borrower {@code peerId}: it is offered nothing at
     * once (its moved sessions drain, or are reset on its side, as for any withdrawn offer) and its
     * USE is refused until {@link #resumeLending}. Kept across restarts and kill -9; stopping twice
     * is harmless.
     *
     * @param via who stops it, for the event log ("web", "cli", "snmp", "luci")
     * @throws ControlException INVALID_VALUE (no peer given), NOT_FOUND (no bandwidth_sharing agreement with
     *         that peer in which this router lends, and none stopped), RESOURCE_UNAVAILABLE (peer link off,
     *         the stop cannot be kept in the state store)
     */
    default void stopLending(String peerId, String via) {
        throw new ControlException(ControlException.Reason.RESOURCE_UNAVAILABLE, "no sharing service in this daemon");
    }

    /**
     * The sharer's owner lends to {@code peerId} again: it is offered its share at once. Resuming
     * one not stopped is harmless.
     *
     * @throws ControlException as {@link #stopLending}
     */
    default void resumeLending(String peerId, String via) {
        throw new ControlException(ControlException.Reason.RESOURCE_UNAVAILABLE, "no sharing service in this daemon");
    }

    // ---- latency-critical traffic (issue 17, docs/latency.md) ----

    /**
     * Latency-critical traffic: classification (rules, counters, whether LC traffic is current),
     * suppression of other traffic (policy state, enforced ceiling, demands, counters) and
     * duplication. The default: an implementation without them.
     */
    default LatencyStatus latency() {
        return LatencyStatus.off();
    }

    // ---- state changes ----

    /**
     * Calls {@code listener} with each {@link StateChange} (an uplink going down or up, ...) from
     * now on, on the daemon's thread that saw it: the listener must return quickly and queue any
     * slow work (network I/O) elsewhere. A listener that throws is logged and the others still run.
     *
     * @return closing it unsubscribes; closing twice is harmless
     */
    AutoCloseable subscribe(Consumer<? super StateChange> listener);
}
