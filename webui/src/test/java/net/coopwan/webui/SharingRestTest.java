package net.coopwan.webui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;

/** {@code GET /api/v1/sharing}: login needed, and the real daemon's answer with the peer link off. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SharingRestTest {

    private static final String PASSWORD = "sharing-rest-pw";
    private WebUi ui;

    @BeforeAll
    void start() throws Exception {
        ui = WebUi.start(PASSWORD);
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
        Http.Login login = ui.http.apiLogin(WebUi.USER, PASSWORD);
        HttpResponse<String> r = ui.http.get("/api/v1/sharing", login);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode j = Http.json(r);
        assertFalse(j.get("lend").asBoolean(), r.body());
        assertEquals(0, j.get("lending").size());
        assertEquals(0, j.get("borrowing").size());
    }
}
