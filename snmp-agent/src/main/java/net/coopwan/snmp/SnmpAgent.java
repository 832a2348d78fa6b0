package net.coopwan.snmp;

import java.io.IOException;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Function;

import net.coopwan.config.CoopwanConfig;
import net.coopwan.config.Snmp;
import net.coopwan.daemon.api.ControlApi;
import net.coopwan.daemon.frontend.FrontEndContext;
import net.coopwan.snmp.mib.BondMib;
import net.coopwan.snmp.mib.EmergencyMib;
import net.coopwan.snmp.mib.IfMib;
import net.coopwan.snmp.mib.PeerMib;
import net.coopwan.snmp.mib.SystemGroup;
import net.coopwan.snmp.security.AccessPolicy;
import net.coopwan.snmp.security.EngineState;
import net.coopwan.snmp.security.EngineStateFile;
import org.snmp4j.MessageDispatcherImpl;
import org.snmp4j.SNMP4JSettings;
import org.snmp4j.agent.DefaultMOServer;
import org.snmp4j.agent.DuplicateRegistrationException;
import org.snmp4j.cfg.EngineBootsProvider;
import org.snmp4j.mp.CounterSupport;
import org.snmp4j.security.SecurityModels;
import org.snmp4j.security.SecurityProtocols;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.UdpAddress;
import org.snmp4j.transport.DefaultUdpTransportMapping;
import org.snmp4j.util.ThreadPool;

/**
 * One running SNMP agent: SNMPv3 USM/VACM, optional read-only v2c, SNMPv2-MIB system group,
 * IF-MIB and COOPWAN-MIB (uplinks, peers, bonds, emergency), on one UDP socket. {@link #start} returns once the
 * socket answers; {@link #close} releases the socket and the worker threads.
 *
 * <p>Each agent has its own security models, protocols and counters (not SNMP4J's JVM-wide
 * singletons), so a restart in the same JVM, or two agents in one test, do not share users.
 */
public final class SnmpAgent implements AutoCloseable {

    /** Worker threads answering requests; the routers have 1-4 cores and SNMP is light. */
    private static final int WORKERS = 2;

    private final AgentSettings settings;
    private final EngineState engine;
    private final CoopwanAgentConfigManager manager;
    private final ThreadPool workers;
    private final NotificationSender notifications;
    private final AutoCloseable subscription;
    private final EmergencyMib emergencyMib;

    private SnmpAgent(AgentSettings settings, EngineState engine, CoopwanAgentConfigManager manager,
                      ThreadPool workers, NotificationSender notifications, AutoCloseable subscription,
                      EmergencyMib emergencyMib) {
        this.settings = settings;
        this.engine = engine;
        this.manager = manager;
        this.workers = workers;
        this.notifications = notifications;
        this.subscription = subscription;
        this.emergencyMib = emergencyMib;
    }

    /**
     * Starts the agent described by {@code context.config().snmp()}, keeping its engine state under
     * {@code context.stateDir()/snmp/}.
     *
     * @throws IllegalArgumentException for a bad configuration value, naming it
     * @throws IOException              when the port cannot be bound or the engine state not stored
     */
    public static SnmpAgent start(FrontEndContext context) throws IOException {
        return start(context, BondMib.PENDING_TIMEOUT);
    }

    /**
     * As {@link #start(FrontEndContext)}, with the time a bond row made with createAndWait may stay
     * not active before the agent discards it (5 minutes in service; tests shorten it).
     */
    public static SnmpAgent start(FrontEndContext context, Duration pendingTimeout) throws IOException {
        return start(context, pendingTimeout, NotificationSender.INFORM_TIMEOUT);
    }

    /**
     * As {@link #start(FrontEndContext, Duration)}, with the time an inform waits for its
     * acknowledgement per try (5 s in service; tests shorten it).
     */
    public static SnmpAgent start(FrontEndContext context, Duration pendingTimeout, Duration informTimeout)
            throws IOException {
        AgentSettings settings = AgentSettings.from(context.config().snmp());
        // A report about a wrong digest cannot be authenticated to a manager that has the wrong key:
        // sent with authentication it is dropped and the admin sees a timeout; sent noAuthNoPriv
        // (as net-snmp's agent does) the manager says "Authentication failure". JVM-wide setting;
        // this agent is the only SNMP engine in the daemon.
        SNMP4JSettings.setReportSecurityLevelStrategy(SNMP4JSettings.ReportSecurityLevelStrategy.noAuthNoPrivIfNeeded);
        ControlApi api = context.api();
        // Bind first: a port in use is the likeliest failure and costs no boot count.
        DefaultUdpTransportMapping transport = bind(settings);
        ThreadPool workers = null;
        NotificationSender notifications = null;
        EmergencyMib emergencyMib = null;
        try {
            EngineState engine = new EngineStateFile(engineStateDir(context.stateDir())).boot();
            OctetString engineId = new OctetString(engine.engineId());
            MessageDispatcherImpl dispatcher = new MessageDispatcherImpl();
            dispatcher.addTransportMapping(transport);
            DefaultMOServer server = new DefaultMOServer();
            workers = ThreadPool.create("coopwan-snmp", WORKERS);

            var status = api.status();
            String hostname = status.hostname();
            CoopwanAgentConfigManager manager = new CoopwanAgentConfigManager(engineId, dispatcher, server,
                    workers, bootsProvider(engine), settings.v2cEnabled(),
                    SystemGroup.sysDescr(status.version(), System.getProperty("os.version", "unknown")),
                    SystemGroup.SYS_OBJECT_ID, SystemGroup.SYS_SERVICES);
            manager.setContext(new SecurityModels(), protocols(settings), new CounterSupport());
            manager.initialize();

            AccessPolicy.apply(manager.getUsm(), manager.getVacmMIB(), manager.getSnmpCommunityMIB(), engineId,
                    settings.v3(), settings.v2cCommunity());
            registerMibs(server, api, hostname);
            BondMib bondMib = new BondMib(api, engineStateDir(context.stateDir()), Clock.systemUTC(), pendingTimeout);
            bondMib.registerMOs(server, null);
            PeerMib peerMib = new PeerMib(api, engineStateDir(context.stateDir()));
            peerMib.registerMOs(server, null);
            emergencyMib = new EmergencyMib(api, true);
            emergencyMib.registerMOs(server, null);
            new net.coopwan.snmp.mib.SharingMib(api).registerMOs(server, null);
            new net.coopwan.snmp.mib.LatencyMib(api).registerMOs(server, null);
            EmergencyMib emergency = emergencyMib;

            manager.run();
            if (!transport.isListening()) {
                throw new IOException("SNMP agent could not listen on " + settings.endpoint());
            }
            notifications = new NotificationSender(engine.engineId(), engine.engineBoots(), settings.v3(), api::config,
                    bondMib::uplinkIndex, peerMib::noticeFor, change -> emergency.noticeFor(change, peerMib),
                    informTimeout);
            NotificationSender sender = notifications;
            AutoCloseable subscription = api.subscribe(change -> {
                emergency.onStateChange(change);
                sender.onStateChange(change);
            });
            return new SnmpAgent(settings, engine, manager, workers, notifications, subscription, emergencyMib);
        } catch (DuplicateRegistrationException e) {
            closeQuietly(emergencyMib);
            closeQuietly(notifications);
            cleanUp(transport, workers);
            throw new IllegalStateException("SNMP agent: two MIB objects claim one OID: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            closeQuietly(emergencyMib);
            closeQuietly(notifications);
            cleanUp(transport, workers);
            throw e;
        }
    }

    private static void closeQuietly(EmergencyMib emergencyMib) {
        if (emergencyMib != null) {
            emergencyMib.close();
        }
    }

    private static void closeQuietly(NotificationSender notifications) {
        if (notifications != null) {
            notifications.close();
        }
    }

    private static void cleanUp(DefaultUdpTransportMapping transport, ThreadPool workers) {
        try {
            transport.close();
        } catch (IOException e) {
            // Already failing; the original error is what the admin needs.
        }
        if (workers != null) {
            workers.cancel();
        }
    }

    /** What coopwan serves beyond SNMP4J's framework MIBs; values are read from the daemon per request. */
    private static void registerMibs(DefaultMOServer server, ControlApi api, String hostname)
            throws DuplicateRegistrationException {
        SystemGroup.registerReadOnlyScalars(server,
                () -> configured(api, Snmp::sysContact),
                () -> {
                    String name = configured(api, Snmp::sysName);
                    return name.isBlank() ? hostname : name;
                },
                () -> configured(api, Snmp::sysLocation));
        new IfMib(api::interfaces, IfMib.DEFAULT_MAX_AGE).registerMOs(server, null);
    }

    /** A text option of the configuration in force now; "" if a reload dropped the snmp section. */
    private static String configured(ControlApi api, Function<Snmp, String> option) {
        CoopwanConfig c = api.config();
        String v = c == null || c.snmp() == null ? null : option.apply(c.snmp());
        return v == null ? "" : v;
    }

    private static DefaultUdpTransportMapping bind(AgentSettings settings) throws IOException {
        try {
            return new DefaultUdpTransportMapping(new UdpAddress(settings.listen(), settings.port()));
        } catch (SocketException e) {
            throw new IOException("SNMP agent cannot listen on " + settings.endpoint() + ": " + e.getMessage(), e);
        }
    }

    /** Exactly the configured protocols: a manager offering any other is refused by USM. */
    private static SecurityProtocols protocols(AgentSettings settings) {
        SecurityProtocols p = new SecurityProtocols(SecurityProtocols.SecurityProtocolSet.none);
        p.addAuthenticationProtocol(settings.v3().auth());
        p.addPrivacyProtocol(settings.v3().priv());
        return p;
    }

    /** The boot was counted and stored by {@link EngineStateFile#boot()} already. */
    private static EngineBootsProvider bootsProvider(EngineState engine) {
        return new EngineBootsProvider() {
            @Override
            public int updateEngineBoots() {
                return engine.engineBoots();
            }

            @Override
            public int getEngineBoots() {
                return engine.engineBoots();
            }
        };
    }

    /** The start-up line, e.g. "SNMP agent on udp:127.0.0.1:1161 (SNMPv3 user ... ; v2c read-only off)". */
    public String description() {
        return settings.describe();
    }

    public AgentSettings settings() {
        return settings;
    }

    /** The engine ID and boots of this run. */
    public EngineState engine() {
        return engine;
    }

    /** Where the engine state is kept for a given daemon state directory. */
    public static Path engineStateDir(Path stateDir) {
        return stateDir.resolve("snmp");
    }

    /** What became of the notifications sent since start. */
    public NotificationSender.Counts notificationCounts() {
        return notifications.counts();
    }

    @Override
    public void close() {
        try {
            subscription.close();
        } catch (Exception e) {
            // Unsubscribing cannot fail in the daemon; nothing to add to a stop.
        }
        try {
            emergencyMib.close();
            notifications.close();
            manager.shutdown();
        } finally {
            workers.stop();
        }
    }
}
