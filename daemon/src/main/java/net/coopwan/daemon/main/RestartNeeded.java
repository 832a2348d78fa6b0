package net.coopwan.daemon.main;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import net.coopwan.config.CoopwanConfig;

/**
 * Which changed settings a reload cannot apply: the sockets front-ends have bound and the role.
 * Everything else (uplinks, passwords, SNMP texts) is read from the current config when used.
 */
final class RestartNeeded {

    private RestartNeeded() {
    }

    /** E.g. "web listen/port, snmp security", or "" when a reload applied everything. */
    static String describe(CoopwanConfig before, CoopwanConfig after) {
        List<String> parts = new ArrayList<>();
        if (before.global().role() != after.global().role()) {
            parts.add("role");
        }
        if (!before.global().controlSocket().equals(after.global().controlSocket())) {
            parts.add("control_socket");
        }
        if (before.web().enabled() != after.web().enabled() || !before.web().listen().equals(after.web().listen())
                || before.web().port() != after.web().port()
                || before.web().sessionTimeoutSeconds() != after.web().sessionTimeoutSeconds()) {
            parts.add("web enabled/listen/port/session_timeout");
        }
        var a = before.snmp();
        var b = after.snmp();
        if (a.enabled() != b.enabled() || !a.listen().equals(b.listen()) || a.port() != b.port()) {
            parts.add("snmp enabled/listen/port");
        }
        if (!Objects.equals(a.v3User(), b.v3User()) || !Objects.equals(a.v3AuthProtocol(), b.v3AuthProtocol())
                || !Objects.equals(a.v3AuthPass(), b.v3AuthPass()) || !Objects.equals(a.v3PrivProtocol(), b.v3PrivProtocol())
                || !Objects.equals(a.v3PrivPass(), b.v3PrivPass()) || !Objects.equals(a.v2cCommunity(), b.v2cCommunity())) {
            parts.add("snmp users and community");
        }
        return String.join(", ", parts);
    }
}
