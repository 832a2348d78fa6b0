package net.coopwan.daemon.frontend;

/**
 * A management front-end (web UI, SNMP agent, LuCI bridge). Registered in
 * {@code META-INF/services/net.coopwan.daemon.frontend.FrontEnd}; needs a public no-arg constructor.
 */
public interface FrontEnd {

    /** Short name for logs: "web", "snmp", "control-socket". */
    String name();

    /** Whether the configuration asks for this front-end at all. */
    boolean enabled(FrontEndContext context);

    /**
     * Starts serving and returns once it accepts requests.
     *
     * @return one line saying where it listens, e.g. "web UI on http://127.0.0.1:8080/"
     * @throws Exception when it cannot start (port in use, bad key material); the daemon logs it
     *                   and refuses to start, as an admin expects from a misconfigured service
     */
    String start(FrontEndContext context) throws Exception;

    /** Stops serving and releases sockets. Called once, after a successful start. */
    void stop();
}
