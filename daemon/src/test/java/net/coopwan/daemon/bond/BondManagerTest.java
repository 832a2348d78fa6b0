package net.coopwan.daemon.bond;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.coopwan.config.ConfigLoader;
import net.coopwan.daemon.api.BondRequest;
import net.coopwan.daemon.api.BondStatus;
import net.coopwan.daemon.api.BondUpdate;
import net.coopwan.daemon.api.ControlException;
import net.coopwan.daemon.api.ControlException.Reason;
import net.coopwan.daemon.api.Event;
import net.coopwan.daemon.main.ConfigHolder;
import net.coopwan.daemon.store.EventLog;
import net.coopwan.daemon.store.Store;

/** BondManager's rules and atomicity against an in-memory kernel ({@link FakeTuns}) and a real file and store. */
class BondManagerTest {

    static final String CONFIG = """
            # coopwan test configuration: this comment must survive every write
            config global 'global'
            \toption control_socket ''

            # the cable modem
            config uplink 'wan'
            \toption device 'eth9'   # end-of-line comment

            config uplink 'lte'
            \toption device 'wwan9'
            \toption custom_option 'kept'

            config uplink 'dsl'
            \toption device 'ppp9'
            """;

    @TempDir
    Path dir;
    Path file;
    Store store;
    EventLog events;
    FakeTuns kernel;
    ConfigHolder holder;
    BondManager bonds;
    /** When set, the next config write fails as a full flash would. */
    boolean failWrite;

    @BeforeEach
    void setUp() throws Exception {
        file = dir.resolve("coopwan");
        Files.writeString(file, CONFIG);
        store = Store.open(dir.resolve("state"));
        events = new EventLog(store, Clock.systemUTC());
        kernel = new FakeTuns();
        holder = ConfigHolder.fromFile(file);
        bonds = manager(holder);
    }

    private BondManager manager(ConfigHolder h) {
        return new BondManager(h, kernel, kernel, events, (doc, target) -> {
            if (failWrite) {
                failWrite = false;
                throw new IOException("No space left on device");
            }
            doc.write(target);
        });
    }

    @AfterEach
    void tearDown() {
        bonds.close();
        store.close();
    }

    private int eventCount() {
        return events.newest(1000).size();
    }

    private Event lastEvent() {
        return events.newest(1).get(0);
    }

    @Test
    void createMakesTheInterfaceWritesTheSectionKeepsCommentsAndRecordsOneEvent() throws Exception {
        int before = eventCount();
        BondStatus s = bonds.create(new BondRequest("bond0", null, null, List.of("wan", "lte")));
        assertEquals(new BondStatus("bond0", "adaptive", 1400, List.of("wan", "lte"), 10, BondStatus.State.ACTIVE, ""), s);
        FakeTuns.Tun tun = kernel.tun("bond0");
        assertEquals(1400, tun.mtu);
        assertTrue(tun.up);
        String text = Files.readString(file);
        assertTrue(text.startsWith(CONFIG), "everything before is byte for byte the same:\n" + text);
        assertEquals("\nconfig bond 'bond0'\n\toption mode 'adaptive'\n\toption mtu '1400'\n"
                + "\tlist member 'wan'\n\tlist member 'lte'\n", text.substring(CONFIG.length()));
        assertEquals(List.of(s), bonds.list());
        assertEquals(1, holder.current().bonds().size(), "the holder has the new config");
        assertEquals(List.of(s.name()), ConfigLoader.load(file).bonds().stream().map(b -> b.name()).toList());
        assertEquals(before + 1, eventCount());
        Event e = lastEvent();
        assertEquals("bond bond0", e.source());
        assertEquals("created (adaptive, mtu 1400, members wan, lte) as ifindex 10", e.message());

        BondStatus wrr = bonds.create(new BondRequest("bond_1", "wrr", 9000, List.of("dsl")));
        assertEquals("wrr", wrr.mode());
        assertEquals(9000, kernel.tun("bond_1").mtu);
        assertEquals(List.of("bond0", "bond_1"), bonds.list().stream().map(BondStatus::name).toList());
    }

    /** Runs ACTION, expects REASON, and checks that file, interfaces and event log did not change. */
    private ControlException refused(Reason reason, Supplier<?> action) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        List<String> open = new ArrayList<>(kernel.open.keySet());
        List<Integer> mtus = kernel.open.values().stream().map(t -> t.mtu).toList();
        int opened = kernel.opened.size();
        int evs = eventCount();
        var cfg = holder.current();
        ControlException e = assertThrows(ControlException.class, action::get);
        assertEquals(reason, e.reason(), e.getMessage());
        assertArrayEquals(bytes, Files.readAllBytes(file), "file unchanged after: " + e.getMessage());
        assertEquals(open, new ArrayList<>(kernel.open.keySet()), "interfaces unchanged after: " + e.getMessage());
        assertEquals(mtus, kernel.open.values().stream().map(t -> t.mtu).toList());
        assertEquals(evs, eventCount(), "no event after: " + e.getMessage());
        assertTrue(cfg == holder.current(), "config in force unchanged");
        assertTrue(kernel.opened.size() == opened || reason == Reason.RESOURCE_UNAVAILABLE);
        return e;
    }


    @Test
    void everyCreateRuleHasItsReasonAndChangesNothing() throws Exception {
        bonds.create(BondRequest.of("bond0", "wan"));
        record Case(Reason reason, BondRequest request, String message) {
        }
        List<Case> cases = List.of(
                new Case(Reason.INVALID_VALUE, BondRequest.of(null, "wan"), "a bond needs a name"),
                new Case(Reason.INVALID_VALUE, BondRequest.of("", "wan"), "a bond needs a name"),
                new Case(Reason.INVALID_VALUE, BondRequest.of("bond-1", "wan"), "bond name 'bond-1' is not valid"),
                new Case(Reason.INVALID_VALUE, BondRequest.of("bond.1", "wan"), "is not valid"),
                new Case(Reason.INVALID_VALUE, BondRequest.of("abcdefghijklmnop", "wan"), "1-15 characters"),
                new Case(Reason.INVALID_VALUE, new BondRequest("b1", "roundrobin", null, List.of("wan")),
                        "bond mode 'roundrobin' is not valid: wrr, adaptive or active-backup"),
                new Case(Reason.INVALID_VALUE, new BondRequest("b1", null, 575, List.of("wan")), "bond MTU 575 is out of range 576-9000"),
                new Case(Reason.INVALID_VALUE, new BondRequest("b1", null, 9001, List.of("wan")), "out of range"),
                new Case(Reason.INCONSISTENT, BondRequest.of("b1", "wan", "cable"), "no uplink named 'cable' is configured (uplinks: wan, lte, dsl)"),
                new Case(Reason.INCONSISTENT, BondRequest.of("b1", "wan", "lte", "wan"), "uplink 'wan' is named twice"),
                new Case(Reason.ALREADY_EXISTS, BondRequest.of("bond0", "lte"), "a bond named 'bond0' exists already"),
                new Case(Reason.INCONSISTENT, BondRequest.of("eth9", "wan"), "'eth9' is the device of uplink 'wan'"),
                new Case(Reason.INCONSISTENT, BondRequest.of("lo", "wan"), "an interface named 'lo' exists already and is not a coopwan bond"),
                new Case(Reason.INCONSISTENT, BondRequest.of("lte", "wan"), "'lte' is already the name of a 'uplink' section"));
        for (Case c : cases) {
            ControlException e = refused(c.reason(), () -> bonds.create(c.request()));
            assertTrue(e.getMessage().contains(c.message()), c + " -> " + e.getMessage());
            // The dry run (SNMP's prepare phase) refuses it the same way, before anything is made.
            ControlException dry = refused(c.reason(), () -> {
                bonds.checkCreate(c.request());
                return null;
            });
            assertEquals(e.getMessage(), dry.getMessage(), c.toString());
        }
    }

    @Test
    void dryRunsRefuseAsTheRealCallsWouldAndChangeNothing() throws Exception {
        bonds.create(BondRequest.of("bond0", "wan"));
        int opened = kernel.opened.size();
        // Good requests pass and make nothing.
        byte[] before = Files.readAllBytes(file);
        int evs = eventCount();
        bonds.checkCreate(new BondRequest("bond1", "wrr", 1500, List.of("wan", "lte")));
        bonds.checkUpdate("bond0", new BondUpdate("active-backup", 1280));
        bonds.checkAddMember("bond0", "lte");
        assertArrayEquals(before, Files.readAllBytes(file));
        assertEquals(evs, eventCount());
        assertEquals(opened, kernel.opened.size());
        assertEquals(1400, kernel.tun("bond0").mtu);
        assertEquals(List.of("wan"), bonds.get("bond0").orElseThrow().members());

        record Case(Reason reason, Runnable dry, Runnable real) {
        }
        List<Case> cases = List.of(
                new Case(Reason.INVALID_VALUE, () -> bonds.checkUpdate("bond0", new BondUpdate("fast", null)),
                        () -> bonds.update("bond0", new BondUpdate("fast", null))),
                new Case(Reason.INVALID_VALUE, () -> bonds.checkUpdate("bond0", new BondUpdate(null, 9001)),
                        () -> bonds.update("bond0", new BondUpdate(null, 9001))),
                new Case(Reason.NOT_FOUND, () -> bonds.checkUpdate("nope", new BondUpdate(null, 1400)),
                        () -> bonds.update("nope", new BondUpdate(null, 1400))),
                new Case(Reason.ALREADY_EXISTS, () -> bonds.checkAddMember("bond0", "wan"),
                        () -> bonds.addMember("bond0", "wan")),
                new Case(Reason.INCONSISTENT, () -> bonds.checkAddMember("bond0", "cable"),
                        () -> bonds.addMember("bond0", "cable")),
                new Case(Reason.NOT_FOUND, () -> bonds.checkAddMember("nope", "wan"),
                        () -> bonds.addMember("nope", "wan")));
        for (Case c : cases) {
            ControlException dry = refused(c.reason(), () -> {
                c.dry().run();
                return null;
            });
            ControlException real = refused(c.reason(), () -> {
                c.real().run();
                return null;
            });
            assertEquals(real.getMessage(), dry.getMessage());
        }

        // On embedded defaults the dry run refuses as the real call does, not only at the change.
        bonds.close();
        bonds = manager(ConfigHolder.embeddedDefaults());
        ControlException e = assertThrows(ControlException.class, () -> bonds.checkCreate(BondRequest.of("bond1", "wan")));
        assertEquals(Reason.RESOURCE_UNAVAILABLE, e.reason());
    }

    @Test
    void limitsAre64BondsAnd16MembersAndGiveResourceUnavailable() throws Exception {
        StringBuilder cfg = new StringBuilder(CONFIG);
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 17; i++) {
            cfg.append("\nconfig uplink 'u").append(i).append("'\n\toption device 'd").append(i).append("'\n");
            many.add("u" + i);
        }
        for (int i = 0; i < 64; i++) {
            cfg.append("\nconfig bond 'b").append(i).append("'\n\tlist member 'wan'\n");
        }
        Files.writeString(file, cfg);
        bonds.close();
        holder = ConfigHolder.fromFile(file);
        bonds = manager(holder);
        bonds.reconcile(holder.current());
        assertEquals(64, kernel.open.size());
        ControlException full = refused(Reason.RESOURCE_UNAVAILABLE, () -> bonds.create(BondRequest.of("b64", "wan")));
        assertEquals("there are 64 bonds already; at most 64", full.getMessage());
        bonds.destroy("b63");
        ControlException members = refused(Reason.RESOURCE_UNAVAILABLE,
                () -> bonds.create(new BondRequest("b64", null, null, many)));
        assertEquals("bond 'b64' would have 17 members; at most 16", members.getMessage());
        bonds.create(new BondRequest("b64", null, null, many.subList(0, 16)));
        assertEquals(16, bonds.get("b64").orElseThrow().members().size());
        refused(Reason.RESOURCE_UNAVAILABLE, () -> bonds.addMember("b64", "u16"));
    }

    @Test
    void whenTheInterfaceCannotBeMadeNothingIsWritten() throws Exception {
        kernel.failNextOpen = true;
        ControlException e = refused(Reason.RESOURCE_UNAVAILABLE, () -> bonds.create(BondRequest.of("bond0", "wan")));
        assertEquals("cannot create interface 'bond0': no /dev/net/tun (is the tun module loaded?)", e.getMessage());
        assertEquals(List.of(), bonds.list());
    }

    @Test
    void whenTheFileCannotBeWrittenTheInterfaceIsRemovedAgain() throws Exception {
        failWrite = true;
        ControlException e = refused(Reason.RESOURCE_UNAVAILABLE, () -> bonds.create(BondRequest.of("bond0", "wan")));
        assertEquals("cannot write " + file + ": No space left on device", e.getMessage());
        assertEquals(List.of("bond0"), kernel.opened, "it was made");
        assertTrue(kernel.open.isEmpty(), "and removed again");

        bonds.create(new BondRequest("bond0", null, 1400, List.of("wan")));
        failWrite = true;
        refused(Reason.RESOURCE_UNAVAILABLE, () -> bonds.update("bond0", new BondUpdate(null, 1500)));
        assertEquals(1400, kernel.tun("bond0").mtu, "MTU put back");
        failWrite = true;
        refused(Reason.RESOURCE_UNAVAILABLE, () -> {
            bonds.destroy("bond0");
            return null;
        });
        assertFalse(kernel.tun("bond0").closed, "interface kept while the file still has the bond");
    }

    @Test
    void embeddedDefaultsRefuseChangesWithAMessageSayingWhatToDo() throws Exception {
        bonds.close();
        bonds = manager(ConfigHolder.embeddedDefaults());
        ControlException e = assertThrows(ControlException.class, () -> bonds.create(BondRequest.of("bond0", "wan")));
        assertEquals(Reason.RESOURCE_UNAVAILABLE, e.reason());
        assertEquals("running on embedded defaults; start with --config FILE to manage bonds", e.getMessage());
        assertEquals(List.of(), bonds.list());
        assertTrue(kernel.opened.isEmpty());
    }

    @Test
    void destroyRemovesSectionAndInterfaceAndUnknownBondsAreNotFound() throws Exception {
        bonds.create(BondRequest.of("bond0", "wan", "lte"));
        FakeTuns.Tun tun = kernel.tun("bond0");
        bonds.destroy("bond0");
        assertTrue(tun.closed);
        assertEquals(CONFIG, Files.readString(file), "back to the original bytes");
        assertEquals("destroyed (adaptive, mtu 1400, members wan, lte), interface ifindex 10 removed", lastEvent().message());
        assertEquals(List.of(), bonds.list());
        ControlException e = refused(Reason.NOT_FOUND, () -> {
            bonds.destroy("bond0");
            return null;
        });
        assertEquals("no bond named 'bond0'", e.getMessage());
        refused(Reason.NOT_FOUND, () -> bonds.update("bond0", new BondUpdate("wrr", null)));
        refused(Reason.NOT_FOUND, () -> bonds.addMember("bond0", "wan"));
        refused(Reason.NOT_FOUND, () -> bonds.removeMember("bond0", "wan"));
        refused(Reason.NOT_FOUND, () -> bonds.setActive("bond0", false));
    }

    @Test
    void updateChangesModeAndMtuOnTheInterfaceAndInTheFile() throws Exception {
        bonds.create(BondRequest.of("bond0", "wan"));
        BondStatus s = bonds.update("bond0", new BondUpdate("active-backup", 1280));
        assertEquals("active-backup", s.mode());
        assertEquals(1280, s.mtu());
        assertEquals(1280, kernel.tun("bond0").mtu);
        assertTrue(Files.readString(file).contains("\toption mode 'active-backup'\n\toption mtu '1280'\n"));
        assertEquals("mode adaptive -> active-backup, mtu 1400 -> 1280", lastEvent().message());
        int evs = eventCount();
        bonds.update("bond0", new BondUpdate(null, 1280));
        assertEquals(evs, eventCount(), "no change, no event");
        refused(Reason.INVALID_VALUE, () -> bonds.update("bond0", new BondUpdate("fast", null)));
        refused(Reason.INVALID_VALUE, () -> bonds.update("bond0", new BondUpdate(null, 100)));
        kernel.failMtu = true;
        refused(Reason.RESOURCE_UNAVAILABLE, () -> bonds.update("bond0", new BondUpdate("wrr", 1500)));
        assertEquals("active-backup", bonds.get("bond0").orElseThrow().mode(), "the mode did not change either");
    }

    /** Scheduler 'earliest' is mode adaptive's: a mode change through the API takes it along, else the file would be refused. */
    @Test
    void leavingModeAdaptiveTakesSchedulerEarliestAlong() throws Exception {
        Files.writeString(file, CONFIG + "\nconfig bond 'bond1'\n\toption mode 'adaptive'\n\toption scheduler 'earliest'\n"
                + "\tlist member 'wan'\n\nconfig bond 'bond2'\n\toption scheduler 'wrr'\n\tlist member 'lte'\n");
        bonds.close();
        holder = ConfigHolder.fromFile(file);
        bonds = manager(holder);
        assertEquals("wrr", bonds.update("bond1", new BondUpdate("wrr", null)).mode());
        bonds.update("bond2", new BondUpdate("active-backup", null));
        String text = Files.readString(file);
        assertTrue(text.contains("config bond 'bond1'\n\toption mode 'wrr'\n\tlist member 'wan'\n"), text);
        assertTrue(text.contains("\toption scheduler 'wrr'"), "a scheduler 'wrr' is valid in every mode and stays: " + text);
    }

    @Test
    void membersAreAddedAndRemovedByTheRules() throws Exception {
        bonds.create(BondRequest.of("bond0", "wan"));
        BondStatus s = bonds.addMember("bond0", "lte");
        assertEquals(List.of("wan", "lte"), s.members());
        assertEquals("member lte added (members wan, lte)", lastEvent().message());
        assertEquals(List.of("wan", "lte"), ConfigLoader.load(file).bonds().get(0).members());
        assertEquals(Reason.ALREADY_EXISTS, refused(Reason.ALREADY_EXISTS, () -> bonds.addMember("bond0", "lte")).reason());
        assertEquals("no uplink named 'cable' is configured (uplinks: wan, lte, dsl)",
                refused(Reason.INCONSISTENT, () -> bonds.addMember("bond0", "cable")).getMessage());
        assertEquals("uplink 'dsl' is not a member of 'bond0'",
                refused(Reason.NOT_FOUND, () -> bonds.removeMember("bond0", "dsl")).getMessage());
        assertEquals(List.of("lte"), bonds.removeMember("bond0", "wan").members());
        assertEquals("member wan removed (members lte)", lastEvent().message());
        // The last member may go too: the MIB's member rows come and go independently of the bond.
        assertEquals(List.of(), bonds.removeMember("bond0", "lte").members());
        assertEquals("member lte removed (no members)", lastEvent().message());
        assertEquals(List.of(), bonds.create(BondRequest.of("b2")).members(), "a bond may start without members");
        assertEquals(10, bonds.get("bond0").orElseThrow().ifIndex(), "members never touch the interface");
    }

    @Test
    void outOfServiceRemovesTheInterfaceButKeepsTheBondAndBackMakesANewOne() throws Exception {
        bonds.create(BondRequest.of("bond0", "wan"));
        byte[] bytes = Files.readAllBytes(file);
        BondStatus off = bonds.setActive("bond0", false);
        assertEquals(BondStatus.State.INACTIVE, off.state());
        assertEquals(0, off.ifIndex());
        assertTrue(kernel.open.isEmpty());
        bonds.reconcile(holder.current());
        assertTrue(kernel.open.isEmpty(), "a reload leaves an out-of-service bond alone");
        BondStatus on = bonds.setActive("bond0", true);
        assertEquals(BondStatus.State.ACTIVE, on.state());
        assertEquals(11, on.ifIndex(), "a new interface, a new ifindex");
        assertArrayEquals(bytes, Files.readAllBytes(file), "not persisted");
    }

    @Test
    void reconcileFollowsTheFileAndABondThatCannotBeMadeIsFailedNotFatal() throws Exception {
        Files.writeString(file, CONFIG + "\nconfig bond 'b1'\n\tlist member 'wan'\n"
                + "\nconfig bond 'lo'\n\tlist member 'lte'\n");
        holder.reload();
        List<String> done = bonds.reconcile(holder.current());
        assertEquals(List.of("b1 created", "lo failed"), done);
        BondStatus lo = bonds.get("lo").orElseThrow();
        assertEquals(BondStatus.State.FAILED, lo.state());
        assertEquals(0, lo.ifIndex());
        assertEquals("cannot create interface 'lo': an interface of that name exists already", lo.problem());
        assertEquals("no interface: cannot create interface 'lo': an interface of that name exists already",
                lastEvent().message());
        int evs = eventCount();
        bonds.reconcile(holder.current());
        assertEquals(evs, eventCount(), "the same failure is not recorded again");

        Files.writeString(file, CONFIG + "\nconfig bond 'b2'\n\toption mtu '1300'\n\tlist member 'wan'\n");
        holder.reload();
        assertEquals(List.of("b1 removed", "b2 created"), bonds.reconcile(holder.current()));
        assertNull(kernel.tun("b1"));
        assertEquals(1300, kernel.tun("b2").mtu);
        Files.writeString(file, CONFIG + "\nconfig bond 'b2'\n\toption mtu '1310'\n\tlist member 'wan'\n");
        holder.reload();
        assertEquals(List.of("b2 mtu 1310"), bonds.reconcile(holder.current()));
        assertEquals(1310, kernel.tun("b2").mtu);

        bonds.close();
        assertTrue(kernel.open.isEmpty(), "closing removes every interface");
        assertEquals(List.of(), bonds.reconcile(holder.current()), "and nothing comes back once closed");
    }
}
