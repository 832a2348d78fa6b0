package net.coopwan.webui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;

import net.coopwan.daemon.api.LatencyStatus;

/**
 * {@code GET /api/v1/latency}: login needed, the real daemon's answer with the peer link off, every
 * field of a status as JSON, and no write on the path.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LatencyRestTest {

    private static final String PASSWORD = "latency-rest-pw";
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

    @Test
    void needsALoginAndIsOffWithoutThePeerLink() {
        assertEquals(401, ui.http.get("/api/v1/latency").statusCode());
        Http.Login login = ui.http.apiLogin(WebUi.USER, PASSWORD);
        HttpResponse<String> r = ui.http.get("/api/v1/latency", login);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode j = Http.json(r);
        assertFalse(j.get("classification").get("enabled").asBoolean(), r.body());
        assertEquals("OFF", j.get("suppression").get("state").asText(), r.body());
        assertEquals(-1, j.get("suppression").get("enforcedPercent").asInt(), r.body());
        assertFalse(j.get("duplication").get("on").asBoolean(), r.body());
        assertEquals("peer link off", j.get("duplication").get("reason").asText(), r.body());
    }

    @Test
    void everyFieldIsInTheJson() throws Exception {
        ui.api.latency = new LatencyStatus(
                new LatencyStatus.Classification(true, "b", true, 777, Map.of("game", 3L, "voip", 1L), 2, 1, 4, 6, 0, 0, 3,
                        5, 0),
                new LatencyStatus.Suppression(true, "ENFORCING", "rtt rising", 20, Map.of("", 20, "coop-n", 10),
                        Map.of("SUPPRESSION_NO_AGREEMENT", 1L)),
                new LatencyStatus.Duplication(false, LatencyStatus.DUPLICATION_NOT_WIRED));
        Http.Login login = ui.http.apiLogin(WebUi.USER, PASSWORD);
        HttpResponse<String> r = ui.http.get("/api/v1/latency", login);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(Http.JSON.readTree(Http.JSON.writeValueAsString(ui.api.latency)), Http.json(r));
        JsonNode c = Http.json(r).get("classification");
        assertEquals(777, c.get("lcPackets").asLong());
        assertEquals(3, c.get("connectionsByApp").get("game").asLong());
        assertTrue(c.get("lcTrafficCurrent").asBoolean());
        assertEquals(10, Http.json(r).get("suppression").get("demands").get("coop-n").asInt());
    }

    @Test
    void aWriteIsNotAllowed() {
        Http.Login login = ui.http.apiLogin(WebUi.USER, PASSWORD);
        int code = ui.http.post("/api/v1/latency", login, login.csrf()).statusCode();
        assertEquals(405, code);
    }
}
