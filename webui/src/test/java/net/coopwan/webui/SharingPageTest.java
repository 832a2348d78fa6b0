package net.coopwan.webui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import net.coopwan.daemon.api.SharingStatus;

/** The status page's "Bandwidth sharing" section: the real daemon's (off), and both roles, escaped. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SharingPageTest {

    private static final String PASSWORD = "sharing-page-pw";
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

    private Http.Login pageLogin() {
        HttpResponse<String> r = ui.http.postForm("/login", "user=" + WebUi.USER + "&password="
                + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8), null);
        assertEquals(303, r.statusCode(), r.body());
        String id = Http.sessionCookie(r).orElseThrow();
        return new Http.Login(id, null);
    }

    @Test
    void offOnTheRealDaemonThenBothRoles() {
        String page = ui.http.get("/", pageLogin()).body();
        assertTrue(page.contains("<h2>Bandwidth sharing</h2>"), page);
        assertTrue(page.contains("id=\"no-sharing\">No neighbour lends to or borrows from this router."), page);

        ui.api.sharing = new SharingStatus(true, true, 7000, 900,
                List.of(new SharingStatus.Lending("coop-<b>01", 5000, 450, "LENDING", 625_000)),
                List.of(new SharingStatus.Borrowing("coop-s02", "BORROWING", 4000, 400, 833)), Map.of());
        try {
            page = ui.http.get("/", pageLogin()).body();
            assertTrue(page.contains("Lend on, borrow on; idle capacity 7000 kbit/s down, 900 kbit/s up"), page);
            assertTrue(page.contains("<tr class=\"sharing\" data-peer=\"coop-&lt;b&gt;01\">"), "escaped: " + page);
            assertTrue(page.contains("<td class=\"role\">lending to</td><td class=\"state-cell\">LENDING</td>"), page);
            assertTrue(page.contains("<td class=\"offer\">5000 / 450 kbit/s</td>"), page);
            assertTrue(page.contains("83.3 % of new sessions moved"), page);
        } finally {
            ui.api.sharing = null;
        }
    }

    @Test
    void countersAndAStopResumeButtonPerBorrowerWithTheCsrfToken() {
        ui.api.sharing = CountingApi.sharingBothRoles("coop-b01", "coop-s02");
        try {
            Http.Login session = pageLogin();
            String page = ui.http.get("/", session).body();
            Http.Login login = new Http.Login(session.cookie(), Http.csrfField(page));
            assertTrue(page.contains("id=\"sharing-totals\">Lent 2.0 MiB down, 200.0 KiB up (3 sessions now); borrowed "
                    + "5.0 MiB down, 300.0 KiB up (2 sessions now, 9 moved in all)"), page);
            assertTrue(page.contains("<td class=\"sessions\">3</td><td class=\"rate\">1500 / 150 kbit/s</td>"
                    + "<td class=\"bytes\">2.0 MiB / 200.0 KiB</td>"), page);
            assertTrue(page.contains("<td class=\"sessions\">2 (9 moved in all)</td>"), page);
            assertTrue(page.contains("action=\"/sharing/coop-b01/stop\""), page);
            assertEquals(1, page.split("stop-lending", -1).length - 1, "a button for the borrower only: " + page);

            assertEquals(403, ui.http.postForm("/sharing/coop-b01/stop", "", login).statusCode());
            assertEquals(403, ui.http.postForm("/sharing/coop-b01/stop", "csrf=wrong", login).statusCode());
            assertEquals(List.of(), ui.api.lendingChanges(), "a refused write must not reach the daemon");
            HttpResponse<String> r = ui.http.postForm("/sharing/coop-b01/stop", "csrf=" + login.csrf(), login);
            assertEquals(303, r.statusCode(), r.body());
            page = ui.http.get("/", login).body();
            assertTrue(page.contains("id=\"sharing-result\">Lending to coop-b01 stopped: it is offered nothing until resumed."),
                    page);
            assertTrue(page.contains("STOPPED (LENDING)"), page);
            assertTrue(page.contains("action=\"/sharing/coop-b01/resume\""), page);
            ui.http.postForm("/sharing/coop-b01/resume", "csrf=" + login.csrf(), login);
            ui.http.postForm("/sharing/coop-nobody/stop", "csrf=" + login.csrf(), login);
            page = ui.http.get("/", login).body();
            assertTrue(page.contains("Lending not stopped: &#39;coop-nobody&#39; borrows nothing from this router"), page);
            assertEquals(List.of("stop coop-b01 via web", "resume coop-b01 via web"), ui.api.lendingChanges());
        } finally {
            ui.api.sharingFromTheDaemon();
        }
    }
}