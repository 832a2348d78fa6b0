package net.coopwan.snmp.mib;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import net.coopwan.daemon.api.ControlApi;
import net.coopwan.daemon.api.EmergencyChanged;
import net.coopwan.daemon.api.EmergencyStatus;
import net.coopwan.daemon.api.StateChange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snmp4j.agent.DuplicateRegistrationException;
import org.snmp4j.agent.MOGroup;
import org.snmp4j.agent.MOServer;
import org.snmp4j.smi.Counter32;
import org.snmp4j.smi.Counter64;
import org.snmp4j.smi.Gauge32;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;

/**
 * COOPWAN-MIB's emergency scalars (coopEmergenciesStarted, coopEmergenciesActive,
 * coopEmergencyBytesCarried) and what emergencyStarted/emergencyEnded say, all from
 * {@link ControlApi#emergency()} and the daemon's {@link EmergencyChanged}.
 *
 * <ul>
 * <li>coopEmergenciesStarted: the daemon's {@code started} (both roles, kept in its state store
 *     across restarts), as a Counter32.</li>
 * <li>coopEmergenciesActive: the helping entries in state HELPING, plus 1 while this router is
 *     CARRIED by a neighbour: sessions whose traffic flows, the same moments at which the daemon
 *     publishes the starts and ends that become emergencyStarted and emergencyEnded.</li>
 * <li>coopEmergencyBytesCarried: the neighbours' octets this router carried as helper (the
 *     helping entries' {@code bytesCarried}); the requester's own {@code bytesSent} is this
 *     router's traffic carried by a neighbour and is not counted (the MIB says "a neighbour's
 *     traffic ... over its own uplinks"). The daemon counts per session and forgets a session when
 *     it ends, so a plain sum would go back; this class adds each session's growth to a total kept
 *     since the agent started, so the Counter64 never decreases. It reads the daemon at every GET and,
 *     while a session is HELPING, once every {@value #POLL_MILLIS} ms, so what a session carried
 *     in its last poll interval before it ended is all that can be missed.</li>
 * </ul>
 */
public final class EmergencyMib implements MOGroup {

    private static final Logger LOG = LoggerFactory.getLogger(EmergencyMib.class);

    /** How often the daemon is read while this router helps a neighbour. */
    static final long POLL_MILLIS = 1000;

    /** coopEmergencyRole values. */
    public static final int REQUESTER = 1;
    public static final int HELPER = 2;

    private final ControlApi api;
    private final Cached<Values> values;
    private final ScheduledExecutorService poller;
    private final LiveScalar<Counter32> started;
    private final LiveScalar<Gauge32> active;
    private final LiveScalar<Counter64> bytesCarried;

    /** One read of the daemon, as the scalars show it. */
    record Values(long started, long active, long bytesCarried) {
        static final Values ZERO = new Values(0, 0, 0);
    }

    /** An emergencyStarted or emergencyEnded to send: peerName.p, coopEmergencyRole.0, coopEmergenciesActive.0. */
    public record Notice(OID notification, int peerIndex, String peerName, int role, long active) {
    }

    // ---- guarded by this ----
    /** Octets carried by sessions seen since the agent started, up to their last read. */
    private long carried;
    /** bytesCarried of each HELPING session at the last read, by requester id. */
    private final Map<String, Long> lastCarried = new HashMap<>();
    /** Poll while a session is HELPING. */
    private volatile boolean watching;
    /** A helper session started or ended since the poll last looked: read once more. */
    private volatile boolean wake;

    /**
     * @param poll whether to read the daemon every {@value #POLL_MILLIS} ms while helping (the
     *             agent does; unit tests drive {@link #read()} themselves)
     */
    public EmergencyMib(ControlApi api, boolean poll) {
        this.api = api;
        this.values = new Cached<>(this::read, Duration.ofMillis(BondMib.SNAPSHOT_MILLIS), Values.ZERO);
        this.started = new LiveScalar<>(new OID(CoopwanMib.COOP_EMERGENCIES_STARTED).append(0),
                () -> new Counter32(values.get().started() & 0xFFFF_FFFFL));
        this.active = new LiveScalar<>(new OID(CoopwanMib.COOP_EMERGENCIES_ACTIVE).append(0),
                () -> new Gauge32(Math.min(values.get().active(), 0xFFFF_FFFFL)));
        this.bytesCarried = new LiveScalar<>(new OID(CoopwanMib.COOP_EMERGENCY_BYTES_CARRIED).append(0),
                () -> new Counter64(values.get().bytesCarried()));
        if (poll) {
            poller = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "coopwan-snmp-emergency");
                t.setDaemon(true);
                return t;
            });
            poller.scheduleWithFixedDelay(this::poll, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
        } else {
            poller = null;
        }
    }

    @Override
    public void registerMOs(MOServer server, OctetString context) throws DuplicateRegistrationException {
        server.register(started, context);
        server.register(active, context);
        server.register(bytesCarried, context);
    }

    @Override
    public void unregisterMOs(MOServer server, OctetString context) {
        server.unregister(started, context);
        server.unregister(active, context);
        server.unregister(bytesCarried, context);
    }

    /**
     * The daemon's listener: a helper session started (or ended) makes the next poll read, and
     * that read sees it HELPING (the daemon publishes after the state changed). Returns at once.
     */
    public void onStateChange(StateChange change) {
        if (change instanceof EmergencyChanged e && e.role().equals("helper")) {
            wake = true;
        }
    }

    private void poll() {
        if (!watching && !wake) {
            return;
        }
        wake = false;
        try {
            read();
        } catch (RuntimeException e) {
            LOG.debug("SNMP: cannot read the emergency status: {}", e.toString());
        }
    }

    /** Reads the daemon now and adds the helper sessions' growth to coopEmergencyBytesCarried. */
    synchronized Values read() {
        EmergencyStatus s = api.emergency();
        return account(s);
    }

    /**
     * The values of {@code s}, after adding what each HELPING session carried since the last read.
     * A session is followed by its requester id while it is HELPING; a value lower than the last
     * one is a new session of the same requester (the daemon counts from 0 per session), whose
     * whole value is new. Sessions that are gone or no longer HELPING (their counters read 0 while
     * ENDING) are forgotten, keeping what they added.
     */
    synchronized Values account(EmergencyStatus s) {
        Map<String, Long> now = new HashMap<>();
        for (EmergencyStatus.Helping h : s.helping()) {
            if (!h.state().equals("HELPING")) {
                continue;
            }
            long bytes = Math.max(0, h.bytesCarried());
            Long before = lastCarried.get(h.peerId());
            carried += before == null || bytes < before ? bytes : bytes - before;
            now.put(h.peerId(), bytes);
        }
        lastCarried.clear();
        lastCarried.putAll(now);
        watching = !now.isEmpty();
        // The daemon keeps every ended session's octets in its state store (across restarts and
        // kill -9): those plus the running sessions' are the exact total, which a restarted agent
        // starts from. A session that just ended can be in neither for a moment: the max keeps
        // the counter from going back then.
        long kept = 0;
        for (EmergencyStatus.Total t : s.totals()) {
            if (t.role().equals("helper")) {
                kept += Math.max(0, t.bytesOut());
            }
        }
        long running = 0;
        for (long v : now.values()) {
            running += v;
        }
        carried = Math.max(carried, kept + running);
        return new Values(Math.max(0, s.started()), active(s, null, null), carried);
    }

    /**
     * coopEmergenciesActive of {@code s}, leaving out the session with {@code peerId} in
     * {@code role} ("requester", "helper") when they are not null.
     */
    static long active(EmergencyStatus s, String peerId, String role) {
        long n = 0;
        for (EmergencyStatus.Helping h : s.helping()) {
            if (h.state().equals("HELPING") && !("helper".equals(role) && h.peerId().equals(peerId))) {
                n++;
            }
        }
        EmergencyStatus.Requester r = s.requester();
        if (r.state().equals("CARRIED") && !("requester".equals(role) && String.valueOf(r.peerId()).equals(peerId))) {
            n++;
        }
        return n;
    }

    /**
     * The emergencyStarted or emergencyEnded an {@link EmergencyChanged} means. coopEmergenciesActive
     * is read from the daemon now, with this session counted for a start and not for an end
     * whatever the daemon shows by the time it is read (COOPWAN-MIB: "this one included", "no
     * longer counts this session"). Asks the daemon: call it off the daemon's thread.
     *
     * @param peers the peerTable, for the neighbour's peerIndex and peerName
     */
    public Optional<Notice> noticeFor(EmergencyChanged change, PeerMib peers) {
        int role = switch (change.role()) {
            case "requester" -> REQUESTER;
            case "helper" -> HELPER;
            default -> 0;
        };
        if (role == 0) {
            LOG.debug("SNMP: emergency change with a role this agent does not know: {}", change);
            return Optional.empty();
        }
        long active = active(api.emergency(), change.peerId(), change.role()) + (change.started() ? 1 : 0);
        OID notification = change.started() ? CoopwanMib.EMERGENCY_STARTED : CoopwanMib.EMERGENCY_ENDED;
        return Optional.of(new Notice(notification, peers.peerIndex(change.peerId()),
                PeerRows.clip(peers.peerName(change.peerId())), role, active));
    }

    /** Stops the poll. */
    public void close() {
        if (poller != null) {
            poller.shutdownNow();
        }
    }
}
