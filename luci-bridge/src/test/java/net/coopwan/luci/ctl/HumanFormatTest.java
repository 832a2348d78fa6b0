package net.coopwan.luci.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import net.coopwan.luci.rpc.Json;

class HumanFormatTest {

    @Test
    void durationsLeaveOutLeadingZeroUnits() {
        assertEquals("0s", HumanFormat.duration(0));
        assertEquals("59s", HumanFormat.duration(59));
        assertEquals("1m 05s", HumanFormat.duration(65));
        assertEquals("2h 00m 01s", HumanFormat.duration(7201));
        assertEquals("1d 02h 03m 04s", HumanFormat.duration(86400 + 2 * 3600 + 3 * 60 + 4));
    }

    @Test
    void bytesUseIecUnits() {
        assertEquals("0 B", HumanFormat.bytes(0));
        assertEquals("1023 B", HumanFormat.bytes(1023));
        assertEquals("1.5 KiB", HumanFormat.bytes(1536));
        assertEquals("1.0 MiB", HumanFormat.bytes(1L << 20));
        assertEquals("8.0 EiB", HumanFormat.bytes(Long.MAX_VALUE));
    }

    @Test
    void timesAreCutToTheSecondAndNonTimesShownAsSent() {
        assertEquals("2025-01-31T12:00:01Z", HumanFormat.time("2025-01-31T12:00:01.987654Z"));
        assertEquals("yesterday", HumanFormat.time("yesterday"));
    }

    @Test
    void tablesAlignColumnsWithoutTrailingBlanks() {
        String t = new Table("NAME", "STATE").row("wan", "UP").row("lte-backup", "").render();
        assertEquals("NAME        STATE\nwan         UP\nlte-backup\n", t);
    }

    @Test
    void anUplinkWithoutKernelDeviceShowsDashes() throws Exception {
        String out = HumanFormat.uplinks(Json.mapper().readTree(
                "[{\"name\":\"lte\",\"device\":\"wwan0\",\"state\":\"MISSING\",\"kernel\":null}]"));
        assertEquals("NAME  DEVICE  STATE    RX  TX  TUNNEL\nlte   wwan0   MISSING  -   -   -\n", out);
    }

    @Test
    void anUplinkInABondWithAFarEndShowsItsTunnel() throws Exception {
        String out = HumanFormat.uplinks(Json.mapper().readTree(
                "[{\"name\":\"wan1\",\"device\":\"eth1\",\"state\":\"UP\",\"kernel\":null,\"tunnel\":"
                + "{\"bond\":\"bond0\",\"up\":true,\"rttMicros\":12345,\"jitterMicros\":100,\"lossPercent\":1.5,"
                + "\"weight\":2.0,\"txBytes\":1,\"rxBytes\":2}},"
                + "{\"name\":\"wan2\",\"device\":\"eth2\",\"state\":\"UP\",\"kernel\":null,\"tunnel\":"
                + "{\"bond\":\"bond0\",\"up\":false}}]"));
        assertEquals("NAME  DEVICE  STATE  RX  TX  TUNNEL\n"
                + "wan1  eth1    UP     -   -   bond0 up rtt 12.3ms loss 1.5% w 2.00\n"
                + "wan2  eth2    UP     -   -   bond0 down\n", out);
    }
}
