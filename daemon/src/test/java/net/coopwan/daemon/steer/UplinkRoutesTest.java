package net.coopwan.daemon.steer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class UplinkRoutesTest {

    private static final String RULES = """
            0:\tfrom all lookup local
            1001:\tfrom all iif eth1 lookup 1
            31000:\tfrom 100.64.60.2 lookup 3100
            31001:\tfrom 100.64.61.2 lookup 3101
            31001:\tfrom 100.64.61.2 lookup 3101
            31500:\tfrom 100.64.62.2 lookup 3150
            32766:\tfrom all lookup main
            32767:\tfrom all lookup default
            """;

    private final RecordingCommandRunner os = new RecordingCommandRunner();
    private final UplinkRoutes routes = new UplinkRoutes(os, SteerRanges.DEFAULTS);

    private static Inet4Address a(String s) {
        return Ipv4Cidr.parseAddress(s);
    }

    @Test
    void installPutsRouteFirstThenReplacesTheRuleAtItsPriority() {
        os.answer("ip -4 rule show", "0:\tfrom all lookup local\n31001:\tfrom 100.64.9.9 lookup 3101\n");
        routes.install(new UplinkRoute("wan", a("100.64.61.2"), a("100.64.61.1"), 3101, 31001));
        assertEquals(List.of(
                "ip -4 route replace default via 100.64.61.1 dev wan table 3101",
                "ip -4 rule show",
                "ip -4 rule del priority 31001",
                "ip -4 rule add from 100.64.61.2/32 lookup 3101 priority 31001"), os.lines());
    }

    @Test
    void installWithoutGatewayIsADeviceRouteAndDeletesNothingWhenNoRuleIsThere() {
        routes.install(new UplinkRoute("pppoe-wan", a("100.64.70.5"), null, 3100, 31000));
        assertEquals(List.of(
                "ip -4 route replace default dev pppoe-wan table 3100",
                "ip -4 rule show",
                "ip -4 rule add from 100.64.70.5/32 lookup 3100 priority 31000"), os.lines());
    }

    @Test
    void installDeletesEveryDuplicateLeftByACrash() {
        os.answer("ip -4 rule show", RULES);
        routes.install(new UplinkRoute("wan", a("100.64.61.2"), a("100.64.61.1"), 3101, 31001));
        assertEquals(2, os.lines().stream().filter("ip -4 rule del priority 31001"::equals).count());
    }

    @Test
    void refusesNumbersOutsideTheOwnedRanges() {
        assertThrows(IllegalArgumentException.class,
                () -> routes.install(new UplinkRoute("wan", a("100.64.61.2"), null, 254, 31000)));
        assertThrows(IllegalArgumentException.class,
                () -> routes.install(new UplinkRoute("wan", a("100.64.61.2"), null, 3100, 1001)));
        assertThrows(IllegalArgumentException.class, () -> routes.remove(new UplinkRoute("wan", a("100.64.61.2"), null, 1, 31000)));
        assertTrue(os.calls().isEmpty(), "nothing may run for a refused route");
    }

    @Test
    void removeDeletesRuleAndFlushesTableAndToleratesAbsentTable() {
        os.answer("ip -4 rule show", "31000:\tfrom 100.64.60.2 lookup 3100\n");
        os.answer("ip -4 route flush table 3100", new CommandResult(2, "", "Error: ipv4: FIB table does not exist.\nFlush terminated\n"));
        routes.remove(new UplinkRoute("wan", a("100.64.60.2"), null, 3100, 31000));
        assertEquals(List.of("ip -4 rule show", "ip -4 rule del priority 31000", "ip -4 route flush table 3100"), os.lines());
    }

    @Test
    void removeAllDeletesOnlyOwnedPrioritiesInTheRangeAndFlushesTheirTables() {
        os.answer("ip -4 rule show", RULES);
        int n = routes.removeAll(0, 40000); // clipped to 31000..31099
        assertEquals(3, n);
        assertEquals(List.of(
                "ip -4 rule show",
                "ip -4 rule del priority 31000",
                "ip -4 rule del priority 31001",
                "ip -4 rule del priority 31001",
                "ip -4 route flush table 3100",
                "ip -4 route flush table 3101"), os.lines());
    }

    @Test
    void aFailingCommandNamesTheCommandAndItsStderr() {
        os.answer("ip -4 route replace default dev wan table 3100",
                new CommandResult(2, "", "Error: Nexthop device is not up.\n"));
        SteerException e = assertThrows(SteerException.class,
                () -> routes.install(new UplinkRoute("wan", a("100.64.60.2"), null, 3100, 31000)));
        assertTrue(e.getMessage().contains("ip -4 route replace default dev wan table 3100"), e.getMessage());
        assertTrue(e.getMessage().contains("Nexthop device is not up"), e.getMessage());
    }

    @Test
    void addressOfReadsTheFirstInetAddress() {
        os.answer("ip -4 -o addr show dev wan",
                "3: wan    inet 100.64.60.2/24 brd 100.64.60.255 scope global wan\\       valid_lft forever preferred_lft forever\n"
                        + "3: wan    inet 100.64.99.2/24 scope global secondary wan\\       valid_lft forever preferred_lft forever\n");
        assertEquals(Optional.of(a("100.64.60.2")), routes.addressOf("wan"));
    }

    @Test
    void addressOfIsEmptyWithoutAddressOrDevice() {
        assertEquals(Optional.empty(), routes.addressOf("wan"));
        os.answer("ip -4 -o addr show dev gone", new CommandResult(1, "", "Device \"gone\" does not exist.\n"));
        assertEquals(Optional.empty(), routes.addressOf("gone"));
    }

    @Test
    void defaultGatewayOfReadsVia() {
        os.answer("ip -4 route show default dev wan", "default via 100.64.60.1 proto dhcp src 100.64.60.2 metric 10 \n");
        assertEquals(Optional.of(a("100.64.60.1")), routes.defaultGatewayOf("wan"));
        os.answer("ip -4 route show default dev ppp0", "default scope link \n");
        assertEquals(Optional.empty(), routes.defaultGatewayOf("ppp0"));
        os.answer("ip -4 route show default dev gone", new CommandResult(1, "", "Cannot find device \"gone\"\n"));
        assertEquals(Optional.empty(), routes.defaultGatewayOf("gone"));
    }

    @Test
    void anUnexpectedErrorOnReadIsNotMistakenForAbsence() {
        os.answer("ip -4 -o addr show dev wan", new CommandResult(255, "", "Cannot open netlink socket: Permission denied\n"));
        assertThrows(SteerException.class, () -> routes.addressOf("wan"));
    }

    @Test
    void ruleParserSkipsJunkWithoutThrowing() {
        List<UplinkRoutes.RuleLine> rules = UplinkRoutes.RuleLine.parseAll(
                "junk\n:\nabc: from all\n31005:\tfrom all lookup main\n31006:\tfrom 100.64.1.1 lookup 3105\n\n");
        assertEquals(List.of(new UplinkRoutes.RuleLine(31005, -1), new UplinkRoutes.RuleLine(31006, 3105)), rules);
    }

    @Test
    void rangesRefuseTheKernelTablesAndPrioritiesFromMainOn() {
        assertThrows(IllegalArgumentException.class, () -> new SteerRanges(31000, 31099, 250, 260));
        assertThrows(IllegalArgumentException.class, () -> new SteerRanges(31000, 32766, 3100, 3199));
        assertThrows(IllegalArgumentException.class, () -> new SteerRanges(31099, 31000, 3100, 3199));
    }
}
