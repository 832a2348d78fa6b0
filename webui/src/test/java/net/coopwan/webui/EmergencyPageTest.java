package net.coopwan.webui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The status page's "Emergency connection" section and its End emergency form (post/redirect/get). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmergencyPageTest {

    private static final String PASSWORD = "emergency-page-pw";
    private WebUi ui;
    private Http http;

    @BeforeAll
    void start() throws Exception {
        ui = WebUi.start(PASSWORD);
        http = ui.http;
    }

    @AfterEach
    void daemonAgain() {
        ui.api.emergencyFromTheDaemon();
    }

    @AfterAll
    void stop() {
        if (ui != null) {
            ui.close();
        }
    }

    private Http.Login pageLogin() {
        HttpResponse<String> r = http.postForm("/login", "user=" + WebUi.USER + "&password="
                + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8), null);
        assertEquals(303, r.statusCode(), r.body());
        String id = Http.sessionCookie(r).orElseThrow();
        return new Http.Login(id, Http.csrfField(http.get("/", new Http.Login(id, null)).body()));
    }

    @Test
    void ownUplinkAndNoNeighbourCarriedOnTheRealDaemon() {
        String page = http.get("/", pageLogin()).body();
        assertTrue(page.contains("<h2>Emergency connection</h2>"), page);
        assertTrue(page.contains("<p id=\"emergency-own\">Own uplink</p>"), page);
        assertTrue(page.contains("id=\"no-helping\">This router carries no neighbour's traffic."), page);
        assertFalse(page.contains("end-emergency"), page);
    }

    @Test
    void carriedByANeighbourAndATableOfNeighboursCarried() {
        ui.api.emergency = CountingApi.emergencyBothRoles("coop-helper01", "coop-<b>02");
        String page = http.get("/", pageLogin()).body();
        assertTrue(page.contains("<strong>Carried by neighbour coop-helper01 since 2026-11-01 12:00:05 UTC (wan down: 3 probes"
                + " lost)</strong>"), page);
        assertTrue(page.contains("quota 47.7 MiB / 1 s, sent 1.5 KiB, received 12.0 MiB"), page);
        assertTrue(page.contains("<tr class=\"helping\" data-peer=\"coop-&lt;b&gt;02\">"), "escaped: " + page);
        assertTrue(page.contains("<td class=\"quota-used\">37 %</td><td class=\"carried\">12.0 MiB</td>"), page);
        assertTrue(page.contains("<td class=\"refused\">3</td>"), page);
        assertTrue(page.contains("<td class=\"quota\">47.7 MiB / 1 s</td>"), page);
        assertTrue(page.contains("action=\"/emergency/coop-%3Cb%3E02/end\""), page);
    }

    @Test
    void endNeedsTheCsrfFieldThenRedirectsAndSaysSoOnce() {
        ui.api.emergency = CountingApi.emergencyBothRoles("coop-helper01", "coop-carried02");
        Http.Login login = pageLogin();
        assertEquals(403, http.postForm("/emergency/coop-carried02/end", "", login).statusCode());
        assertEquals(403, http.postForm("/emergency/coop-carried02/end", "csrf=wrong", login).statusCode());
        assertEquals(List.of(), ui.api.endedEmergencies());

        HttpResponse<String> r = http.postForm("/emergency/coop-carried02/end", "csrf=" + login.csrf(), login);
        assertEquals(303, r.statusCode(), r.body());
        assertEquals("/#emergency", r.headers().firstValue("Location").orElse(""));
        assertEquals(List.of("coop-carried02 via web"), ui.api.endedEmergencies());
        String page = http.get("/", login).body();
        assertTrue(page.contains("id=\"emergency-result\">Emergency of coop-carried02 ended: its traffic is no longer carried."),
                page);
        assertTrue(page.contains("id=\"no-helping\""), page);
        assertFalse(http.get("/", login).body().contains("emergency-result"), "the message shows once");

        HttpResponse<String> again = http.postForm("/emergency/coop-carried02/end", "csrf=" + login.csrf(), login);
        assertEquals(303, again.statusCode());
        assertTrue(http.get("/", login).body().contains("id=\"emergency-result\">Emergency not ended: this router carries no"
                + " emergency for &#39;coop-carried02&#39;"), "the daemon's words");
    }
}
