package net.coopwan.webui.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.coopwan.webui.CountingApi;

/**
 * The status page's "Latency-critical traffic" section renders in headless Chromium: the owner
 * logs in and reads duplication on with its counters, suppression active with its ceiling and the
 * neighbour's common-ISP verdict. The daemon is real but its peer link cannot classify or duplicate
 * in a test, so the web front-end's ControlApi answers the latency status
 * ({@link CountingApi#latencyAllOn}); the daemon's figures are LatencyStatusView's tests'. Leaves
 * target/webui-latency.png.
 */
class LatencyBrowserTest {

    static final String NEIGHBOUR = "coop-n01";
    static final Path SCREENSHOT = Path.of("target", "webui-latency.png");

    @TempDir
    Path dir;

    @Test
    void ownerSeesTheLatencySection() throws Exception {
        BrowserSite.run(dir, "latency-pw", "chromedriver-latency.log", api -> api.latency = CountingApi.latencyAllOn(NEIGHBOUR),
                LatencyBrowserTest::run);
    }

    private static void run(WebDriver browser, URI site, CountingApi api) throws Exception {
        browser.navigate(site);
        browser.type(browser.find("#user"), "admin");
        browser.type(browser.find("#password"), "latency-pw");
        browser.click(browser.find("#login"));
        browser.navigate(site.resolve("/#latency"));
        browser.screenshot(SCREENSHOT);
        assertTrue(browser.displayed(browser.find("#lc-rules")));
        assertEquals("4", browser.text(browser.find("tr.lc-rule[data-rule='ad hoc rule'] td.connections")));
        assertEquals("on", browser.text(browser.find("#lc-duplication span.state")));
        assertTrue(browser.text(browser.find("#lc-copies")).startsWith("LC packets sent as copies 500, copies sent 1000, "
                + "delivered 480, duplicates dropped 470"), browser.text(browser.find("#lc-copies")));
        assertEquals("active", browser.text(browser.find("#lc-suppression span.state")));
        String row = "tr.lc-isp[data-peer='" + NEIGHBOUR + "'] ";
        assertEquals("DIFFERENT", browser.text(browser.find(row + "td.verdict")));
        assertEquals("0.20", browser.text(browser.find(row + "td.ratio")));
        assertEquals("yes", browser.text(browser.find(row + "td.dup-via")));
    }
}
