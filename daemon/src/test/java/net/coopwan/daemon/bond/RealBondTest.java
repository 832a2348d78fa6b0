package net.coopwan.daemon.bond;

import static net.coopwan.daemon.testing.TestInterfaces.exists;
import static net.coopwan.daemon.testing.TestInterfaces.sys;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import net.coopwan.daemon.api.BondRequest;
import net.coopwan.daemon.api.BondStatus;
import net.coopwan.daemon.api.BondUpdate;
import net.coopwan.daemon.api.ControlApi;
import net.coopwan.daemon.api.ControlException;
import net.coopwan.daemon.api.ControlException.Reason;
import net.coopwan.daemon.api.ReloadResult;
import net.coopwan.daemon.kernel.SysfsInterfaces;
import net.coopwan.daemon.main.ConfigHolder;
import net.coopwan.daemon.main.Daemon;
import net.coopwan.daemon.testing.TestInterfaces;

/**
 * Bonds through the real daemon, real TUN interfaces and a real config file (the tests run as
 * root). No packet is sent; every interface is removed after each test, also on failure.
 */
class RealBondTest {

    static final String CONFIG = "# kept across writes\nconfig global 'global'\n\toption control_socket ''\n\n"
            + "config uplink 'wan'\n\toption device 'cwtnone0'\n\n"
            + "config uplink 'lte'\n\toption device 'cwtnone1'\n";

    @RegisterExtension
    final TestInterfaces ifs = new TestInterfaces();

    @TempDir
    Path dir;

    private Daemon start(Path cfg) throws Exception {
        return Daemon.start(ConfigHolder.fromFile(cfg), dir.resolve("state"), new SysfsInterfaces(),
                Clock.systemUTC(), false);
    }

    @Test
    void aCreatedBondIsARealInterfaceThatPersistsAndComesBackAfterARestart() throws Exception {
        Path cfg = dir.resolve("coopwan");
        Files.writeString(cfg, CONFIG);
        String name = ifs.name();
        int firstIndex;
        try (Daemon d = start(cfg)) {
            ControlApi api = d.api();
            BondStatus s = api.createBond(new BondRequest(name, "wrr", 1280, List.of("wan", "lte")));
            assertTrue(exists(name));
            assertEquals(Integer.parseInt(sys(name, "ifindex")), s.ifIndex());
            assertEquals("1280", sys(name, "mtu"));
            assertEquals(1, Integer.decode(sys(name, "flags")) & 1, "up");
            assertEquals(BondStatus.State.ACTIVE, s.state());
            assertEquals(List.of(s), api.bonds());
            assertTrue(api.interfaces().stream().anyMatch(i -> i.name().equals(name) && i.index() == s.ifIndex()),
                    "the interfaces list (IF-MIB's source) shows it");
            assertEquals("created (wrr, mtu 1280, members wan, lte) as ifindex " + s.ifIndex(), api.events(1).get(0).message());
            assertTrue(Files.readString(cfg).startsWith(CONFIG));
            assertEquals(1500, api.updateBond(name, new BondUpdate(null, 1500)).mtu());
            assertEquals("1500", sys(name, "mtu"));
            firstIndex = s.ifIndex();
        }
        assertFalse(exists(name), "stopping the daemon removes the interface");

        try (Daemon d = start(cfg)) {
            BondStatus back = d.api().bonds().get(0);
            assertEquals(name, back.name());
            assertEquals(BondStatus.State.ACTIVE, back.state());
            assertEquals("wrr", back.mode());
            assertEquals(List.of("wan", "lte"), back.members());
            assertTrue(exists(name));
            assertEquals(Integer.parseInt(sys(name, "ifindex")), back.ifIndex());
            assertTrue(back.ifIndex() != firstIndex, "a new interface");
            assertEquals("1500", sys(name, "mtu"));

            d.api().destroyBond(name);
            assertFalse(exists(name));
            assertEquals(List.of(), d.api().bonds());
            assertEquals(CONFIG, Files.readString(cfg), "the file is back to its first bytes");
        }
    }

    @Test
    void refusedRequestsLeaveNoInterfaceAndTheFileUntouched() throws Exception {
        Path cfg = dir.resolve("coopwan");
        Files.writeString(cfg, CONFIG);
        byte[] bytes = Files.readAllBytes(cfg);
        String name = ifs.name();
        try (Daemon d = start(cfg)) {
            ControlApi api = d.api();
            record Case(Reason reason, BondRequest request) {
            }
            for (Case c : List.of(
                    new Case(Reason.INVALID_VALUE, BondRequest.of(name + "-x", "wan")),
                    new Case(Reason.INVALID_VALUE, new BondRequest(name, "fast", null, List.of("wan"))),
                    new Case(Reason.INVALID_VALUE, new BondRequest(name, null, 9001, List.of("wan"))),
                    new Case(Reason.INCONSISTENT, BondRequest.of(name, "dsl")),
                    new Case(Reason.INCONSISTENT, BondRequest.of(name, "wan", "wan")),
                    new Case(Reason.INCONSISTENT, BondRequest.of("lo", "wan")),
                    new Case(Reason.NOT_FOUND, null))) {
                ControlException e = assertThrows(ControlException.class, () -> {
                    if (c.request() == null) {
                        api.destroyBond(name);
                    } else {
                        api.createBond(c.request());
                    }
                });
                assertEquals(c.reason(), e.reason(), e.getMessage());
                assertArrayEquals(bytes, Files.readAllBytes(cfg));
                assertFalse(exists(name));
                assertEquals(List.of(), api.bonds());
            }
        }
    }

    @Test
    void aBondThatCannotBeMadeAtStartIsAnEventNotAFailedStartAndReloadReconciles() throws Exception {
        Path cfg = dir.resolve("coopwan");
        String name = ifs.name();
        Files.writeString(cfg, CONFIG + "\nconfig bond 'lo'\n\tlist member 'wan'\n");
        try (Daemon d = start(cfg)) {
            BondStatus lo = d.api().bonds().get(0);
            assertEquals(BondStatus.State.FAILED, lo.state());
            assertEquals("cannot create interface 'lo': an interface of that name exists already", lo.problem());
            assertTrue(d.api().events(20).stream().anyMatch(e -> e.source().equals("bond lo")
                    && e.message().startsWith("no interface: ")));

            Files.writeString(cfg, CONFIG + "\nconfig bond '" + name + "'\n\toption mtu '1300'\n\tlist member 'lte'\n");
            ReloadResult r = d.api().reload();
            assertTrue(r.applied(), r.message());
            assertTrue(r.message().endsWith("; bonds: " + name + " created"), r.message());
            assertEquals("1300", sys(name, "mtu"));
            assertEquals(Integer.parseInt(sys(name, "ifindex")), d.api().bonds().get(0).ifIndex());

            Files.writeString(cfg, CONFIG);
            assertTrue(d.api().reload().message().endsWith("; bonds: " + name + " removed"));
            assertFalse(exists(name));
        }
    }

    @Test
    void onEmbeddedDefaultsBondsCannotBeChanged() throws Exception {
        try (Daemon d = Daemon.start(ConfigHolder.embeddedDefaults(), dir.resolve("state"), new SysfsInterfaces(),
                Clock.systemUTC(), false)) {
            String name = ifs.name();
            ControlException e = assertThrows(ControlException.class, () -> d.api().createBond(BondRequest.of(name, "wan")));
            assertEquals(Reason.RESOURCE_UNAVAILABLE, e.reason());
            assertEquals("running on embedded defaults; start with --config FILE to manage bonds", e.getMessage());
            assertFalse(exists(name));
        }
    }
}
