package net.coopwan.snmp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

import net.coopwan.config.CoopwanConfig;
import net.coopwan.config.NotifyTarget;
import net.coopwan.daemon.api.AgreementChanged;
import net.coopwan.daemon.api.EmergencyChanged;
import net.coopwan.daemon.api.PeerChannelChanged;
import net.coopwan.daemon.api.StateChange;
import net.coopwan.daemon.api.UplinkStateChanged;
import net.coopwan.daemon.api.UplinkStatus;
import net.coopwan.snmp.mib.CoopwanMib;
import net.coopwan.snmp.mib.EmergencyMib;
import net.coopwan.snmp.mib.PeerMib;
import net.coopwan.snmp.security.V3Credentials;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snmp4j.CommunityTarget;
import org.snmp4j.MessageDispatcherImpl;
import org.snmp4j.PDU;
import org.snmp4j.ScopedPDU;
import org.snmp4j.Snmp;
import org.snmp4j.Target;
import org.snmp4j.UserTarget;
import org.snmp4j.event.ResponseEvent;
import org.snmp4j.event.ResponseListener;
import org.snmp4j.mp.CounterSupport;
import org.snmp4j.mp.MPv2c;
import org.snmp4j.mp.MPv3;
import org.snmp4j.mp.SnmpConstants;
import org.snmp4j.security.SecurityLevel;
import org.snmp4j.security.SecurityModels;
import org.snmp4j.security.SecurityProtocols;
import org.snmp4j.security.USM;
import org.snmp4j.smi.Gauge32;
import org.snmp4j.smi.Integer32;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.TimeTicks;
import org.snmp4j.smi.UdpAddress;
import org.snmp4j.smi.VariableBinding;
import org.snmp4j.transport.DefaultUdpTransportMapping;

/**
 * Sends COOPWAN-MIB notifications (uplinkDown, uplinkUp, peerUp, peerDown, emergencyStarted,
 * emergencyEnded) to the {@code list
 * notify} targets of the configuration in force, learning of changes through
 * {@code ControlApi.subscribe}.
 *
 * <p>Threads: the daemon's listener call only enqueues (a bounded queue of {@value #QUEUE}
 * notifications; when it is full the notification is dropped and counted). One sender thread
 * builds and sends; an inform's acknowledgement or timeout arrives on SNMP4J's listener thread.
 * So a dead manager never holds up the daemon's uplink poll.
 *
 * <p>Security: SNMPv3 authPriv as the configured v3 user, or SNMPv2c with the community. A v3
 * trap is sent with this agent's engine ID as the authoritative one (so the receiver needs the
 * user under that engine ID, e.g. snmptrapd's {@code createUser -e 0xENGINEID ...}); a v3 inform
 * discovers the receiver's engine ID first (RFC 3414), as the receiver is authoritative for it.
 *
 * <p>Its own UDP socket on an ephemeral port, its own USM: the agent's request socket and users are
 * not touched.
 */
public final class NotificationSender implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NotificationSender.class);

    /** Notifications waiting to be sent; beyond this they are dropped and counted. */
    static final int QUEUE = 64;
    /** An inform is sent at most 1 + this many times. */
    static final int INFORM_RETRIES = 2;
    /** How long an inform waits for its acknowledgement each time. */
    public static final Duration INFORM_TIMEOUT = Duration.ofSeconds(5);

    private final Snmp session;
    private final byte[] engineId;
    private final V3Credentials v3;
    private final Supplier<CoopwanConfig> config;
    private final ToIntFunction<String> uplinkIndex;
    private final Function<StateChange, Optional<PeerMib.Notice>> peerNotice;
    private final Function<EmergencyChanged, Optional<EmergencyMib.Notice>> emergencyNotice;
    private final Duration informTimeout;
    private final long startedNanos = System.nanoTime();
    private final ThreadPoolExecutor sender;

    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    /** What happened to the notifications since start. */
    public record Counts(long sent, long acknowledged, long failed, long dropped) {
    }

    /**
     * @param engineId      this agent's engine ID (authoritative for v3 traps)
     * @param engineBoots   this agent's boots
     * @param v3            the configured v3 user
     * @param config        the configuration in force; targets and community are read per notification
     * @param uplinkIndex   uplinkIndex by uplink name, as the uplinkTable shows it
     * @param peerNotice    the peerUp/peerDown a channel or agreement change means, if any
     *                      ({@link PeerMib#noticeFor(StateChange)});
     *                      called on the sender thread, so it may ask the daemon
     * @param emergencyNotice the emergencyStarted/emergencyEnded of an emergency change
     *                      ({@link EmergencyMib#noticeFor}); called on the sender thread
     * @param informTimeout wait for an inform's acknowledgement, per try
     */
    NotificationSender(byte[] engineId, int engineBoots, V3Credentials v3, Supplier<CoopwanConfig> config,
                       ToIntFunction<String> uplinkIndex, Function<StateChange, Optional<PeerMib.Notice>> peerNotice,
                       Function<EmergencyChanged, Optional<EmergencyMib.Notice>> emergencyNotice,
                       Duration informTimeout) throws IOException {
        this.engineId = engineId.clone();
        this.v3 = v3;
        this.config = config;
        this.uplinkIndex = uplinkIndex;
        this.peerNotice = peerNotice;
        this.emergencyNotice = emergencyNotice;
        this.informTimeout = informTimeout;

        SecurityProtocols protocols = new SecurityProtocols(SecurityProtocols.SecurityProtocolSet.none);
        protocols.addAuthenticationProtocol(v3.auth());
        protocols.addPrivacyProtocol(v3.priv());
        CounterSupport counters = new CounterSupport();
        USM usm = new USM(protocols, new OctetString(engineId), engineBoots, counters);
        // Traps: localized to our engine ID. Informs: localized to each receiver's after discovery.
        usm.addUser(v3.toUsmUser(), new OctetString(engineId));
        usm.addUser(v3.toUsmUser());
        SecurityModels models = new SecurityModels();
        models.addSecurityModel(usm);
        MessageDispatcherImpl dispatcher = new MessageDispatcherImpl();
        dispatcher.addMessageProcessingModel(new MPv2c());
        dispatcher.addMessageProcessingModel(new MPv3(engineId, null, protocols, models, counters));
        DefaultUdpTransportMapping transport = new DefaultUdpTransportMapping();
        this.session = new Snmp(dispatcher, transport);
        session.listen();
        this.sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
            Thread t = new Thread(r, "coopwan-snmp-notify");
            t.setDaemon(true);
            return t;
        }, (r, executor) -> {
            long n = dropped.incrementAndGet();
            // A stuck manager must not flood the log: the first drop, then every 100th.
            if (n == 1 || n % 100 == 0) {
                LOG.warn("SNMP: notification queue full ({}); {} notification(s) dropped since start", QUEUE, n);
            }
        });
    }

    /** The daemon's listener: returns at once. */
    void onStateChange(StateChange change) {
        if (change instanceof UplinkStateChanged u) {
            OID trapOid = notificationFor(u);
            if (trapOid != null) {
                enqueue(() -> sendUplink(trapOid, u));
            }
        } else if (change instanceof PeerChannelChanged || change instanceof AgreementChanged) {
            // Whether it is peerUp/peerDown depends on the agreements: worked out on the sender thread.
            enqueue(() -> {
                try {
                    peerNotice.apply(change).ifPresent(this::sendPeer);
                } catch (RuntimeException e) {
                    failed.incrementAndGet();
                    LOG.warn("SNMP: no peerUp/peerDown for {}: {}", change, e.toString());
                }
            });
        } else if (change instanceof EmergencyChanged e) {
            // coopEmergenciesActive and the peer's index and name come from the daemon: on the sender thread.
            enqueue(() -> {
                try {
                    emergencyNotice.apply(e).ifPresent(this::sendEmergency);
                } catch (RuntimeException ex) {
                    failed.incrementAndGet();
                    LOG.warn("SNMP: no emergencyStarted/emergencyEnded for {}: {}", change, ex.toString());
                }
            });
        }
    }

    /**
     * uplinkUp on any change to up; uplinkDown on a change to down or missing from a state that was
     * neither (down to missing is still down). Changes to disabled send nothing: an admin did it.
     */
    static OID notificationFor(UplinkStateChanged u) {
        boolean wasDown = u.from() == UplinkStatus.State.DOWN || u.from() == UplinkStatus.State.MISSING;
        return switch (u.to()) {
            case UP -> CoopwanMib.UPLINK_UP;
            case DOWN, MISSING -> wasDown ? null : CoopwanMib.UPLINK_DOWN;
            case DISABLED -> null;
        };
    }

    private void enqueue(Runnable task) {
        try {
            sender.execute(task);
        } catch (RejectedExecutionException e) {
            // Shut down: the agent is stopping.
            dropped.incrementAndGet();
        }
    }

    private void sendUplink(OID trapOid, UplinkStateChanged u) {
        int index = uplinkIndex.applyAsInt(u.uplink());
        sendToTargets(trapOid,
                new VariableBinding(new OID(CoopwanMib.UPLINK_NAME).append(index), new OctetString(u.uplink())),
                new VariableBinding(new OID(CoopwanMib.UPLINK_STATE).append(index), new Integer32(u.to().ordinal() + 1)));
    }

    /** peerUp/peerDown: peerName.p and peerState.p, p = peerIndex (COOPWAN-MIB). */
    private void sendPeer(PeerMib.Notice n) {
        sendToTargets(n.notification(),
                new VariableBinding(new OID(CoopwanMib.PEER_NAME).append(n.peerIndex()),
                        new OctetString(n.peerName().getBytes(java.nio.charset.StandardCharsets.UTF_8))),
                new VariableBinding(new OID(CoopwanMib.PEER_STATE).append(n.peerIndex()), new Integer32(n.peerState())));
    }

    /** emergencyStarted/emergencyEnded: peerName.p (p = peerIndex), coopEmergencyRole.0, coopEmergenciesActive.0. */
    private void sendEmergency(EmergencyMib.Notice n) {
        sendToTargets(n.notification(),
                new VariableBinding(new OID(CoopwanMib.PEER_NAME).append(n.peerIndex()),
                        new OctetString(n.peerName().getBytes(java.nio.charset.StandardCharsets.UTF_8))),
                new VariableBinding(new OID(CoopwanMib.COOP_EMERGENCY_ROLE).append(0), new Integer32(n.role())),
                new VariableBinding(new OID(CoopwanMib.COOP_EMERGENCIES_ACTIVE).append(0),
                        new Gauge32(Math.min(n.active(), 0xFFFF_FFFFL))));
    }

    /** sysUpTime.0, snmpTrapOID.0 and the notification's objects, to every target of the config in force. */
    private void sendToTargets(OID trapOid, VariableBinding... objects) {
        CoopwanConfig c = config.get();
        if (c == null || c.snmp() == null || c.snmp().notifyTargets().isEmpty()) {
            return;
        }
        List<VariableBinding> vbs = new java.util.ArrayList<>(List.of(
                new VariableBinding(SnmpConstants.sysUpTime, new TimeTicks(uptimeCentis())),
                new VariableBinding(SnmpConstants.snmpTrapOID, trapOid)));
        vbs.addAll(List.of(objects));
        for (NotifyTarget t : c.snmp().notifyTargets()) {
            try {
                send(t, c.snmp().v2cCommunity(), vbs);
            } catch (IOException | RuntimeException e) {
                failed.incrementAndGet();
                LOG.warn("SNMP: cannot send {} to '{}': {}", name(trapOid), t, e.toString());
            }
        }
    }

    private long uptimeCentis() {
        return ((System.nanoTime() - startedNanos) / 10_000_000L) & 0xFFFF_FFFFL;
    }

    private void send(NotifyTarget t, String community, List<VariableBinding> vbs) throws IOException {
        UdpAddress address = new UdpAddress(literal(t.address()), t.port());
        boolean inform = t.kind() == NotifyTarget.Kind.INFORM;
        Target<UdpAddress> target;
        PDU pdu;
        if (t.security() == NotifyTarget.Security.V2C) {
            if (community == null || community.isEmpty()) {
                throw new IOException("v2c target without a community (v2c_community was removed by a reload)");
            }
            target = new CommunityTarget<>(address, new OctetString(community));
            target.setVersion(SnmpConstants.version2c);
            pdu = new PDU();
        } else {
            // A trap names us as authoritative; an inform's empty engine ID makes SNMP4J discover the receiver's.
            target = new UserTarget<>(address, new OctetString(v3.user()), inform ? new byte[0] : engineId,
                    SecurityLevel.AUTH_PRIV);
            target.setVersion(SnmpConstants.version3);
            pdu = new ScopedPDU();
        }
        pdu.setType(inform ? PDU.INFORM : PDU.NOTIFICATION);
        pdu.addAll(vbs);
        if (!inform) {
            target.setRetries(0);
            session.send(pdu, target);
            sent.incrementAndGet();
            return;
        }
        target.setRetries(INFORM_RETRIES);
        target.setTimeout(informTimeout.toMillis());
        String what = name(vbs.get(1).getVariable());
        session.send(pdu, target, null, new ResponseListener() {
            @Override
            public <A extends org.snmp4j.smi.Address> void onResponse(ResponseEvent<A> event) {
                ((Snmp) event.getSource()).cancel(event.getRequest(), this);
                PDU response = event.getResponse();
                if (response != null && response.getErrorStatus() == PDU.noError && response.getType() == PDU.RESPONSE) {
                    acknowledged.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                    LOG.warn("SNMP: {} to '{}' {}", what, t, response == null
                            ? "was not acknowledged after " + (1 + INFORM_RETRIES) + " tries"
                            : "was refused: " + (response.getType() == PDU.REPORT
                                    ? "report " + response.getVariableBindings() : response.getErrorStatusText()));
                }
            }
        });
        sent.incrementAndGet();
    }

    private static InetAddress literal(String ip) throws UnknownHostException {
        // The config accepts IP literals only, so this never asks DNS.
        return InetAddress.getByName(ip);
    }

    private static String name(Object trapOid) {
        if (CoopwanMib.UPLINK_DOWN.equals(trapOid)) {
            return "uplinkDown";
        }
        if (CoopwanMib.PEER_UP.equals(trapOid)) {
            return "peerUp";
        }
        if (CoopwanMib.PEER_DOWN.equals(trapOid)) {
            return "peerDown";
        }
        if (CoopwanMib.EMERGENCY_STARTED.equals(trapOid)) {
            return "emergencyStarted";
        }
        if (CoopwanMib.EMERGENCY_ENDED.equals(trapOid)) {
            return "emergencyEnded";
        }
        return CoopwanMib.UPLINK_UP.equals(trapOid) ? "uplinkUp" : String.valueOf(trapOid);
    }

    /** sent: handed to the socket (informs: first try); acknowledged/failed: informs' outcome and send errors. */
    public Counts counts() {
        return new Counts(sent.get(), acknowledged.get(), failed.get(), dropped.get());
    }

    @Override
    public void close() {
        sender.shutdownNow();
        try {
            sender.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            session.close();
        } catch (IOException e) {
            LOG.debug("SNMP: closing the notification socket: {}", e.toString());
        }
    }
}
