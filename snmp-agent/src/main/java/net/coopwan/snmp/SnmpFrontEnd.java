package net.coopwan.snmp;

import net.coopwan.daemon.frontend.FrontEnd;
import net.coopwan.daemon.frontend.FrontEndContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The SNMP agent as a daemon front-end ({@code config snmp}, option {@code enabled}). */
public final class SnmpFrontEnd implements FrontEnd {

    private static final Logger LOG = LoggerFactory.getLogger(SnmpFrontEnd.class);

    private SnmpAgent agent;

    public SnmpFrontEnd() {
        // For ServiceLoader.
    }

    @Override
    public String name() {
        return "snmp";
    }

    @Override
    public boolean enabled(FrontEndContext context) {
        return context.config().snmp() != null && context.config().snmp().enabled();
    }

    @Override
    public synchronized String start(FrontEndContext context) throws Exception {
        if (agent != null) {
            throw new IllegalStateException("SNMP front-end already started");
        }
        long t0 = System.nanoTime();
        agent = SnmpAgent.start(context);
        LOG.debug("SNMP agent started in {} ms, engine {} boots {}", (System.nanoTime() - t0) / 1_000_000,
                agent.engine().engineIdHex(), agent.engine().engineBoots());
        return agent.description();
    }

    @Override
    public synchronized void stop() {
        if (agent != null) {
            agent.close();
            agent = null;
        }
    }
}
