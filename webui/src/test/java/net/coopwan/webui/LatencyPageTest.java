package net.coopwan.webui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import net.coopwan.daemon.api.LatencyStatus;

/**
 * The status page's "Latency-critical traffic" section: the real daemon's (peer link off), every
 * part on, and a neighbour id and reason from the network escaped.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LatencyPageTest {

    private static final String PASSWORD = "latency-page-pw";
    private WebUi ui;

    @BeforeAll
    void start() throws Exception {
        ui = WebUi.start(PASSWORD);
    }

    @AfterEach
    void daemonAgain() {
        ui.api.latency = null;
    }

    @AfterAll
    void stop() {
        if (ui != null) {
            ui.close();
        }
    }

    private String page() {
        HttpResponse<String> r = ui.http.postForm("/login", "user=" + WebUi.USER + "&password="
                + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8), null);
        assertEquals(303, r.statusCode(), r.body());
        return ui.http.get("/", new Http.Login(Http.sessionCookie(r).orElseThrow(), null)).body();
    }

    @Test
    void offOnTheRealDaemon() {
        String page = page();
        assertTrue(page.contains("<h2>Latency-critical traffic</h2>"), page);
        assertTrue(page.contains("id=\"lc-classification\">Classification off</p>"), page);
        assertFalse(page.contains("id=\"lc-rules\""), "no rule table while off: " + page);
        assertTrue(page.contains("<span class=\"state state-disabled\">off</span> Duplication off: peer link off</p>"), page);
        assertTrue(page.contains("Suppression OFF, nothing enforced; since enforcement began 0 packets dropped, 0 ECN-marked"),
                page);
        assertTrue(page.contains("id=\"lc-isp\">Common-ISP detection off</p>"), page);
        assertTrue(page.contains("id=\"no-lc-isp\""), page);
    }

    @Test
    void everyPartOn() {
        ui.api.latency = CountingApi.latencyAllOn("coop-n01");
        String page = page();
        assertTrue(page.contains("id=\"lc-classification\">Classification on, DSCP rule b, LC traffic current; "
                + "777 LC packets, 2 LC sessions now</p>"), page);
        assertTrue(page.contains("<tr class=\"lc-rule\" data-rule=\"app game\"><td class=\"rule\">app game</td>"
                + "<td class=\"connections\">3</td></tr>"), page);
        assertTrue(page.contains("<td class=\"rule\">ad hoc rule</td><td class=\"connections\">4</td>"), page);
        assertTrue(page.contains("<span class=\"state state-up\">on</span> Duplication on: bond bond0, agreement enables "
                + "duplication; neighbour coop-n01 (its path in the bond)</p>"), page);
        assertTrue(page.contains("id=\"lc-copies\">LC packets sent as copies 500, copies sent 1000, delivered 480, "
                + "duplicates dropped 470, kept off the neighbour: ad hoc 3, over its cap 0; LC sessions started 9, routed connections 7"),
                page);
        assertTrue(page.contains("<span class=\"state state-down\">active</span> Suppression ENFORCING (rtt rising), "
                + "enforcing at most 20 % dropped; since enforcement began 250 packets dropped, 60 ECN-marked</p>"), page);
        assertTrue(page.contains("id=\"lc-demands\">Demanded by this router 20 %, coop-n01 10 %</p>"), page);
        assertTrue(page.contains("id=\"lc-counters\">Counted: SUPPRESSION_NO_AGREEMENT 1</p>"), page);
        assertTrue(page.contains("id=\"lc-isp\">Common-ISP detection on, target 198.18.0.1, gate on</p>"), page);
        assertTrue(page.contains("<td class=\"suffix\">1</td><td class=\"ratio\">0.20</td><td class=\"dup-via\">yes</td>"), page);
    }

    @Test
    void networkFieldsAreEscaped() {
        LatencyStatus all = CountingApi.latencyAllOn("coop-<b>n");
        ui.api.latency = new LatencyStatus(all.classification(), all.suppression(), all.duplication(),
                new LatencyStatus.CommonIsp(true, false, "", List.of(new LatencyStatus.IspNeighbour("coop-<i>x", "SAME",
                        "route <script>", 3, 0.6, "198.18.0.1", "", "", null, null, false, false, null, false, "")), Map.of()));
        String page = page();
        assertFalse(page.contains("<b>n") || page.contains("<i>x") || page.contains("<script>"), "unescaped: " + page);
        assertTrue(page.contains("neighbour coop-&lt;b&gt;n (its path in the bond)"), page);
        assertTrue(page.contains("<tr class=\"lc-isp\" data-peer=\"coop-&lt;i&gt;x\">"), page);
        assertTrue(page.contains("<td class=\"reason\">route &lt;script&gt;</td>"), page);
        assertTrue(page.contains("<span class=\"state state-down\">SAME</span>"), page);
        assertTrue(page.contains("Common-ISP detection on, no target, gate off"), page);
    }
}
