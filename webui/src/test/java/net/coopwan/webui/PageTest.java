package net.coopwan.webui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import net.coopwan.daemon.api.ReloadResult;
import net.coopwan.daemon.api.Status;

/** The HTML pages: login flow, status page, reload and logout forms, escaping, throttling. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PageTest {

    private static final String PASSWORD = "page-test-pw";
    private WebUi ui;
    private Http http;

    @BeforeAll
    void start() throws Exception {
        ui = WebUi.start(PASSWORD);
        http = ui.http;
    }

    @AfterAll
    void stop() {
        if (ui != null) {
            ui.close();
        }
    }

    private static String form(String user, String password) {
        return "user=" + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&password="
                + URLEncoder.encode(password, StandardCharsets.UTF_8);
    }

    /** Logs in through the login form; the CSRF token comes from the status page's hidden field. */
    private Http.Login pageLogin(Http client, String password) {
        HttpResponse<String> r = client.postForm("/login", form(WebUi.USER, password), null);
        assertEquals(303, r.statusCode(), r.body());
        assertEquals("/", r.headers().firstValue("Location").map(l -> java.net.URI.create(l).getPath()).orElse(null));
        String id = Http.sessionCookie(r).orElseThrow();
        HttpResponse<String> page = client.get("/", new Http.Login(id, null));
        assertEquals(200, page.statusCode());
        return new Http.Login(id, Http.csrfField(page.body()));
    }

    @Test
    void statusPageNeedsALogin() {
        HttpResponse<String> r = http.get("/");
        assertEquals(303, r.statusCode());
        assertTrue(r.headers().firstValue("Location").orElse("").endsWith("/login"));
        HttpResponse<String> login = http.get("/login");
        assertEquals(200, login.statusCode());
        assertTrue(login.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(login.body().contains("name=\"password\""));
        assertEquals(200, http.get("/static/style.css").statusCode(), "the login page's style sheet is public");
        HttpResponse<String> reload = http.postForm("/reload", "csrf=x", null);
        assertEquals(303, reload.statusCode(), "a write without a session goes to the login page");
    }

    @Test
    void formLoginSetsAHardenedCookieAndShowsTheStatus() {
        HttpResponse<String> r = http.postForm("/login", form(WebUi.USER, PASSWORD), null);
        assertEquals(303, r.statusCode(), r.body());
        String setCookie = Http.sessionSetCookie(r).orElseThrow();
        assertTrue(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict") && setCookie.contains("Path=/"),
                setCookie);
        Http.Login login = new Http.Login(Http.sessionCookie(r).orElseThrow(), null);
        HttpResponse<String> page = http.get("/", login);
        assertEquals(200, page.statusCode());
        String html = page.body();
        Status s = ui.daemon.api().status();
        assertTrue(html.contains("<h1 id=\"hostname\">" + s.hostname() + "</h1>"), html);
        assertTrue(html.contains(">" + s.version() + "<"));
        assertTrue(html.contains(">" + s.role() + "<"));
        assertTrue(html.contains(s.configFile()));
        assertTrue(html.contains("data-name=\"wan\""));
        assertTrue(html.contains("<code>lo</code>"));
        assertTrue(html.contains("state-up\">UP<"), "lo is up on every machine");
        assertTrue(html.contains("id=\"reload\""));
        assertFalse(html.contains("default-password-warning"), "not the shipped password here");
        // Logged in, the login page sends you on to the status page.
        assertEquals(303, http.get("/login", login).statusCode());
    }

    @Test
    void wrongPasswordShowsTheFormAgain() throws Exception {
        try (WebUi.Extra extra = ui.another(PASSWORD)) {
            HttpResponse<String> r = extra.http().postForm("/login", form(WebUi.USER, "nope"), null);
            assertEquals(401, r.statusCode());
            assertTrue(r.body().contains("Wrong user name or password."));
            assertTrue(r.body().contains("value=\"admin\""), "the user name is kept in the form");
            assertTrue(Http.sessionSetCookie(r).isEmpty());
        }
    }

    @Test
    void tooManyFailuresAreThrottledEvenWithTheRightPassword() throws Exception {
        try (WebUi.Extra extra = ui.another(PASSWORD)) {
            Http h = extra.http();
            for (int i = 1; i <= 5; i++) {
                assertEquals(401, h.apiLoginResponse(WebUi.USER, "guess" + i).statusCode(), "attempt " + i);
            }
            HttpResponse<String> api = h.apiLoginResponse(WebUi.USER, PASSWORD);
            assertEquals(429, api.statusCode(), api.body());
            long retry = Long.parseLong(api.headers().firstValue("Retry-After").orElseThrow());
            assertTrue(retry >= 1 && retry <= 60, "Retry-After " + retry);
            assertTrue(Http.json(api).get("error").asText().contains("too many failed logins"));
            assertTrue(Http.sessionSetCookie(api).isEmpty());
            HttpResponse<String> page = h.postForm("/login", form(WebUi.USER, PASSWORD), null);
            assertEquals(429, page.statusCode());
            assertTrue(page.headers().firstValue("Retry-After").isPresent());
            assertTrue(page.body().contains("Too many failed logins"));
        }
        // The throttle belongs to that front-end's clients; this one still lets 127.0.0.1 in.
        assertEquals(200, http.apiLoginResponse(WebUi.USER, PASSWORD).statusCode());
    }

    @Test
    void reloadButtonNeedsTheCsrfFieldAndShowsTheResult() {
        Http.Login login = pageLogin(http, PASSWORD);
        int before = ui.api.reloads();
        HttpResponse<String> none = http.postForm("/reload", "", login);
        assertEquals(403, none.statusCode());
        assertTrue(none.body().contains("CSRF token missing"), none.body());
        HttpResponse<String> wrong = http.postForm("/reload", "csrf=" + login.csrf().substring(1), login);
        assertEquals(403, wrong.statusCode());
        assertTrue(wrong.body().contains("CSRF token wrong"));
        assertEquals(before, ui.api.reloads(), "refused reloads must not reach the daemon");
        assertFalse(http.get("/", login).body().contains("reload-result"));

        HttpResponse<String> ok = http.postForm("/reload", "csrf=" + login.csrf(), login);
        assertEquals(303, ok.statusCode());
        assertEquals(before + 1, ui.api.reloads());
        ReloadResult direct = ui.daemon.api().reload();
        String page = http.get("/", login).body();
        assertTrue(page.contains("id=\"reload-result\">" + direct.message() + "<"), page);
        assertFalse(http.get("/", login).body().contains("reload-result"), "the result shows once");
    }

    @Test
    void aRefusedBondShowsTheDaemonsMessage() {
        Http.Login login = pageLogin(http, PASSWORD);
        String page = http.get("/", login).body();
        assertTrue(page.contains("id=\"bonds\"") && page.contains("id=\"create-bond\""), page);
        assertTrue(page.contains("data-uplink=\"wan\""), page);
        assertEquals(403, http.postForm("/bonds", "name=cwtnever1", login).statusCode());
        HttpResponse<String> r = http.postForm("/bonds", "csrf=" + login.csrf() + "&name=cwtnever1&member=wan", login);
        assertEquals(303, r.statusCode());
        String message;
        try {
            ui.daemon.api().createBond(net.coopwan.daemon.api.BondRequest.of("cwtnever1", "wan"));
            throw new AssertionError("embedded defaults must refuse bonds");
        } catch (net.coopwan.daemon.api.ControlException e) {
            message = e.getMessage();
        }
        String after = http.get("/", login).body();
        assertTrue(after.contains("id=\"bond-result\">Bond not created: " + message.replace("'", "&#39;")) , after);
        assertFalse(java.nio.file.Files.exists(java.nio.file.Path.of("/sys/class/net/cwtnever1")));
    }

    @Test
    void logoutNeedsTheCsrfFieldAndEndsTheSession() {
        Http.Login login = pageLogin(http, PASSWORD);
        assertEquals(403, http.postForm("/logout", "csrf=wrong", login).statusCode());
        assertEquals(200, http.get("/", login).statusCode(), "a refused logout leaves the session");
        HttpResponse<String> out = http.postForm("/logout", "csrf=" + login.csrf(), login);
        assertEquals(303, out.statusCode());
        assertTrue(out.headers().firstValue("Location").orElse("").endsWith("/login"));
        assertTrue(Http.sessionSetCookie(out).orElseThrow().contains("Max-Age=0"));
        assertEquals(303, http.get("/", login).statusCode(), "the old cookie no longer opens the page");
        assertEquals(401, http.get("/api/v1/status", login).statusCode());
    }

    @Test
    void pageAndApiShareTheSessionAndItsToken() {
        Http.Login login = pageLogin(http, PASSWORD);
        assertEquals(200, http.get("/api/v1/status", login).statusCode());
        assertEquals(200, http.post("/api/v1/reload", login, login.csrf()).statusCode());
    }

    @Test
    void nearbyRoutersSectionShowsOffOrTheTable() {
        Http.Login login = pageLogin(http, PASSWORD);
        String off = http.get("/", login).body();
        assertTrue(off.contains("<h2>Nearby routers</h2>"), off);
        assertTrue(off.contains("Cooperation is off (peer.enabled 0)"), off);
        try {
            ui.api.discovery = ApiTest.twoRoutersHeard();
            String on = http.get("/", login).body();
            assertFalse(on.contains("Cooperation is off"), on);
            assertTrue(on.contains("br-coop port 4790: advertising on 100.64.77.1:4790"), on);
            assertTrue(on.contains("dropped 4 (CHECKSUM_MISMATCH 4)"), on);
            assertTrue(on.contains("This router: nonce e954, offers emergency, duplication"), on);
            assertTrue(on.contains("data-address=\"100.64.77.2\""), on);
            assertTrue(on.contains("<td class=\"offers\">emergency</td>"), on);
            assertTrue(on.contains("<td class=\"offers\">none</td>"), on);
            assertTrue(on.contains("&lt;b&gt;x") && !on.contains("<b>x"), "the nonce text is escaped");
        } finally {
            ui.api.discovery = null;
        }
    }

    @Test
    void eventTextIsEscaped() {
        ui.daemon.daemon().events().record("test<b>", "<script>alert('x')</script> & more");
        Http.Login login = pageLogin(http, PASSWORD);
        String html = http.get("/", login).body();
        assertFalse(html.contains("<script>"), "event text must not become markup");
        assertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more"), html);
        assertTrue(html.contains("test&lt;b&gt;"));
    }

    @Test
    void crossSiteFormPostsAreRefused() {
        HttpResponse<String> r = http.send(http.request("/login").header("Content-Type", "application/x-www-form-urlencoded")
                .header("Origin", "http://evil.example")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(form(WebUi.USER, PASSWORD))));
        assertEquals(403, r.statusCode());
        assertTrue(r.body().contains("cross-site request refused"));
        assertTrue(Http.sessionSetCookie(r).isEmpty());
    }

    @Test
    void shippedPasswordShowsAWarning() throws Exception {
        try (WebUi.Extra extra = ui.another("coopwan")) {
            Http.Login login = pageLogin(extra.http(), "coopwan");
            String html = extra.http().get("/", login).body();
            assertTrue(html.contains("id=\"default-password-warning\""), html);
        }
    }
}
