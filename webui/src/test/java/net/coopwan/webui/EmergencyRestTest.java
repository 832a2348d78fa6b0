package net.coopwan.webui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code GET /api/v1/emergency} and {@code POST /api/v1/emergency/{peer}/end}: the real daemon's
 * answers (peer link off), and an emergency in both roles from {@link CountingApi#emergency}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmergencyRestTest {

    private static final String PASSWORD = "emergency-rest-pw";
    static final String HELPER = "coop-helper01";
    static final String CARRIED = "coop-carried02";
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

    @Test
    void bothNeedALogin() {
        assertEquals(401, http.get("/api/v1/emergency").statusCode());
        assertEquals(401, http.post("/api/v1/emergency/" + CARRIED + "/end", null, null).statusCode());
        ui.api.emergency = CountingApi.emergencyBothRoles(HELPER, CARRIED);
        assertEquals(401, http.post("/api/v1/emergency/" + CARRIED + "/end", null, "any-token").statusCode());
        assertEquals(List.of(), ui.api.endedEmergencies());
    }

    @Test
    void theDaemonsOwnStatusIsNormalAndEndingNeedsThePeerLink() {
        Http.Login login = http.apiLogin(WebUi.USER, PASSWORD);
        HttpResponse<String> r = http.get("/api/v1/emergency", login);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), r.headers().toString());
        JsonNode j = Http.json(r);
        assertEquals("NORMAL", j.get("requester").get("state").asText(), r.body());
        assertEquals(0, j.get("helping").size());
        assertEquals(0, j.get("started").asLong());
        HttpResponse<String> end = http.post("/api/v1/emergency/coop-1/end", login, login.csrf());
        assertEquals(503, end.statusCode(), end.body());
        assertEquals("RESOURCE_UNAVAILABLE", Http.json(end).get("reason").asText());
        assertTrue(Http.json(end).get("error").asText().contains("the peer link is off"), end.body());
    }

    @Test
    void statusIsTheEmergencyStatusAsJson() {
        ui.api.emergency = CountingApi.emergencyBothRoles(HELPER, CARRIED);
        Http.Login login = http.apiLogin(WebUi.USER, PASSWORD);
        JsonNode j = Http.json(http.get("/api/v1/emergency", login));
        JsonNode req = j.get("requester");
        assertEquals(List.of("requester", "helping", "started", "counters", "totals"), fields(j));
        assertEquals(List.of("state", "peerId", "since", "reason", "mode", "quotaBytes", "windowMs", "bytesSent",
                "bytesReceived"), fields(req));
        assertEquals("CARRIED", req.get("state").asText());
        assertEquals(HELPER, req.get("peerId").asText());
        assertEquals("2026-11-01T12:00:05.500Z", req.get("since").asText(), "instants as ISO-8601 strings");
        assertEquals(50_000_000, req.get("quotaBytes").asLong());
        JsonNode h = j.get("helping").get(0);
        assertEquals(List.of("peerId", "state", "since", "reason", "quotaBytes", "windowMs", "bytesCarried", "bytesDropped",
                "packetsRefused", "quotaUsedPercent"), fields(h));
        assertEquals(CARRIED, h.get("peerId").asText());
        assertEquals("HELPING", h.get("state").asText());
        assertEquals(37, h.get("quotaUsedPercent").asInt());
        assertEquals(12L * 1024 * 1024, h.get("bytesCarried").asLong());
        assertEquals(3, h.get("packetsRefused").asLong());
        assertEquals(2, j.get("started").asLong());
        assertEquals(1, j.get("counters").get("NO_AGREEMENT").asLong());
    }

    @Test
    void endNeedsTheCsrfTokenAndIs204ThenTheNeighbourIsGone() {
        ui.api.emergency = CountingApi.emergencyBothRoles(HELPER, CARRIED);
        Http.Login login = http.apiLogin(WebUi.USER, PASSWORD);
        String path = "/api/v1/emergency/" + CARRIED + "/end";
        HttpResponse<String> none = http.post(path, login, null);
        assertEquals(403, none.statusCode(), none.body());
        assertEquals(403, http.post(path, login, login.csrf().substring(1)).statusCode());
        assertEquals(List.of(), ui.api.endedEmergencies(), "a refused write must not reach the daemon");

        HttpResponse<String> ok = http.post(path, login, login.csrf());
        assertEquals(204, ok.statusCode(), ok.body());
        assertEquals(List.of(CARRIED + " via web"), ui.api.endedEmergencies());
        assertEquals(0, Http.json(http.get("/api/v1/emergency", login)).get("helping").size());
    }

    @Test
    void endingWhatIsNotCarriedIs404WithTheDaemonsMessage() {
        ui.api.emergency = CountingApi.emergencyBothRoles(HELPER, CARRIED);
        Http.Login login = http.apiLogin(WebUi.USER, PASSWORD);
        for (String peer : new String[] {"coop-nobody", HELPER}) {
            HttpResponse<String> r = http.post("/api/v1/emergency/" + peer + "/end", login, login.csrf());
            assertEquals(404, r.statusCode(), r.body());
            JsonNode j = Http.json(r);
            assertEquals("NOT_FOUND", j.get("reason").asText(), r.body());
            assertEquals("this router carries no emergency for '" + peer + "'", j.get("error").asText());
        }
        assertEquals(List.of(), ui.api.endedEmergencies());
        assertEquals(405, http.call("GET", "/api/v1/emergency/" + CARRIED + "/end", login, null, null).statusCode());
        assertEquals(405, http.call("DELETE", "/api/v1/emergency", login, login.csrf(), null).statusCode());
    }

    private static List<String> fields(JsonNode o) {
        List<String> f = new java.util.ArrayList<>();
        o.fieldNames().forEachRemaining(f::add);
        return f;
    }
}
