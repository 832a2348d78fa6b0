package net.coopwan.daemon.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import net.coopwan.daemon.coop.emergency.EmergencyMessage;

/** The sharer's grants: slots 4-7 beside the emergency's 0-3, a key each, the tunnel network's room checked. */
class SharingDataPathsTest {
    static final int NET = 0x647fff00; // 100.127.255.0

    static SharingDataPaths paths(int prefix) {
        return new SharingDataPaths(new SharingDataPaths.Settings(4791, NET, prefix, List.of("br-lan"), Set.of(80, 443)),
                null, null, null, () -> SharingDataPaths.sysfs("lo").get());
    }

    @Test
    void fourBorrowersGetSlotsFourToSevenAndAFifthIsRefused() throws Exception {
        SharingDataPaths p = paths(24);
        for (int i = 0; i < 4; i++) {
            EmergencyMessage.Grant g = p.grant("bo" + i, 625_000, 1000);
            assertEquals(4791 + 4 + i, g.tunnelPort());
            assertEquals(NET + 6 + i, g.requesterAddress());
            assertEquals(NET + 1, g.helperAddress(), "the helper's address, as the emergency's");
        }
        IOException busy = assertThrows(IOException.class, () -> p.grant("bo4", 625_000, 1000));
        assertTrue(busy.getMessage().contains("all 4 sharing paths are in use"), busy.getMessage());
        EmergencyMessage.Grant again = p.grant("bo1", 125_000, 1000);
        assertEquals(4791 + 5, again.tunnelPort(), "a borrower keeps its slot");
        assertTrue(!java.util.Arrays.equals(p.grant("bo2", 1, 100).key(), p.grant("bo3", 1, 100).key()),
                "each grant has a key of its own");
    }

    @Test
    void aSmallTunnelNetworkHasRoomForFewerSharingPaths() throws Exception {
        SharingDataPaths p = paths(29); // hosts .1-.6: the helper, four emergency slots, sharing slot 4
        assertEquals(NET + 6, p.grant("bo0", 1000, 1000).requesterAddress());
        IOException full = assertThrows(IOException.class, () -> p.grant("bo1", 1000, 1000));
        assertTrue(full.getMessage().contains("use /28 or wider"), full.getMessage());
    }

    /**
     * The per-packet member's caps: never above the offer, never above what the sharer's kernel
     * quota for that offer sustains (so it never drops a well-behaved member's packet), and close
     * to it: about half the offer at T = 1 s (the kernel's bucket holds a second of rate), 90 %
     * at 10 s, less the control packets' margin.
     */
    @Test
    void theMembersCapIsWhatTheSharersKernelSustains() {
        for (long windowMs : new long[] {100, 1000, 10_000}) {
            for (long up : new long[] {0, 150, 1000, 5000, 80_000}) {
                long cap = SharingDataPaths.carriedKbps(up, windowMs);
                assertTrue(cap <= up, cap + " above the offer " + up);
                // the sharer's quota in that direction: that direction's offer (a larger download offer is no help)
                long quota = net.coopwan.daemon.coop.sharing.LendingSession.quotaBytes(up, windowMs);
                // what the sharer's sliding window sustains of that quota with a tick of slack, in bytes per second
                long kernel = quota * 1000 / windowMs
                        * net.coopwan.daemon.steer.SlidingWindowQuota.lateTolerantPerMille(windowMs) / 1000;
                assertTrue(cap * 125 <= kernel * (1000 - SharingDataPaths.CONTROL_PER_MILLE) / 1000,
                        cap + " kbit/s above the kernel's " + kernel + " B/s at T " + windowMs);
                assertTrue(up == 0 || cap * 125 >= kernel * (1000 - SharingDataPaths.CONTROL_PER_MILLE) / 1000 - 125
                        || cap == up, "as much as the kernel carries: " + cap + " at T " + windowMs);
            }
        }
        long oneSecond = SharingDataPaths.carriedKbps(5000, 1000);
        assertTrue(oneSecond > 4150 && oneSecond < 4300, "T = 1 s: 86 % of the offer less the control packets, " + oneSecond);
        assertTrue(SharingDataPaths.carriedKbps(5000, 10_000) > 4650, "T = 10 s: 96 % less the control packets");
    }

    @Test
    void theUplinksBytesComeFromSysfs() {
        assertTrue(SharingDataPaths.sysfs("lo").get().down() >= 0);
        assertEquals(0, SharingDataPaths.sysfs("no-such-dev0").get().down(), "unreadable: zeros");
    }
}
