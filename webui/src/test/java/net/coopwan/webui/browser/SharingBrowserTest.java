package net.coopwan.webui.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.coopwan.webui.CountingApi;

/**
 * The sharer's owner stops and resumes lending to a borrower on the status page, in headless
 * Chromium: logs in, sees the counters of both roles, clicks Stop lending, sees the borrower
 * stopped with a Resume button, clicks it. The daemon is real but its peer link cannot share in a
 * test, so the web front-end's ControlApi answers the sharing ({@link CountingApi#sharing}) and
 * records the calls; the daemon's side (the offer of 0, the refused USE, the stop kept) is
 * SharingOwnerAndTotalsTest's and SharingCountersLabIT's. Leaves target/webui-sharing.png.
 */
class SharingBrowserTest {

    static final String BORROWER = "coop-b01";
    static final String SHARER = "coop-s02";
    static final Path SCREENSHOT = Path.of("target", "webui-sharing.png");

    @TempDir
    Path dir;

    @Test
    void ownerStopsAndResumesLendingToABorrower() throws Exception {
        BrowserSite.run(dir, "sharing-pw", "chromedriver-sharing.log",
                api -> api.sharing = CountingApi.sharingBothRoles(BORROWER, SHARER), SharingBrowserTest::run);
    }

    private static void run(WebDriver browser, URI site, CountingApi api) throws Exception {
        browser.navigate(site);
        browser.type(browser.find("#user"), "admin");
        browser.type(browser.find("#password"), "sharing-pw");
        browser.click(browser.find("#login"));
        String lender = "tr.sharing[data-peer='" + BORROWER + "'] ";
        assertEquals("3", browser.text(browser.find(lender + "td.sessions")));
        assertEquals("1500 / 150 kbit/s", browser.text(browser.find(lender + "td.rate")));
        assertEquals("2.0 MiB / 200.0 KiB", browser.text(browser.find(lender + "td.bytes")));
        assertEquals("2 (9 moved in all)", browser.text(browser.find("tr.sharing[data-peer='" + SHARER + "'] td.sessions")));
        assertTrue(browser.displayed(browser.find(lender + "button.stop-lending")));

        browser.navigate(site.resolve("/#sharing"));
        browser.screenshot(SCREENSHOT);
        browser.click(browser.find(lender + "button.stop-lending"));
        String stopped = "Lending to " + BORROWER + " stopped: it is offered nothing until resumed.";
        assertEquals(stopped, browser.textOnceIt("#sharing-result", stopped::equals));
        assertEquals(site.resolve("/#sharing").toString(), browser.currentUrl(), "post/redirect/get");
        assertEquals("STOPPED (LENDING)", browser.text(browser.find(lender + "td.state-cell")));

        browser.click(browser.find(lender + "button.resume-lending"));
        String resumed = "Lending to " + BORROWER + " resumed.";
        assertEquals(resumed, browser.textOnceIt("#sharing-result", resumed::equals));
        assertEquals("LENDING", browser.text(browser.find(lender + "td.state-cell")));
        assertEquals(List.of("stop " + BORROWER + " via web", "resume " + BORROWER + " via web"), api.lendingChanges());
    }
}
