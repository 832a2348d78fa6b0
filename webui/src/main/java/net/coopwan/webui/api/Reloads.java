package net.coopwan.webui.api;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.coopwan.daemon.api.ControlApi;
import net.coopwan.daemon.api.ReloadResult;

/** A reload as both the page and the API run it. */
public final class Reloads {

    private static final Logger LOG = LoggerFactory.getLogger("coopwan.web");

    private Reloads() {
    }

    /**
     * Asks the daemon to reload. The ControlApi reports a bad file in its result; anything it
     * throws anyway is a daemon bug, reported as a failed reload rather than a broken page.
     */
    public static ReloadResult run(ControlApi api, String user) {
        LOG.info("web: configuration reload requested by '{}'", user);
        try {
            return api.reload();
        } catch (RuntimeException e) {
            LOG.error("web: reload failed inside the daemon", e);
            return new ReloadResult(false, "reload failed inside the daemon: " + e);
        }
    }
}
