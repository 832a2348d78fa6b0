package net.coopwan.webui.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.coopwan.daemon.api.EmergencyStatus;
import net.coopwan.webui.CountingApi;

/**
 * The helper's owner ends an emergency on the status page, in headless Chromium: logs in, sees
 * that a neighbour carries this router and the two neighbours this router carries, clicks End
 * emergency on one, and sees it gone while the other stays. The daemon is real but its peer link
 * cannot carry an emergency in a test, so the web front-end's ControlApi answers the emergency
 * ({@link CountingApi#emergency}) and records the endEmergency call; the daemon's side of ending
 * (TERMINATE to the neighbour) is EmergencyServiceTest's. Leaves target/webui-emergency.png to look at.
 */
class EmergencyBrowserTest {

    static final String HELPER = "coop-helper01";
    static final String CARRIED = "coop-carried02";
    static final String OTHER = "coop-carried03";
    /** The section before the click, to look at. */
    static final Path SCREENSHOT = Path.of("target", "webui-emergency.png");

    @TempDir
    Path dir;

    /** Carried by HELPER; carrying CARRIED at 37 % of its quota and OTHER, still being prepared. */
    static EmergencyStatus twoNeighboursCarried() {
        EmergencyStatus one = CountingApi.emergencyBothRoles(HELPER, CARRIED);
        return new EmergencyStatus(one.requester(), List.of(one.helping().get(0),
                new EmergencyStatus.Helping(OTHER, "PREPARING", Instant.parse("2026-11-01T12:02:00Z"), "dsl down", 0, 0, 0, 0, 0, 0)),
                3, Map.of());
    }

    @Test
    void ownerEndsTheEmergencyOfOneNeighbourCarried() throws Exception {
        BrowserSite.run(dir, "emergency-pw", "chromedriver-emergency.log", api -> api.emergency = twoNeighboursCarried(),
                EmergencyBrowserTest::run);
    }

    private static void run(WebDriver browser, URI site, CountingApi api) throws Exception {
        browser.navigate(site);
        browser.type(browser.find("#user"), "admin");
        browser.type(browser.find("#password"), "emergency-pw");
        browser.click(browser.find("#login"));
        assertEquals("Carried by neighbour " + HELPER + " since 2026-11-01 12:00:05 UTC (wan down: 3 probes lost)",
                browser.text(browser.find("#emergency-own strong")));
        String row = "tr.helping[data-peer='" + CARRIED + "'] ";
        assertTrue(browser.displayed(browser.find(row + "button.end-emergency")));
        assertEquals("HELPING", browser.text(browser.find(row + "span.state")));
        assertEquals("37 %", browser.text(browser.find(row + "td.quota-used")));
        assertEquals("12.0 MiB", browser.text(browser.find(row + "td.carried")));
        assertEquals("PREPARING", browser.text(browser.find("tr.helping[data-peer='" + OTHER + "'] span.state")));

        browser.navigate(site.resolve("/#emergency"));
        browser.screenshot(SCREENSHOT);
        browser.click(browser.find(row + "button.end-emergency"));
        String ended = "Emergency of " + CARRIED + " ended: its traffic is no longer carried.";
        assertEquals(ended, browser.textOnceIt("#emergency-result", ended::equals));
        assertEquals(site.resolve("/#emergency").toString(), browser.currentUrl(), "post/redirect/get");
        assertEquals(List.of(CARRIED + " via web"), api.endedEmergencies());
        String page = browser.pageSource();
        assertFalse(page.contains("data-peer=\"" + CARRIED + "\""), "the ended neighbour is gone");
        assertEquals("PREPARING", browser.text(browser.find("tr.helping[data-peer='" + OTHER + "'] span.state")),
                "the other neighbour is still carried");
    }
}
