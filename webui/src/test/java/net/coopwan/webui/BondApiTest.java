package net.coopwan.webui;

import static net.coopwan.daemon.testing.TestInterfaces.exists;
import static net.coopwan.daemon.testing.TestInterfaces.sys;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

import net.coopwan.daemon.api.BondStatus;
import net.coopwan.daemon.api.ControlException;
import net.coopwan.daemon.testing.TestInterfaces;
import net.coopwan.webui.http.ErrorMappers;

/**
 * /api/v1/bonds and the status page's bond forms against a real daemon running from a config file:
 * real TUN interfaces appear in /sys/class/net and go again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BondApiTest {

    private static final String PASSWORD = "bond-test-pw";

    @RegisterExtension
    final TestInterfaces ifs = new TestInterfaces();

    private Path dir;
    private WebUi ui;
    private Http http;
    private Http.Login login;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("coopwan-webui-bonds");
        ui = WebUi.startFromFile(PASSWORD, dir.resolve("coopwan"));
        http = ui.http;
        login = http.apiLogin(WebUi.USER, PASSWORD);
    }

    @AfterAll
    void stop() throws Exception {
        if (ui != null) {
            ui.close();
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Every test leaves the daemon without bonds, passed or failed (the extension deletes stray interfaces). */
    @AfterEach
    void removeBonds() {
        for (BondStatus b : ui.daemon.api().bonds()) {
            ui.daemon.api().destroyBond(b.name());
        }
    }

    private static String create(String name, String mode, Integer mtu, List<String> members) throws Exception {
        var body = new java.util.LinkedHashMap<String, Object>();
        body.put("name", name);
        if (mode != null) {
            body.put("mode", mode);
        }
        if (mtu != null) {
            body.put("mtu", mtu);
        }
        if (members != null) {
            body.put("members", members);
        }
        return Http.JSON.writeValueAsString(body);
    }

    private static void assertRefused(HttpResponse<String> r, int status, ControlException.Reason reason) {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), r.body());
        JsonNode j = Http.json(r);
        assertEquals(reason.name(), j.get("reason").asText(), r.body());
        assertFalse(j.get("error").asText().isBlank(), r.body());
        assertFalse(r.body().contains("Exception"), r.body());
    }

    @Test
    void reasonsMapToStatusesInOnePlace() {
        assertEquals(400, ErrorMappers.status(ControlException.Reason.INVALID_VALUE));
        assertEquals(409, ErrorMappers.status(ControlException.Reason.INCONSISTENT));
        assertEquals(404, ErrorMappers.status(ControlException.Reason.NOT_FOUND));
        assertEquals(409, ErrorMappers.status(ControlException.Reason.ALREADY_EXISTS));
        assertEquals(503, ErrorMappers.status(ControlException.Reason.RESOURCE_UNAVAILABLE));
    }

    @Test
    void wholeLifecycleMakesAndRemovesARealInterface() throws Exception {
        String name = ifs.name();
        assertEquals("[]", http.get("/api/v1/bonds", login).body());

        HttpResponse<String> created = http.write("POST", "/api/v1/bonds", login, create(name, "wrr", 1500, List.of("wan")));
        assertEquals(201, created.statusCode(), created.body());
        URI location = URI.create(created.headers().firstValue("Location").orElseThrow());
        assertEquals("/api/v1/bonds/" + name, location.getPath());
        JsonNode b = Http.json(created);
        assertEquals(name, b.get("name").asText());
        assertEquals("wrr", b.get("mode").asText());
        assertEquals(1500, b.get("mtu").asInt());
        assertEquals("wan", b.get("members").get(0).asText());
        assertEquals("ACTIVE", b.get("state").asText());
        int ifIndex = b.get("ifIndex").asInt();
        assertTrue(exists(name), "the bond is a kernel interface");
        assertEquals(Integer.toString(ifIndex), sys(name, "ifindex"));
        assertEquals("1500", sys(name, "mtu"));
        assertTrue(Files.readString(dir.resolve("coopwan")).contains("config bond '" + name + "'"), "persisted");

        JsonNode list = Http.json(http.get("/api/v1/bonds", login));
        assertEquals(1, list.size());
        assertEquals(name, list.get(0).get("name").asText());
        HttpResponse<String> one = http.get(location.getPath(), login);
        assertEquals(200, one.statusCode());
        assertEquals(ifIndex, Http.json(one).get("ifIndex").asInt());

        HttpResponse<String> patched = http.write("PATCH", "/api/v1/bonds/" + name, login, "{\"mtu\": 1280, \"mode\": \"active-backup\"}");
        assertEquals(200, patched.statusCode(), patched.body());
        assertEquals("active-backup", Http.json(patched).get("mode").asText());
        assertEquals("1280", sys(name, "mtu"), "an active interface gets the new MTU at once");

        HttpResponse<String> added = http.write("PUT", "/api/v1/bonds/" + name + "/members/lte", login, null);
        assertEquals(201, added.statusCode(), added.body());
        assertEquals("/api/v1/bonds/" + name + "/members/lte",
                URI.create(added.headers().firstValue("Location").orElseThrow()).getPath());
        assertEquals(List.of("wan", "lte"), members(Http.json(added)));
        HttpResponse<String> again = http.write("PUT", "/api/v1/bonds/" + name + "/members/lte", login, null);
        assertEquals(200, again.statusCode(), "PUT is idempotent: " + again.body());
        assertEquals(List.of("wan", "lte"), members(Http.json(again)));

        HttpResponse<String> removed = http.write("DELETE", "/api/v1/bonds/" + name + "/members/wan", login, null);
        assertEquals(200, removed.statusCode(), removed.body());
        assertEquals(List.of("lte"), members(Http.json(removed)));
        assertRefused(http.write("DELETE", "/api/v1/bonds/" + name + "/members/wan", login, null), 404,
                ControlException.Reason.NOT_FOUND);

        HttpResponse<String> deleted = http.write("DELETE", "/api/v1/bonds/" + name, login, null);
        assertEquals(204, deleted.statusCode(), deleted.body());
        assertFalse(exists(name), "destroy removes the interface");
        assertEquals(List.of(), ui.daemon.api().bonds());
        assertRefused(http.get(location.getPath(), login), 404, ControlException.Reason.NOT_FOUND);
        assertRefused(http.write("DELETE", "/api/v1/bonds/" + name, login, null), 404, ControlException.Reason.NOT_FOUND);
    }

    private static List<String> members(JsonNode bond) {
        List<String> m = new ArrayList<>();
        bond.get("members").forEach(n -> m.add(n.asText()));
        return m;
    }

    @Test
    void refusalsCarryTheDaemonsReasonAndChangeNothing() throws Exception {
        String name = ifs.name();
        String before = Files.readString(dir.resolve("coopwan"));
        assertRefused(http.write("POST", "/api/v1/bonds", login, create("bad-name!", null, null, null)), 400,
                ControlException.Reason.INVALID_VALUE);
        assertRefused(http.write("POST", "/api/v1/bonds", login, create(name, "fastest", null, null)), 400,
                ControlException.Reason.INVALID_VALUE);
        assertRefused(http.write("POST", "/api/v1/bonds", login, create(name, null, 100, null)), 400,
                ControlException.Reason.INVALID_VALUE);
        assertRefused(http.write("POST", "/api/v1/bonds", login, create(name, null, null, List.of("nosuch"))), 409,
                ControlException.Reason.INCONSISTENT);
        assertRefused(http.write("POST", "/api/v1/bonds", login, create("wan", null, null, null)), 409,
                ControlException.Reason.INCONSISTENT);
        assertFalse(exists(name));
        assertEquals(before, Files.readString(dir.resolve("coopwan")), "refusals leave the file alone");

        assertEquals(201, http.write("POST", "/api/v1/bonds", login, create(name, null, null, null)).statusCode());
        assertRefused(http.write("POST", "/api/v1/bonds", login, create(name, null, null, null)), 409,
                ControlException.Reason.ALREADY_EXISTS);
        assertRefused(http.write("PATCH", "/api/v1/bonds/" + name, login, "{\"mtu\": 99999}"), 400,
                ControlException.Reason.INVALID_VALUE);
        assertRefused(http.write("PATCH", "/api/v1/nosuchbond".replace("nosuchbond", "bonds/nosuchbond"), login, "{\"mtu\": 1400}"),
                404, ControlException.Reason.NOT_FOUND);
        assertRefused(http.write("PUT", "/api/v1/bonds/" + name + "/members/nosuch", login, null), 409,
                ControlException.Reason.INCONSISTENT);
        assertRefused(http.write("PUT", "/api/v1/bonds/nosuchbond/members/wan", login, null), 404,
                ControlException.Reason.NOT_FOUND);
        assertEquals(List.of(), ui.daemon.api().bonds().get(0).members());
    }

    @Test
    void writesWithoutTheCsrfTokenAre403AndChangeNothing() throws Exception {
        String name = ifs.name();
        HttpResponse<String> r = http.call("POST", "/api/v1/bonds", login, null, create(name, null, null, List.of("wan")));
        assertEquals(403, r.statusCode(), r.body());
        assertTrue(Http.json(r).get("error").asText().contains("X-CSRF-Token"), r.body());
        assertEquals(403, http.call("POST", "/api/v1/bonds", login, login.csrf() + "x", create(name, null, null, null)).statusCode());
        assertFalse(exists(name), "nothing created");
        assertEquals(List.of(), ui.daemon.api().bonds());
        assertEquals(401, http.call("POST", "/api/v1/bonds", null, login.csrf(), create(name, null, null, null)).statusCode());
        assertEquals(401, http.get("/api/v1/bonds").statusCode());
        assertFalse(exists(name));

        ui.daemon.api().createBond(net.coopwan.daemon.api.BondRequest.of(name, "wan"));
        for (String[] w : new String[][] {{"DELETE", "/api/v1/bonds/" + name, null}, {"PATCH", "/api/v1/bonds/" + name, "{\"mtu\":1300}"},
                {"PUT", "/api/v1/bonds/" + name + "/members/lte", null}, {"DELETE", "/api/v1/bonds/" + name + "/members/wan", null}}) {
            HttpResponse<String> refused = http.call(w[0], w[1], login, null, w[2]);
            assertEquals(403, refused.statusCode(), w[0] + " " + w[1] + ": " + refused.body());
        }
        BondStatus now = ui.daemon.api().bonds().get(0);
        assertEquals(List.of("wan"), now.members());
        assertEquals(1400, now.mtu());
        assertTrue(exists(name));
    }

    @Test
    void malformedJsonAndWrongTypesAre400() throws Exception {
        String name = ifs.name();
        String[] bodies = {"{", "not json", "[1]", "{\"name\": {\"a\": 1}}", "{\"name\": \"" + name + "\", \"mtu\": \"1400\"}",
                "{\"name\": \"" + name + "\", \"mtu\": 1.5}", "{\"name\": \"" + name + "\", \"members\": \"wan\"}",
                "{\"name\": \"" + name + "\", \"extra\": 1}", "{}", "", "null", "{\"name\": \"" + name + "\", \"mtu\": 99999999999}"};
        for (String body : bodies) {
            HttpResponse<String> r = http.write("POST", "/api/v1/bonds", login, body);
            assertEquals(400, r.statusCode(), "'" + body + "' -> " + r.body());
            assertFalse(Http.json(r).get("error").asText().isBlank());
            assertNull(Http.json(r).get("reason"), "the daemon was not asked: " + r.body());
        }
        assertFalse(exists(name));
        assertEquals(List.of(), ui.daemon.api().bonds());
        HttpResponse<String> text = http.send(http.request("/api/v1/bonds").header("Content-Type", "text/plain")
                .header("Cookie", login.cookieHeader()).header("X-CSRF-Token", login.csrf())
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(name)));
        assertEquals(415, text.statusCode());
        ui.daemon.api().createBond(net.coopwan.daemon.api.BondRequest.of(name));
        for (String body : new String[] {"{\"mtu\": \"big\"}", "{\"name\": \"other\"}", "{\"members\": []}", "{"}) {
            HttpResponse<String> r = http.write("PATCH", "/api/v1/bonds/" + name, login, body);
            assertEquals(400, r.statusCode(), body + " -> " + r.body());
        }
        assertEquals(1400, ui.daemon.api().bonds().get(0).mtu());
    }

    private static String form(String... kv) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < kv.length; i += 2) {
            if (b.length() > 0) {
                b.append('&');
            }
            b.append(kv[i]).append('=').append(URLEncoder.encode(kv[i + 1], StandardCharsets.UTF_8));
        }
        return b.toString();
    }

    @Test
    void statusPageFormsCreateAndDeleteWithAFlash() throws Exception {
        String name = ifs.name();
        HttpResponse<String> page = http.get("/", login);
        assertTrue(page.body().contains("id=\"no-bonds\""), "no bonds yet");
        assertTrue(page.body().contains("data-uplink=\"lte\""), "a checkbox per configured uplink");

        HttpResponse<String> noCsrf = http.postForm("/bonds", form("name", name, "member", "wan"), login);
        assertEquals(403, noCsrf.statusCode());
        assertFalse(exists(name));

        HttpResponse<String> made = http.postForm("/bonds", form("csrf", login.csrf(), "name", name, "mode", "wrr", "mtu", "1300",
                "member", "wan", "member", "lte"), login);
        assertEquals(303, made.statusCode(), made.body());
        assertTrue(exists(name));
        BondStatus b = ui.daemon.api().bonds().get(0);
        assertEquals(List.of("wan", "lte"), b.members());
        assertEquals(1300, b.mtu());
        String html = http.get("/", login).body();
        assertTrue(html.contains("id=\"bond-result\">Bond " + name + " created as ifindex " + b.ifIndex() + ".<"), html);
        assertTrue(html.contains("<td class=\"ifindex\">" + b.ifIndex() + "</td>"), html);

        http.postForm("/bonds", form("csrf", login.csrf(), "name", name), login);
        String refused = http.get("/", login).body();
        assertTrue(refused.contains("class=\"msg bad\" id=\"bond-result\">Bond not created: "), refused);
        http.postForm("/bonds", form("csrf", login.csrf(), "name", "x", "mtu", "big"), login);
        assertTrue(http.get("/", login).body().contains("MTU must be a whole number"));

        assertEquals(403, http.postForm("/bonds/" + name + "/delete", "", login).statusCode());
        assertTrue(exists(name));
        HttpResponse<String> del = http.postForm("/bonds/" + name + "/delete", form("csrf", login.csrf()), login);
        assertEquals(303, del.statusCode());
        assertFalse(exists(name));
        assertTrue(http.get("/", login).body().contains("id=\"bond-result\">Bond " + name + " deleted.<"));
    }
}
