package net.coopwan.webui.server;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;

import jakarta.servlet.DispatcherType;

import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.server.handler.SizeLimitHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.glassfish.jersey.internal.inject.AbstractBinder;
import org.glassfish.jersey.jackson.JacksonFeature;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.glassfish.jersey.servlet.ServletContainer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.coopwan.config.Web;
import net.coopwan.daemon.api.ControlApi;
import net.coopwan.webui.api.ApiResource;
import net.coopwan.webui.api.BondResource;
import net.coopwan.webui.auth.LoginThrottle;
import net.coopwan.webui.auth.Logins;
import net.coopwan.webui.auth.SessionStore;
import net.coopwan.webui.http.AccessFeature;
import net.coopwan.webui.http.ErrorMappers;
import net.coopwan.webui.http.Responses;
import net.coopwan.webui.pages.PageResource;
import net.coopwan.webui.pages.StaticResource;
import net.coopwan.webui.pages.Templates;

/** A running Jetty serving the web UI; {@link #stop()} releases the socket and threads. */
public final class WebServer {

    private static final String REFERENCES_PER_CACHE_LINE = "org.eclipse.jetty.util.referencesPerCacheLine";
    private static final Logger LOG = LoggerFactory.getLogger("coopwan.web");

    /** Sessions kept at most; a router has a handful of admins. */
    public static final int MAX_SESSIONS = 64;
    /** Failed logins allowed per client address per {@link #FAILURE_WINDOW}. */
    public static final int MAX_FAILURES = 5;
    public static final Duration FAILURE_WINDOW = Duration.ofMinutes(1);
    /** Client addresses the login throttle remembers. */
    static final int THROTTLE_CLIENTS = 1024;
    /** No request of ours is bigger; a bigger one is refused before anything reads it. */
    static final long MAX_REQUEST_BYTES = 64 * 1024;

    static {
        // Jetty's MemoryUtils otherwise starts the JMX platform MBean server only to ask whether
        // object references are compressed: about 150-200 ms of a start-up that must stay well
        // under a second. 16 = 64-byte cache line / 4-byte references (compressed oops, and every
        // heap a router has). It only tunes padding; an admin can still set it on the command line.
        if (System.getProperty(REFERENCES_PER_CACHE_LINE) == null) {
            System.setProperty(REFERENCES_PER_CACHE_LINE, "16");
        }
    }

    private final Server server;
    private final URI uri;
    private final SessionStore sessions;

    private WebServer(Server server, URI uri, SessionStore sessions) {
        this.server = server;
        this.uri = uri;
        this.sessions = sessions;
    }

    /**
     * Binds and starts serving.
     *
     * @throws Exception when the address cannot be bound; nothing stays running then
     */
    public static WebServer start(Web web, ControlApi api, Clock clock) throws Exception {
        SessionStore sessions = new SessionStore(Duration.ofSeconds(web.sessionTimeoutSeconds()), MAX_SESSIONS, clock);
        Logins logins = new Logins(() -> api.config().web(),
                new LoginThrottle(MAX_FAILURES, FAILURE_WINDOW, THROTTLE_CLIENTS, clock), sessions);

        // Threads: 1 acceptor + 1 selector + up to 6 for requests; plenty for an admin UI.
        QueuedThreadPool pool = new QueuedThreadPool(8, 2, 60_000);
        pool.setName("coopwan-web");
        pool.setDaemon(true);
        pool.setReservedThreads(0);
        Server server = new Server(pool);
        // No graceful wait at stop: it would hold the daemon's shutdown for a second per idle
        // browser keep-alive connection, and an admin page cut short is simply reloaded.
        server.setStopTimeout(0);

        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(web.listen());
        connector.setPort(web.port());
        connector.setIdleTimeout(30_000);
        server.addConnector(connector);

        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
        context.setContextPath("/");
        context.addFilter(new FilterHolder(new SecurityHeadersFilter()), "/*",
                EnumSet.of(DispatcherType.REQUEST, DispatcherType.ERROR));
        Templates templates = new Templates();
        JsonMapper json = new JsonMapper();
        ServletHolder jersey = new ServletHolder("jersey",
                new ServletContainer(jersey(api, logins, sessions, templates, json)));
        // Jersey (with HK2) takes about half a second to initialise at C1: longer than the rest of the
        // daemon's start. It is initialised right after start() by the warm-up below, not inside it,
        // so the router's other services are not held back for the admin UI; the port is bound and
        // a request that arrives meanwhile waits for the initialisation instead of being refused.
        jersey.setInitOrder(-1);
        context.addServlet(jersey, "/*");
        ErrorHandler errors = new ErrorHandler();
        errors.setShowStacks(false);
        errors.setShowMessageInTitle(false);
        context.setErrorHandler(errors);
        server.setErrorHandler(errors);
        SizeLimitHandler limit = new SizeLimitHandler(MAX_REQUEST_BYTES, -1);
        limit.setHandler(context);
        server.setHandler(limit);
        try {
            server.start();
        } catch (Exception e) {
            server.stop();
            throw e;
        }
        warmUpInBackground(templates, json, web.listen(), connector.getLocalPort());
        String host = web.listen().contains(":") ? "[" + web.listen() + "]" : web.listen();
        return new WebServer(server, URI.create("http://" + host + ":" + connector.getLocalPort() + "/"), sessions);
    }

    /**
     * Initialises Jersey and warms the first-request path on a spare thread: one GET /login to
     * itself (which initialises the Jersey servlet and loads the classes of request handling), then
     * the templates and Jackson's serializers for the API's records. The server already accepts
     * connections; a request that comes first waits for the same work.
     */
    private static void warmUpInBackground(Templates templates, JsonMapper json, String host, int port) {
        Thread t = new Thread(() -> {
            try {
                SelfRequest.get(host, port, "/login");
                templates.warmUp();
                JsonWarmUp.run(json.getContext(Object.class));
            } catch (RuntimeException | LinkageError e) {
                // Only lost speed: the same work happens, and fails visibly, on the first request.
                LOG.debug("web warm-up failed: {}", e.toString());
            }
        }, "coopwan-web-warmup");
        t.setDaemon(true);
        t.start();
    }

    private static ResourceConfig jersey(ControlApi api, Logins logins, SessionStore sessions, Templates templates,
                                         JsonMapper json) {
        Responses responses = new Responses(templates);
        ResourceConfig rc = new ResourceConfig();
        // Everything is registered below; turn off every kind of discovery Jersey would spend start-up time on.
        rc.property(ServerProperties.FEATURE_AUTO_DISCOVERY_DISABLE, true);
        rc.property(ServerProperties.METAINF_SERVICES_LOOKUP_DISABLE, true);
        rc.property(ServerProperties.WADL_FEATURE_DISABLE, true);
        rc.property(ServerProperties.BV_FEATURE_DISABLE, true);
        rc.property(ServerProperties.JSON_PROCESSING_FEATURE_DISABLE, true);
        rc.property(ServerProperties.MOXY_JSON_FEATURE_DISABLE, true);
        // Our error bodies are the answer: do not let the servlet container replace them with its error page.
        rc.property(ServerProperties.RESPONSE_SET_STATUS_OVER_SEND_ERROR, true);
        // Redirects say "/login", not "http://<whatever Host the client sent>/login".
        rc.property(ServerProperties.LOCATION_HEADER_RELATIVE_URI_RESOLUTION_DISABLED, true);
        rc.register(JacksonFeature.withoutExceptionMappers());
        rc.register(json);
        rc.register(new AccessFeature(sessions, responses));
        for (Object mapper : ErrorMappers.all(responses)) {
            rc.register(mapper);
        }
        // Resources are single instances built here. Registering the instances directly works but
        // makes Jersey log a bogus warning per resource (eclipse-ee4j/jersey#3700); binding the
        // instances and registering their classes is the clean equivalent.
        ApiResource apiResource = new ApiResource(api, logins, sessions);
        PageResource pageResource = new PageResource(api, logins, sessions, templates);
        StaticResource staticResource = new StaticResource();
        BondResource bondResource = new BondResource(api);
        net.coopwan.webui.api.AgreementResource agreementResource = new net.coopwan.webui.api.AgreementResource(api);
        net.coopwan.webui.api.EmergencyResource emergencyResource = new net.coopwan.webui.api.EmergencyResource(api);
        net.coopwan.webui.api.SharingResource sharingResource = new net.coopwan.webui.api.SharingResource(api);
        net.coopwan.webui.api.LatencyResource latencyResource = new net.coopwan.webui.api.LatencyResource(api);
        rc.register(new AbstractBinder() {
            @Override
            protected void configure() {
                bind(apiResource).to(ApiResource.class);
                bind(pageResource).to(PageResource.class);
                bind(staticResource).to(StaticResource.class);
                bind(bondResource).to(BondResource.class);
                bind(agreementResource).to(net.coopwan.webui.api.AgreementResource.class);
                bind(emergencyResource).to(net.coopwan.webui.api.EmergencyResource.class);
                bind(sharingResource).to(net.coopwan.webui.api.SharingResource.class);
                bind(latencyResource).to(net.coopwan.webui.api.LatencyResource.class);
            }
        });
        rc.register(ApiResource.class);
        rc.register(PageResource.class);
        rc.register(StaticResource.class);
        rc.register(BondResource.class);
        rc.register(net.coopwan.webui.api.AgreementResource.class);
        rc.register(net.coopwan.webui.api.EmergencyResource.class);
        rc.register(net.coopwan.webui.api.SharingResource.class);
        rc.register(net.coopwan.webui.api.LatencyResource.class);
        return rc;
    }

    /** Where it serves, e.g. http://127.0.0.1:8080/ (the real port when the config said 0). */
    public URI uri() {
        return uri;
    }

    /** Live login sessions, for tests and diagnostics. */
    public int sessionCount() {
        return sessions.size();
    }

    public void stop() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("web server did not stop cleanly: " + e.getMessage(), e);
        }
    }
}
