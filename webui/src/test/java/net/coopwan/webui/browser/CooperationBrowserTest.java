package net.coopwan.webui.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.coopwan.config.CooperationType;
import net.coopwan.config.ParameterRange;
import net.coopwan.config.PasswordHash;
import net.coopwan.daemon.api.AgreementStatus;
import net.coopwan.daemon.coop.agreement.ApprovalRequest;
import net.coopwan.daemon.coop.agreement.Offer;
import net.coopwan.daemon.main.ConfigHolder;
import net.coopwan.daemon.store.AgreementStore;
import net.coopwan.daemon.store.Store;
import net.coopwan.daemon.testing.TestDaemon;
import net.coopwan.webui.WebFrontEnd;

/**
 * The owner's approval on the status page, in headless Chromium, against a real daemon whose
 * store holds two neighbours' offers (written before it starts, as a received offer would be):
 * an approval outside the offered range is refused with the daemon's reason and stores nothing,
 * an approval inside it is stored and listed as an agreement, the other request is rejected.
 * The daemon's peer link is on (on lo; the uplink names a device that does not exist, as the
 * peer link may not share an uplink's), so the responses are queued for the unpaired neighbours
 * and given up later: the page is what is tested here, the exchange in NegotiationLoopbackTest
 * and AgreementLabIT.
 */
class CooperationBrowserTest {

    static final String FIRST = "coop-requester1";
    static final String SECOND = "coop-requester2";

    @TempDir
    Path dir;

    private Path configFile() throws IOException {
        Path file = dir.resolve("coopwan");
        Files.writeString(file, """
                config global 'global'
                \toption control_socket ''

                config uplink 'wan'
                \toption device 'cwgnone0'

                config peer 'peer'
                \toption enabled '1'
                \toption device 'lo'
                \toption port '%d'

                config web 'web'
                \toption listen '127.0.0.1'
                \toption port '%d'
                \toption user 'admin'
                \toption password_hash '%s'
                """.formatted(TestDaemon.freeUdpPort(), TestDaemon.freeTcpPort(), PasswordHash.hash("coop-pw".toCharArray())));
        return file;
    }

    /** Two offers waiting for the owner, in the daemon's store before it starts. */
    private Path stateWithTwoOffers() throws Exception {
        Path state = Files.createDirectories(dir.resolve("state"));
        Offer offer = new Offer(Map.of(
                CooperationType.EMERGENCY, Map.of("bandwidth_kbps", new ParameterRange(1000, 10_000),
                        "quota_bytes", new ParameterRange(1_000_000, 1_000_000_000), "window_ms", new ParameterRange(1000, 1000)),
                CooperationType.DUPLICATION, Map.of("bandwidth_kbps", new ParameterRange(1, 50_000))));
        try (Store s = Store.open(state)) {
            AgreementStore store = new AgreementStore(s);
            store.savePending(new ApprovalRequest(FIRST, offer, Instant.now().minusSeconds(60)));
            store.savePending(new ApprovalRequest(SECOND, offer, Instant.now()));
        }
        return state;
    }

    @Test
    void ownerApprovesInsideTheRangesAfterARefusalAndRejectsTheOther() throws Exception {
        try (TestDaemon daemon = TestDaemon.start(ConfigHolder.fromFile(configFile()), stateWithTwoOffers())) {
            WebFrontEnd web = new WebFrontEnd();
            web.start(daemon.context());
            try (WebDriver browser = WebDriver.start(Path.of("target", "chromedriver-coop.log"))) {
                try {
                    run(browser, web.uri(), daemon);
                } catch (AssertionError | RuntimeException e) {
                    BrowserTest.saveFailure(browser);
                    throw e;
                }
            } finally {
                web.stop();
            }
        }
    }

    private static void approve(WebDriver browser, String peer, String bandwidth) {
        String form = "div.pending[data-peer='" + peer + "'] ";
        browser.click(browser.find(form + "fieldset[data-type='emergency'] input.approve-type"));
        browser.type(browser.find(form + "input[data-field='emergency.bandwidth_kbps']"), bandwidth);
        browser.type(browser.find(form + "input[data-field='emergency.quota_bytes']"), "50000000");
        browser.type(browser.find(form + "input[data-field='emergency.window_ms']"), "1000");
        browser.click(browser.find(form + "button.approve"));
    }

    private static void run(WebDriver browser, URI site, TestDaemon daemon) throws Exception {
        browser.navigate(site);
        browser.type(browser.find("#user"), "admin");
        browser.type(browser.find("#password"), "coop-pw");
        browser.click(browser.find("#login"));
        assertTrue(browser.displayed(browser.find("div.pending[data-peer='" + FIRST + "']")));
        assertTrue(browser.displayed(browser.find("#no-agreements")));
        assertEquals("1000..10000", browser.text(browser.find(
                "div.pending[data-peer='" + FIRST + "'] fieldset[data-type='emergency'] label .dim")));

        // outside the offered range: the daemon's reason, nothing stored
        approve(browser, FIRST, "20000");
        String refused = browser.textOnceIt("#coop-result", t -> t.startsWith("Not approved: "));
        assertTrue(refused.startsWith("Not approved: approval of " + FIRST + " refused, nothing stored: OUT_OF_RANGE: emergency"
                + " bandwidth_kbps=20000 not in 1000..10000"), refused);
        assertEquals(0, daemon.api().agreements().size());
        assertEquals(site.resolve("/#cooperation").toString(), browser.currentUrl(), "post/redirect/get");

        // inside: stored, listed, no longer pending
        approve(browser, FIRST, "5000");
        String stored1 = "Agreement with " + FIRST + " stored and sent.";
        assertEquals(stored1, browser.textOnceIt("#coop-result", stored1::equals));
        String row = "tr.agreement[data-peer='" + FIRST + "'] ";
        assertEquals("helper", browser.text(browser.find(row + "td.role")));
        assertEquals("emergency bandwidth_kbps=5000, quota_bytes=50000000, window_ms=1000",
                browser.text(browser.find(row + "td.enabled")));
        AgreementStatus stored = daemon.api().agreements().get(0);
        assertEquals(FIRST, stored.peerId());
        assertEquals(Map.of("emergency", Map.of("bandwidth_kbps", 5000L, "quota_bytes", 50_000_000L, "window_ms", 1000L)),
                stored.enabled());
        assertEquals("owner via web", stored.approvedBy());
        assertEquals(1, daemon.api().pendingRequests().size());

        // the other one rejected with a reason
        browser.type(browser.find("div.pending[data-peer='" + SECOND + "'] input.reject-reason"), "not this month");
        browser.click(browser.find("div.pending[data-peer='" + SECOND + "'] button.reject"));
        String rejected = "Request of " + SECOND + " rejected.";
        assertEquals(rejected, browser.textOnceIt("#coop-result", rejected::equals));
        assertTrue(browser.displayed(browser.find("#no-pending")));
        assertEquals(0, daemon.api().pendingRequests().size());
        assertTrue(daemon.api().events(50).stream().anyMatch(e -> e.message().equals("cooperation with " + SECOND
                + ": offer rejected by the owner: not this month")), daemon.api().events(50).toString());
    }
}
