package net.coopwan.webui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;

import net.coopwan.daemon.api.Event;
import net.coopwan.daemon.api.NetInterface;
import net.coopwan.daemon.api.ReloadResult;
import net.coopwan.daemon.api.Status;
import net.coopwan.daemon.api.UplinkStatus;

/** The REST API against a real daemon and a real Jetty. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiTest {

    private static final String PASSWORD = "correct horse 42";
    private WebUi ui;
    private Http http;

    @BeforeAll
    void start() throws Exception {
        ui = WebUi.start(PASSWORD);
        http = ui.http;
        System.out.println("web front-end started in " + ui.startMillis + " ms: " + ui.startLine);
    }

    @AfterAll
    void stop() {
        if (ui != null) {
            ui.close();
        }
    }

    @Test
    void startLineSaysWhereItListens() {
        assertEquals("web UI on http://127.0.0.1:" + ui.uri().getPort() + "/", ui.startLine);
        assertTrue(ui.uri().getPort() > 0);
    }

    @Test
    void goodLoginSetsAHardenedCookieAndReturnsACsrfToken() {
        HttpResponse<String> r = http.apiLoginResponse(WebUi.USER, PASSWORD);
        assertEquals(200, r.statusCode(), r.body());
        String setCookie = Http.sessionSetCookie(r).orElseThrow();
        assertTrue(setCookie.contains("; HttpOnly"), setCookie);
        assertTrue(setCookie.contains("; SameSite=Strict"), setCookie);
        assertTrue(setCookie.contains("; Path=/"), setCookie);
        assertFalse(setCookie.contains("Secure"), "plain http must not get a Secure cookie: " + setCookie);
        String id = Http.sessionCookie(r).orElseThrow();
        String csrf = Http.json(r).get("csrfToken").asText();
        assertTrue(id.length() >= 43 && csrf.length() >= 43, "256-bit random values expected");
        assertNotEquals(id, csrf);
        // The cookie opens the API.
        assertEquals(200, http.get("/api/v1/status", new Http.Login(id, csrf)).statusCode());
        // A second login is a different session with a different token.
        Http.Login other = http.apiLogin(WebUi.USER, PASSWORD);
        assertNotEquals(id, other.cookie());
        assertNotEquals(csrf, other.csrf());
    }

    @Test
    void badLoginsAreRefusedWithoutACookie() throws Exception {
        // Own front-end: failures count towards the per-address throttle.
        try (WebUi.Extra extra = ui.another(PASSWORD)) {
            for (String[] creds : new String[][] {{WebUi.USER, "wrong"}, {"root", PASSWORD}, {WebUi.USER, ""}}) {
                HttpResponse<String> r = extra.http().apiLoginResponse(creds[0], creds[1]);
                assertEquals(401, r.statusCode(), r.body());
                assertEquals("wrong user or password", Http.json(r).get("error").asText());
                assertTrue(Http.sessionSetCookie(r).isEmpty(), "no cookie for a failed login");
            }
        }
    }

    @Test
    void everyApiCallButLoginNeedsTheSessionCookie() {
        int before = ui.api.reloads();
        for (String path : List.of("/api/v1/status", "/api/v1/uplinks", "/api/v1/interfaces", "/api/v1/events?limit=5")) {
            HttpResponse<String> r = http.get(path);
            assertEquals(401, r.statusCode(), path);
            assertTrue(Http.json(r).get("error").asText().contains("login required"), path + ": " + r.body());
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        }
        HttpResponse<String> unknownSession = http.get("/api/v1/status", new Http.Login("not-a-session", "x"));
        assertEquals(401, unknownSession.statusCode());
        HttpResponse<String> reload = http.post("/api/v1/reload", null, "anything");
        assertEquals(401, reload.statusCode());
        assertEquals(before, ui.api.reloads(), "an unauthenticated reload must not reach the daemon");
    }

    @Test
    void statusIsTheControlApisStatus() {
        Http.Login login = http.apiLogin(WebUi.USER, PASSWORD);
        HttpResponse<String> r = http.get("/api/v1/status", login);
        assertEquals(200, r.statusCode(), r.body());
        Status s = ui.daemon.api().status();
        JsonNode j = Http.json(r);
        assertEquals(s.hostname(), j.get("hostname").asText());
        assertEquals(s.role(), j.get("role").asText());
        assertEquals(s.version(), j.get("version").asText());
        assertEquals(s.configFile(), j.get("configFile").asText());
        assertEquals(s.uplinksUp(), j.get("uplinksUp").asInt());
        assertEquals(s.uplinksTotal(), j.get("uplinksTotal").asInt());
        assertTrue(j.get("startedAt").isTextual(), "Instants are ISO-8601 strings, not numbers: " + j.get("startedAt"));
        assertEquals(s.startedAt(), Instant.parse(j.get("startedAt").asText()));
        assertTrue(Math.abs(s.uptimeSeconds() - j.get("uptimeSeconds").asLong()) <= 2);
        assertTrue(j.get("frontEnds").isArray());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    }

    @Test
    void nearbyIsTheDiscoveryStatus() {
        Http.Login login = http.apiLogin(WebUi.USER, PASSWORD);
        try {
            JsonNode off = Http.json(http.get("/api/v1/nearby", login));
            assertEquals(false, off.get("enabled").asBoolean());
            assertEquals("br-coop", off.get("device").asText());
            assertEquals(0, off.get("routers").size());
            ui.api.discovery = twoRoutersHeard();
            JsonNode on = Http.json(http.get("/api/v1/nearby", login));
            assertEquals(true, on.get("enabled").asBoolean());
            assertEquals(4, on.get("drops").get("CHECKSUM_MISMATCH").asLong());
            assertEquals("e954", on.get("nonce").asText());
            assertEquals("duplication", on.get("offers").get(1).asText());
            assertEquals(2, on.get("routers").size());
            JsonNode r = on.get("routers").get(0);
            assertEquals("100.64.77.2", r.get("address").asText());
            assertEquals("beef", r.get("nonce").asText());
            assertEquals("emergency", r.get("offers").get(0).asText());
            assertEquals("2026-01-01T00:00:06Z", r.get("lastSeen").asText());
            assertEquals(401, http.get("/api/v1/nearby").statusCode());
        } finally {
            ui.api.discovery = null;
        }
    }

    @Test
    void peersAndPairingAreThereAndRefusedWhileThePeerLinkIsOff() {
        Http.Login login = http.apiLogin(WebUi.USER, PASSWORD);
        JsonNode off = Http.json(http.get("/api/v1/peers", login));
        assertEquals(false, off.get("enabled").asBoolean());
        assertEquals(0, off.get("peers").size());
        HttpResponse<String> start = http.write("POST", "/api/v1/pair/start", login, "{\"address\": \"100.64.77.2\"}");
        assertEquals(503, start.statusCode(), start.body());
        HttpResponse<String> enter = http.write("POST", "/api/v1/pair/enter", login,
                "{\"address\": \"100.64.77.2\", \"code\": \"1234-5678\"}");
        assertEquals(503, enter.statusCode(), enter.body());
        for (String body : new String[] {"{}", "{\"code\": \"1\"}", "{\"address\": \"100.64.77.2\", \"extra\": 1}"}) {
            HttpResponse<String> r = http.write("POST", "/api/v1/pair/enter", login, body);
            assertEquals(400, r.statusCode(), body + " -> " + r.body());
        }
        assertEquals(401, http.get("/api/v1/peers").statusCode());
    }

    @Test
    void agreementsAndPendingAreThereAndTheirWritesNeedCsrfAndThePeerLink() {
        Http.Login login = http.apiLogin(WebUi.USER, PASSWORD);
        assertEquals(0, Http.json(http.get("/api/v1/agreements", login)).size());
        assertEquals(0, Http.json(http.get("/api/v1/pending", login)).size());
        String approval = "{\"types\": {\"emergency\": {\"bandwidth_kbps\": 5000}}}";
        HttpResponse<String> noCsrf = http.call("POST", "/api/v1/pending/coop-1/approve", login, null, approval);
        assertEquals(403, noCsrf.statusCode(), noCsrf.body());
        HttpResponse<String> approve = http.write("POST", "/api/v1/pending/coop-1/approve", login, approval);
        assertEquals(503, approve.statusCode(), approve.body());
        assertTrue(approve.body().contains("the peer link is off"), approve.body());
        HttpResponse<String> noTypes = http.write("POST", "/api/v1/pending/coop-1/approve", login, "{}");
        assertEquals(400, noTypes.statusCode(), noTypes.body());
        HttpResponse<String> notANumber = http.write("POST", "/api/v1/pending/coop-1/approve", login,
                "{\"types\": {\"emergency\": {\"bandwidth_kbps\": \"fast\"}}}");
        assertEquals(400, notANumber.statusCode(), notANumber.body());
        assertEquals(503, http.write("POST", "/api/v1/pending/coop-1/reject", login, "{\"reason\": \"no\"}").statusCode());
        assertEquals(503, http.write("POST", "/api/v1/peers/coop-1/request", login, "{}").statusCode());
        HttpResponse<String> info = http.get("/api/v1/peers/coop-1/info", login);
        assertEquals(503, info.statusCode(), info.body());
        assertTrue(info.body().contains("the peer link is off"), info.body());
        assertEquals(403, http.call("POST", "/api/v1/peers/coop-1/info", login, null, "{}").statusCode(), "CSRF");
        assertEquals(503, http.write("POST", "/api/v1/peers/coop-1/info", login, "{}").statusCode());
        assertEquals(401, http.get("/api/v1/peers/coop-1/info").statusCode());
        assertEquals(401, http.get("/api/v1/agreements").statusCode());
        assertEquals(401, http.get("/api/v1/pending").statusCode());
    }

    static net.coopwan.daemon.api.DiscoveryStatus twoRoutersHeard() {
        java.util.Map<String, Long> drops = new java.util.LinkedHashMap<>();
        drops.put("BAD_MAGIC", 0L);
        drops.put("CHECKSUM_MISMATCH", 4L);
        return new net.coopwan.daemon.api.DiscoveryStatus(true, "br-coop", 4790,
                "advertising on 100.64.77.1:4790, broadcast 100.64.77.255", "e954",
                List.of("emergency", "duplication"), 9, 20, 6, 9, drops, 0, List.of(
                        new net.coopwan.daemon.api.NearbyRouter("100.64.77.2", "beef", true, List.of("emergency"),
                                "unknown", "512-1023 Mbit/s", "undisclosed", 2, Instant.parse("2026-01-01T00:00:00Z"),
                                Instant.parse("2026-01-01T00:00:06Z"), 4),
                        new net.coopwan.daemon.api.NearbyRouter("100.64.77.3", "<b>x", false, List.of(), "dsl",
                                "undisclosed", "undisclosed", 0, Instant.parse("2026-01-01T00:00:01Z"),
                                Instant.parse("2026-01-01T00:00:05Z"), 2)));
    }

    @Test
    void uplinksAndInterfacesAreTheKernelsView() {
        Http.Login login = http.apiLogin(WebUi.USER, PASSWORD);
        JsonNode uplinks = Http.json(http.get("/api/v1/uplinks", login));
        List<UplinkStatus> expected = ui.daemon.api().uplinks();
        assertEquals(expected.size(), uplinks.size());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).name(), uplinks.get(i).get("name").asText());
            assertEquals(expected.get(i).device(), uplinks.get(i).get("device").asText());
            assertEquals(expected.get(i).state().name(), uplinks.get(i).get("state").asText());
        }
        JsonNode wan = uplinks.get(0);
        assertEquals("wan", wan.get("name").asText());
        assertEquals("lo", wan.get("kernel").get("name").asText());
        assertTrue(wan.get("kernel").get("counters").get("rxPackets").isNumber());

        JsonNode ifs = Http.json(http.get("/api/v1/interfaces", login));
        List<String> names = new ArrayList<>();
        ifs.forEach(n -> names.add(n.get("name").asText()));
        assertEquals(ui.daemon.api().interfaces().stream().map(NetInterface::name).toList(), names);
    }

    @Test
    void eventsAreTheNewestFirstWithIsoTimes() {
        ui.daemon.daemon().events().record("test", "api events probe");
        Http.Login login = http.apiLogin(WebUi.USER, PASSWORD);
        HttpResponse<String> r = http.get("/api/v1/events?limit=3", login);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode events = Http.json(r);
        List<Event> expected = ui.daemon.api().events(3);
        assertEquals(expected.size(), events.size());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).id(), events.get(i).get("id").asLong());
            assertEquals(expected.get(i).time(), Instant.parse(events.get(i).get("time").asText()));
            assertEquals(expected.get(i).message(), events.get(i).get("message").asText());
        }
        assertEquals(200, http.get("/api/v1/events?limit=1000", login).statusCode());
        assertEquals(200, http.get("/api/v1/events", login).statusCode());
    }

    @Test
    void eventLimitOutOfRangeIsA400ThatSaysWhy() {
        Http.Login login = http.apiLogin(WebUi.USER, PASSWORD);
        for (String limit : List.of("0", "-1", "1001", "abc", "99999999999", "1.5")) {
            HttpResponse<String> r = http.get("/api/v1/events?limit=" + limit, login);
            assertEquals(400, r.statusCode(), "limit=" + limit + ": " + r.body());
            String error = Http.json(r).get("error").asText();
            assertTrue(error.contains("limit") && error.contains("1000"), error);
        }
    }

    @Test
    void reloadNeedsTheSessionsCsrfToken() {
        Http.Login login = http.apiLogin(WebUi.USER, PASSWORD);
        Http.Login other = http.apiLogin(WebUi.USER, PASSWORD);
        int before = ui.api.reloads();
        long eventsBefore = eventCount();

        HttpResponse<String> none = http.post("/api/v1/reload", login, null);
        assertEquals(403, none.statusCode(), none.body());
        assertTrue(Http.json(none).get("error").asText().contains("missing X-CSRF-Token"), none.body());
        HttpResponse<String> wrong = http.post("/api/v1/reload", login, login.csrf() + "x");
        assertEquals(403, wrong.statusCode());
        assertTrue(Http.json(wrong).get("error").asText().contains("wrong X-CSRF-Token"), wrong.body());
        HttpResponse<String> othersToken = http.post("/api/v1/reload", login, other.csrf());
        assertEquals(403, othersToken.statusCode(), "another session's token must not do");
        assertEquals(before, ui.api.reloads(), "refused reloads must not reach the daemon");
        assertEquals(eventsBefore, eventCount(), "refused reloads must leave no event");

        HttpResponse<String> ok = http.post("/api/v1/reload", login, login.csrf());
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals(before + 1, ui.api.reloads());
        ReloadResult direct = ui.daemon.api().reload();
        assertEquals(direct.applied(), Http.json(ok).get("applied").asBoolean());
        assertEquals(direct.message(), Http.json(ok).get("message").asText());
    }

    @Test
    void malformedJsonIsA400NeverA500() {
        String[] bodies = {"{", "not json", "{\"user\": \"admin\", \"password\": }", "[1,2]", "\"text\"",
                "{\"user\": \"admin\", \"password\": \"x\", \"extra\": 1}", "{\"user\": {\"a\":1}, \"password\": \"x\"}"};
        for (String body : bodies) {
            HttpResponse<String> r = http.postJson("/api/v1/login", body);
            assertEquals(400, r.statusCode(), body + " -> " + r.body());
            String error = Http.json(r).get("error").asText();
            assertTrue(error.startsWith("malformed JSON"), error);
            assertFalse(r.body().contains("at com.") || r.body().contains("Exception"), r.body());
        }
        for (String body : new String[] {"", "{}", "{\"user\": \"admin\"}", "null"}) {
            HttpResponse<String> r = http.postJson("/api/v1/login", body);
            assertEquals(400, r.statusCode(), "'" + body + "' -> " + r.body());
            assertTrue(Http.json(r).get("error").asText().contains("user"), r.body());
        }
        HttpResponse<String> text = http.send(http.request("/api/v1/login").header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("admin:pw")));
        assertEquals(415, text.statusCode(), text.body());
        assertTrue(Http.json(text).get("error").asText().contains("application/json"));
    }

    @Test
    void oversizedBodiesAreRefused() {
        String huge = "{\"user\":\"" + "a".repeat(200_000) + "\",\"password\":\"x\"}";
        HttpResponse<String> r = http.postJson("/api/v1/login", huge);
        assertEquals(413, r.statusCode());
    }

    @Test
    void unknownPathsAre404() {
        Http.Login login = http.apiLogin(WebUi.USER, PASSWORD);
        HttpResponse<String> api = http.get("/api/v1/nope", login);
        assertEquals(404, api.statusCode());
        assertEquals("no such page: /api/v1/nope", Http.json(api).get("error").asText());
        assertEquals(404, http.get("/api/v2/status").statusCode());
        HttpResponse<String> page = http.get("/nope.html");
        assertEquals(404, page.statusCode());
        assertTrue(page.body().contains("no such page: /nope.html"), page.body());
        assertEquals(404, http.get("/static/missing.css").statusCode());
        HttpResponse<String> wrongMethod = http.get("/api/v1/reload", login);
        assertEquals(405, wrongMethod.statusCode());
        assertTrue(Http.json(wrongMethod).get("error").asText().contains("POST"));
    }

    @Test
    void logoutEndsTheSession() {
        Http.Login login = http.apiLogin(WebUi.USER, PASSWORD);
        assertEquals(403, http.post("/api/v1/logout", login, null).statusCode(), "logout is a write: needs the token");
        assertEquals(200, http.get("/api/v1/status", login).statusCode());
        HttpResponse<String> out = http.post("/api/v1/logout", login, login.csrf());
        assertEquals(204, out.statusCode());
        assertTrue(Http.sessionSetCookie(out).orElseThrow().contains("Max-Age=0"));
        assertEquals(401, http.get("/api/v1/status", login).statusCode());
        assertEquals(401, http.post("/api/v1/reload", login, login.csrf()).statusCode());
    }

    @Test
    void crossSiteWritesAreRefused() {
        HttpResponse<String> evil = http.send(http.request("/api/v1/login").header("Content-Type", "application/json")
                .header("Origin", "http://evil.example").POST(HttpRequest.BodyPublishers.ofString(
                        Http.json(WebUi.USER, PASSWORD))));
        assertEquals(403, evil.statusCode());
        assertTrue(Http.sessionSetCookie(evil).isEmpty());
        HttpResponse<String> same = http.send(http.request("/api/v1/login").header("Content-Type", "application/json")
                .header("Origin", "http://127.0.0.1:" + ui.uri().getPort()).POST(HttpRequest.BodyPublishers.ofString(
                        Http.json(WebUi.USER, PASSWORD))));
        assertEquals(200, same.statusCode(), same.body());
    }

    @Test
    void securityHeadersOnEveryKindOfAnswer() {
        Http.Login login = http.apiLogin(WebUi.USER, PASSWORD);
        List<HttpResponse<String>> answers = List.of(http.get("/api/v1/status", login), http.get("/api/v1/status"),
                http.get("/login"), http.get("/"), http.get("/nope"), http.get("/", login));
        for (HttpResponse<String> r : answers) {
            String what = r.request().uri() + " " + r.statusCode();
            assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(null), what);
            assertEquals("DENY", r.headers().firstValue("X-Frame-Options").orElse(null), what);
            assertTrue(r.headers().firstValue("Content-Security-Policy").orElse("").startsWith("default-src 'self'"), what);
            assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(null), what);
            assertTrue(r.headers().firstValue("Server").isEmpty(), "no server version: " + what);
        }
    }

    @Test
    void bondsAreRefusedWith503OnEmbeddedDefaults() {
        Http.Login login = http.apiLogin(WebUi.USER, PASSWORD);
        assertEquals("[]", http.get("/api/v1/bonds", login).body());
        HttpResponse<String> r = http.write("POST", "/api/v1/bonds", login, "{\"name\": \"cwtnever0\"}");
        assertEquals(503, r.statusCode(), r.body());
        assertEquals("RESOURCE_UNAVAILABLE", Http.json(r).get("reason").asText());
        assertTrue(Http.json(r).get("error").asText().length() > 10, r.body());
        assertFalse(java.nio.file.Files.exists(java.nio.file.Path.of("/sys/class/net/cwtnever0")));
    }

    /** Id of the newest event: any new event changes it. */
    private long eventCount() {
        return ui.daemon.api().events(1).get(0).id();
    }
}
