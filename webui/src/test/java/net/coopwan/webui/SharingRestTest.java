package net.coopwan.webui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
 * {@code GET /api/v1/sharing} and {@code POST /api/v1/sharing/{peer}/stop|resume}: login needed,
 * the real daemon's answer with the peer link off, the counters as JSON, CSRF on the writes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SharingRestTest {

    private static final String PASSWORD = "sharing-rest-pw";
    private static final String BORROWER = "coop-b01";
    private WebUi ui;

    @BeforeAll
    void start() throws Exception {
        ui = WebUi.start(PASSWORD);
    }

    @AfterEach
    void daemonAgain() {
        ui.api.sharingFromTheDaemon();
    }

    @AfterAll
    void stop() {
        if (ui != null) {
            ui.close();
        }
    }

    @Test
    void needsALoginAndIsOffWithoutThePeerLink() {
        assertEquals(401, ui.http.get("/api/v1/sharing").statusCode());
        assertEquals(401, ui.http.post("/api/v1/sharing/" + BORROWER + "/stop", null, "any-token").statusCode());
        Http.Login login = ui.http.apiLogin(WebUi.USER, PASSWORD);
        HttpResponse<String> r = ui.http.get("/api/v1/sharing", login);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode j = Http.json(r);
        assertFalse(j.get("lend").asBoolean(), r.body());
        assertEquals(0, j.get("lending").size());
        assertEquals(0, j.get("borrowing").size());
        assertEquals(0, j.get("totals").get("bytesLentDown").asLong(), r.body());
        HttpResponse<String> stop = ui.http.post("/api/v1/sharing/" + BORROWER + "/stop", login, login.csrf());
        assertEquals(503, stop.statusCode(), stop.body());
        assertEquals("RESOURCE_UNAVAILABLE", Http.json(stop).get("reason").asText());
    }

    @Test
    void theCountersAreInTheJson() {
        ui.api.sharing = CountingApi.sharingBothRoles(BORROWER, "coop-s02");
        Http.Login login = ui.http.apiLogin(WebUi.USER, PASSWORD);
        JsonNode j = Http.json(ui.http.get("/api/v1/sharing", login));
        assertEquals(List.of("lend", "borrow", "spareDownKbps", "spareUpKbps", "lending", "borrowing", "counters", "totals"),
                fields(j));
        JsonNode l = j.get("lending").get(0);
        assertEquals(List.of("peerId", "offerDownKbps", "offerUpKbps", "state", "quotaBytes", "stopped", "sessions",
                "rateDownKbps", "rateUpKbps", "bytesDown", "bytesUp"), fields(l));
        assertEquals(3, l.get("sessions").asLong());
        assertEquals(2L * 1024 * 1024, l.get("bytesDown").asLong());
        JsonNode b = j.get("borrowing").get(0);
        assertEquals(List.of("peerId", "state", "offerDownKbps", "offerUpKbps", "perMille", "sessions", "sessionsMoved",
                "rateDownKbps", "rateUpKbps", "bytesDown", "bytesUp"), fields(b));
        assertEquals(9, b.get("sessionsMoved").asLong());
        assertEquals(List.of("sessionsLent", "sessionsBorrowed", "sessionsMoved", "bytesLentDown", "bytesLentUp",
                "bytesBorrowedDown", "bytesBorrowedUp"), fields(j.get("totals")));
    }

    @Test
    void stopAndResumeNeedTheCsrfTokenAre204AndUnknownIs404() {
        ui.api.sharing = CountingApi.sharingBothRoles(BORROWER, "coop-s02");
        Http.Login login = ui.http.apiLogin(WebUi.USER, PASSWORD);
        String stop = "/api/v1/sharing/" + BORROWER + "/stop";
        assertEquals(403, ui.http.post(stop, login, null).statusCode());
        assertEquals(403, ui.http.post(stop, login, login.csrf().substring(1)).statusCode());
        assertEquals(List.of(), ui.api.lendingChanges(), "a refused write must not reach the daemon");

        HttpResponse<String> ok = ui.http.post(stop, login, login.csrf());
        assertEquals(204, ok.statusCode(), ok.body());
        assertTrue(Http.json(ui.http.get("/api/v1/sharing", login)).get("lending").get(0).get("stopped").asBoolean());
        assertEquals(204, ui.http.post("/api/v1/sharing/" + BORROWER + "/resume", login, login.csrf()).statusCode());
        assertFalse(Http.json(ui.http.get("/api/v1/sharing", login)).get("lending").get(0).get("stopped").asBoolean());
        assertEquals(List.of("stop " + BORROWER + " via web", "resume " + BORROWER + " via web"), ui.api.lendingChanges());

        HttpResponse<String> unknown = ui.http.post("/api/v1/sharing/coop-nobody/stop", login, login.csrf());
        assertEquals(404, unknown.statusCode(), unknown.body());
        assertEquals("NOT_FOUND", Http.json(unknown).get("reason").asText());
    }

    private static List<String> fields(JsonNode n) {
        List<String> out = new java.util.ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
