package net.coopwan.daemon.frontend;

import java.nio.file.Path;

import net.coopwan.config.CoopwanConfig;
import net.coopwan.daemon.api.ControlApi;

/**
 * What a front-end gets at start.
 *
 * @param api      the one entry point into the daemon
 * @param config   the configuration in force at start
 * @param stateDir the daemon's state directory (front-ends may keep files under it, e.g. SNMP engine boots)
 */
public record FrontEndContext(ControlApi api, CoopwanConfig config, Path stateDir) {
}
