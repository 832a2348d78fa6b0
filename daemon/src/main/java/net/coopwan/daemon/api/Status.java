package net.coopwan.daemon.api;

import java.time.Instant;
import java.util.List;

/**
 * @param version      coopwan version
 * @param hostname     the router's host name
 * @param role         router or concentrator
 * @param startedAt    when the daemon started
 * @param uptimeSeconds seconds since start
 * @param configFile   the file the configuration came from, or "(embedded defaults)"
 * @param uplinksUp    uplinks whose device is operationally up
 * @param uplinksTotal enabled uplinks
 * @param frontEnds    one line per running front-end saying where it listens
 */
public record Status(String version, String hostname, String role, Instant startedAt, long uptimeSeconds,
                     String configFile, int uplinksUp, int uplinksTotal, List<String> frontEnds) {

    public Status {
        frontEnds = List.copyOf(frontEnds);
    }
}
