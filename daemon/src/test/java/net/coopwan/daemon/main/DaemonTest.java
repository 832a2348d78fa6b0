package net.coopwan.daemon.main;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.coopwan.config.ConfigException;
import net.coopwan.daemon.api.ReloadResult;
import net.coopwan.daemon.api.Status;
import net.coopwan.daemon.api.UplinkStatus;
import net.coopwan.daemon.kernel.SysfsInterfaces;
import net.coopwan.daemon.tun.TunDevice;

class DaemonTest {

    @TempDir
    Path dir;

    private static final String GOOD = "config global 'global'\n\toption control_socket ''\n\n"
            + "config uplink 'wan'\n\toption device 'lo'\n";

    private Daemon start(Path cfg) throws Exception {
        return Daemon.start(ConfigHolder.fromFile(cfg), dir.resolve("state"), new SysfsInterfaces(),
                Clock.systemUTC(), false);
    }

    @Test
    void statusAndUplinksComeFromConfigAndKernel() throws Exception {
        Path cfg = dir.resolve("coopwan");
        Files.writeString(cfg, GOOD);
        try (Daemon d = start(cfg)) {
            Status s = d.api().status();
            assertEquals("router", s.role());
            assertEquals(cfg.toString(), s.configFile());
            assertEquals(1, s.uplinksUp());
            assertEquals(1, s.uplinksTotal());
            UplinkStatus wan = d.api().uplinks().get(0);
            assertEquals(UplinkStatus.State.UP, wan.state());
            assertEquals(Files.readString(Path.of("/sys/class/net/lo/ifindex")).trim(),
                    Integer.toString(wan.kernel().index()));
            assertTrue(d.api().events(10).stream().anyMatch(e -> e.message().equals("lo up")));
        }
    }

    @Test
    void reloadAppliesAGoodFileAndKeepsTheLastGoodOneOnABadFile() throws Exception {
        Path cfg = dir.resolve("coopwan");
        Files.writeString(cfg, GOOD);
        try (Daemon d = start(cfg)) {
            Files.writeString(cfg, GOOD.replace("'lo'", "'coopwan-none0'"));
            ReloadResult ok = d.api().reload();
            assertTrue(ok.applied(), ok.message());
            assertEquals("coopwan-none0", d.api().config().uplinks().get(0).device());
            assertEquals(UplinkStatus.State.MISSING, d.api().uplinks().get(0).state());

            Files.writeString(cfg, GOOD + "\toption enabled 'maybe'\n");
            ReloadResult bad = d.api().reload();
            assertFalse(bad.applied());
            assertTrue(bad.message().contains(cfg + ":6:"), bad.message());
            assertEquals("coopwan-none0", d.api().config().uplinks().get(0).device(), "last good config kept");
            assertTrue(d.api().events(1).get(0).message().startsWith("reload failed, keeping the last good config"));
        }
    }

    @Test
    void reloadSaysWhichChangesWaitForARestart() throws Exception {
        Path cfg = dir.resolve("coopwan");
        String web = "\nconfig web 'web'\n\toption enabled '0'\n\toption port '8081'\n";
        Files.writeString(cfg, GOOD + web);
        try (Daemon d = start(cfg)) {
            Files.writeString(cfg, GOOD.replace("'lo'", "'coopwan-none0'") + web);
            ReloadResult uplinkOnly = d.api().reload();
            assertEquals("reloaded " + cfg, uplinkOnly.message(), "uplinks apply at once");
            Files.writeString(cfg, GOOD + web.replace("8081", "8082"));
            ReloadResult port = d.api().reload();
            assertTrue(port.applied());
            assertTrue(port.message().endsWith("; web enabled/listen/port/session_timeout take effect at the next restart"),
                    port.message());
        }
    }

    @Test
    void thePeerLinkStartsReloadsAndStopsDiscovery() throws Exception {
        Path cfg = dir.resolve("coopwan");
        String peer = "config peer 'peer'\n\toption enabled '1'\n\toption device 'cwdnone0'\n";
        String offer = "config offer 'dup'\n\toption type 'duplication'\n\toption enabled '1'\n";
        Files.writeString(cfg, GOOD);
        try (Daemon d = start(cfg)) {
            assertFalse(d.api().discovery().enabled());
            assertEquals("off", d.api().discovery().state());

            Files.writeString(cfg, GOOD + peer);
            ReloadResult on = d.api().reload();
            assertTrue(on.message().contains("discovery started"), on.message());
            var s = d.api().discovery();
            assertTrue(s.enabled());
            assertEquals("cwdnone0", s.device());
            assertEquals(4790, s.port());
            assertEquals(List.of(), s.offers());
            String nonce = s.nonce();
            long until = System.nanoTime() + 5_000_000_000L;
            while (!d.api().discovery().state().startsWith("waiting for cwdnone0") && System.nanoTime() < until) {
                Thread.sleep(20);
            }
            assertTrue(d.api().discovery().state().startsWith("waiting for cwdnone0: no interface cwdnone0"),
                    d.api().discovery().state());
            // the secure channel runs with it: a stored router id, no peers yet, waiting for the device
            var ch = d.api().peers();
            assertTrue(ch.enabled());
            assertTrue(ch.routerId().matches("coop-[0-9a-f]{16}"), ch.routerId());
            assertEquals(List.of(), ch.peers());
            while (!d.api().peers().state().startsWith("waiting for cwdnone0") && System.nanoTime() < until) {
                Thread.sleep(20);
            }
            assertTrue(d.api().peers().state().startsWith("waiting for cwdnone0"), d.api().peers().state());
            var refused = org.junit.jupiter.api.Assertions.assertThrows(net.coopwan.daemon.api.ControlException.class,
                    () -> d.api().pairEnter("100.64.77.2", "1234-5678"));
            assertTrue(refused.getMessage().contains("not ready"), refused.getMessage());
            assertEquals(8, d.api().pairStart("100.64.77.2").code().replace("-", "").length());

            Files.writeString(cfg, GOOD + peer + offer);
            ReloadResult offers = d.api().reload();
            assertFalse(offers.message().contains("discovery"), "same peer link: the beacon goes on: " + offers.message());
            assertEquals(List.of("duplication"), d.api().discovery().offers());
            assertEquals(nonce, d.api().discovery().nonce());
            String routerId = d.api().peers().routerId();

            // the TCP fallback time is a timer: applied in place, neither beacon nor channel restarts
            Files.writeString(cfg, GOOD + peer + "\toption tcp_fallback_s '7'\n" + offer);
            ReloadResult fallback = d.api().reload();
            assertFalse(fallback.message().contains("discovery"), fallback.message());
            assertEquals(nonce, d.api().discovery().nonce());
            assertEquals(routerId, d.api().peers().routerId());
            assertTrue(d.api().peers().enabled());

            Files.writeString(cfg, GOOD + peer.replace("cwdnone0", "cwdnone1") + offer);
            assertTrue(d.api().reload().message().contains("discovery restarted (peer link changed)"));
            assertEquals("cwdnone1", d.api().discovery().device());

            Files.writeString(cfg, GOOD);
            assertTrue(d.api().reload().message().contains("discovery stopped"));
            assertFalse(d.api().discovery().enabled());
            assertFalse(d.api().peers().enabled());
        }
    }

    @Test
    void embeddedDefaultsHaveNothingToReload() throws Exception {
        try (Daemon d = Daemon.start(ConfigHolder.embeddedDefaults(), dir.resolve("state"), new SysfsInterfaces(),
                Clock.systemUTC(), false)) {
            ReloadResult r = d.api().reload();
            assertFalse(r.applied());
            assertTrue(r.message().contains("embedded defaults"), r.message());
            assertEquals("(embedded defaults)", d.api().status().configFile());
        }
    }

    @Test
    void badRequestsAreClearErrors() throws Exception {
        Path cfg = dir.resolve("coopwan");
        Files.writeString(cfg, GOOD);
        try (Daemon d = start(cfg)) {
            assertThrows(IllegalArgumentException.class, () -> d.api().events(0));
            assertThrows(IllegalArgumentException.class, () -> d.api().events(1001));
            assertEquals(List.of(), d.listening());
        }
    }

    @Test
    void aMissingFileIsAConfigError() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigHolder.fromFile(dir.resolve("nope")));
        assertTrue(e.getMessage().contains("nope"), e.getMessage());
    }

    /**
     * A failure while a reload is applied (here an unchecked exception from a TUN device, as a bug
     * or an unexpected kernel answer would give) is reported and recorded, not lost on the signal
     * thread, and the daemon goes on: the next reload works.
     */
    @Test
    void anUncheckedFailureWhileApplyingAReloadIsReportedAndRecorded() throws Exception {
        Path cfg = dir.resolve("coopwan");
        String bond = "config bond 'cwrl0'\n\toption mtu '%d'\n\tlist member 'wan'\n";
        Files.writeString(cfg, GOOD + "\n" + bond.formatted(1400));
        try (Daemon d = Daemon.start(ConfigHolder.fromFile(cfg), dir.resolve("state"), new SysfsInterfaces(),
                name -> new RefusingMtuTun(name, 1300), Clock.systemUTC(), false)) {
            Files.writeString(cfg, GOOD + "\n" + bond.formatted(1300));
            ReloadResult r = d.api().reload();
            assertFalse(r.applied(), r.message());
            assertTrue(r.message().startsWith("reload failed while applying " + cfg), r.message());
            assertTrue(r.message().contains("no MTU 1300 here"), r.message());
            assertEquals(r.message(), d.api().events(1).get(0).message());

            Files.writeString(cfg, GOOD + "\n" + bond.formatted(1400));
            assertTrue(d.api().reload().applied(), "the daemon goes on after the failure");
        }
    }

    /** A TUN device of no kernel that throws an unchecked exception for one MTU. */
    private record RefusingMtuTun(String name, int refused) implements TunDevice {
        @Override
        public int ifIndex() {
            return 4242;
        }

        @Override
        public int fd() {
            return -1;
        }

        @Override
        public void setMtu(int mtu) {
            if (mtu == refused) {
                throw new IllegalStateException("no MTU " + mtu + " here");
            }
        }

        @Override
        public void setUp(boolean up) {
        }

        @Override
        public int read(ByteBuffer dst, int timeoutMillis) throws java.io.IOException {
            try {
                Thread.sleep(Math.min(timeoutMillis, 50));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 0;
        }

        @Override
        public int write(ByteBuffer src) {
            return 0;
        }

        @Override
        public void close() {
        }
    }
}
