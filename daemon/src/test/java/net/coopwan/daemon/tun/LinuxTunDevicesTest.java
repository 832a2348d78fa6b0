package net.coopwan.daemon.tun;

import static net.coopwan.daemon.testing.TestInterfaces.exists;
import static net.coopwan.daemon.testing.TestInterfaces.sys;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import net.coopwan.daemon.testing.TestInterfaces;

/** The real /dev/net/tun (the tests run as root). No packet is sent. */
class LinuxTunDevicesTest {

    @RegisterExtension
    final TestInterfaces ifs = new TestInterfaces();

    private final LinuxTunDevices tuns = new LinuxTunDevices();

    @Test
    void opensATunWithItsIfindexSetsMtuAndUpAndCloseRemovesIt() throws Exception {
        String name = ifs.name();
        try (TunDevice tun = tuns.open(name)) {
            assertTrue(exists(name));
            assertEquals(name, tun.name());
            assertTrue(tun.fd() >= 0);
            assertEquals(Integer.parseInt(sys(name, "ifindex")), tun.ifIndex());
            assertEquals("65534", sys(name, "type"), "ARPHRD_NONE: a layer-3 TUN");
            assertEquals(0, Integer.decode(sys(name, "flags")) & 1, "down until asked");
            tun.setMtu(1400);
            tun.setUp(true);
            assertEquals("1400", sys(name, "mtu"));
            assertEquals(1, Integer.decode(sys(name, "flags")) & 1);
            tun.setUp(false);
            assertEquals(0, Integer.decode(sys(name, "flags")) & 1);
            tun.close();
            assertFalse(exists(name), "a non-persistent TUN goes with its fd");
            assertEquals(-1, tun.fd());
            tun.close();
            IOException closed = assertThrows(IOException.class, () -> tun.setMtu(1500));
            assertTrue(closed.getMessage().contains(name), closed.getMessage());
        }
    }

    @Test
    void aNameInUseIsRefusedNamingTheInterfaceAndNeverTakenOver() throws Exception {
        String name = ifs.name();
        try (TunDevice first = tuns.open(name)) {
            IOException e = assertThrows(IOException.class, () -> tuns.open(name));
            assertEquals("cannot create interface '" + name + "': an interface of that name exists already", e.getMessage());
            assertTrue(exists(name), "the first one is untouched");
        }
        IOException lo = assertThrows(IOException.class, () -> tuns.open("lo"));
        assertEquals("cannot create interface 'lo': an interface of that name exists already", lo.getMessage());
        assertTrue(exists("lo"));
    }

    @Test
    void anMtuTheKernelRefusesIsAnIOExceptionNamingTheInterface() throws Exception {
        String name = ifs.name();
        try (TunDevice tun = tuns.open(name)) {
            IOException e = assertThrows(IOException.class, () -> tun.setMtu(70000));
            assertTrue(e.getMessage().startsWith("interface '" + name + "': cannot set MTU 70000"), e.getMessage());
            assertEquals("1500", sys(name, "mtu"), "unchanged");
        }
        assertThrows(IllegalArgumentException.class, () -> tuns.open("much-too-long-name"));
    }

    @Test
    void readAndWriteNeedDirectBuffers() throws Exception {
        String name = ifs.name();
        try (TunDevice tun = tuns.open(name)) {
            assertThrows(IllegalArgumentException.class, () -> tun.write(java.nio.ByteBuffer.allocate(20)));
            assertThrows(IllegalArgumentException.class, () -> tun.read(java.nio.ByteBuffer.allocate(20)));
        }
    }

    @Test
    void aReadWithATimeoutReturnsZeroAndCloseWakesABlockedReader() throws Exception {
        String name = ifs.name();
        TunDevice tun = new LinuxTunDevices().open(name);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect(2048);
        long t0 = System.nanoTime();
        org.junit.jupiter.api.Assertions.assertEquals(0, tun.read(b, 100));
        long waited = (System.nanoTime() - t0) / 1_000_000;
        org.junit.jupiter.api.Assertions.assertTrue(waited >= 90 && waited < 2000, "waited " + waited + " ms");

        java.util.concurrent.CompletableFuture<Throwable> reader = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                tun.read(b);
                return null;
            } catch (Throwable e) {
                return e;
            }
        });
        Thread.sleep(100);
        tun.close();
        Throwable e = reader.get(3, java.util.concurrent.TimeUnit.SECONDS);
        org.junit.jupiter.api.Assertions.assertTrue(e instanceof java.io.IOException && e.getMessage().contains("closed"), String.valueOf(e));
    }

    @Test
    void ioctlNumbersAreLinuxs() {
        assertEquals(0x400454caL, LinuxTunDevices.TUNSETIFF, "x86/ARM _IOW('T', 202, int)");
    }
}
