package net.coopwan.snmp;

import java.util.List;

import net.coopwan.config.CoopwanConfig;
import net.coopwan.config.Global;
import net.coopwan.config.PeerLink;
import net.coopwan.config.Snmp;
import net.coopwan.config.Uplink;
import net.coopwan.config.Web;

/** Configurations for tests, built from the records (no file). */
final class TestConfigs {

    static final String USER = "coopwan";
    static final String AUTH_PASS = "auth-pass-1234";
    static final String PRIV_PASS = "priv-pass-5678";

    private TestConfigs() {
    }

    static Snmp snmp(int port, String community) {
        return snmp(port, community, "SHA-256", "AES-128");
    }

    static Snmp snmp(int port, String community, String auth, String priv) {
        return new Snmp(true, "127.0.0.1", port, USER, auth, AUTH_PASS, priv, PRIV_PASS, community,
                "", "noc@example.net", "rack 3, cellar");
    }

    static CoopwanConfig with(Snmp snmp) {
        return new CoopwanConfig(new Global(Global.Role.ROUTER, "info", "/tmp/coopwan-test.sock"),
                List.of(new Uplink("wan", "lo", true, 0, 0)), new PeerLink(false, "br-coop", 4790), List.of(),
                new Web(false, "127.0.0.1", 8080, "admin", "", 900), snmp, List.of());
    }
}
