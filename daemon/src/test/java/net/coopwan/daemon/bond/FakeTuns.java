package net.coopwan.daemon.bond;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import net.coopwan.daemon.api.InterfaceCounters;
import net.coopwan.daemon.api.NetInterface;
import net.coopwan.daemon.kernel.KernelInterfaces;
import net.coopwan.daemon.tun.TunDevice;
import net.coopwan.daemon.tun.TunDevices;

/**
 * An in-memory kernel for BondManager tests: TUNs it "creates" and other interfaces that exist.
 * {@link #failNextOpen} and {@link #failMtu} make the next open or MTU change fail as the kernel would.
 */
final class FakeTuns implements TunDevices, KernelInterfaces {

    final class Tun implements TunDevice {
        final String name;
        final int ifIndex;
        int mtu = 1500;
        boolean up;
        boolean closed;

        Tun(String name, int ifIndex) {
            this.name = name;
            this.ifIndex = ifIndex;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public int ifIndex() {
            return ifIndex;
        }

        @Override
        public int fd() {
            return closed ? -1 : 100 + ifIndex;
        }

        @Override
        public void setMtu(int m) throws IOException {
            synchronized (FakeTuns.this) {
                if (failMtu) {
                    throw new IOException("interface '" + name + "': cannot set MTU " + m + ": the kernel refused the value");
                }
                mtu = m;
            }
        }

        @Override
        public void setUp(boolean u) {
            up = u;
        }

        @Override
        public int read(ByteBuffer dst, int timeoutMillis) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int write(ByteBuffer src) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
            synchronized (FakeTuns.this) {
                if (!closed) {
                    closed = true;
                    open.remove(name);
                }
            }
        }
    }

    final Map<String, Tun> open = new LinkedHashMap<>();
    final Set<String> others = new HashSet<>(Set.of("lo", "eth0"));
    final List<String> opened = new ArrayList<>();
    private int nextIndex = 10;
    boolean failNextOpen;
    boolean failMtu;

    @Override
    public synchronized TunDevice open(String name) throws IOException {
        if (failNextOpen) {
            failNextOpen = false;
            throw new IOException("cannot create interface '" + name + "': no /dev/net/tun (is the tun module loaded?)");
        }
        if (open.containsKey(name) || others.contains(name)) {
            throw new IOException("cannot create interface '" + name + "': an interface of that name exists already");
        }
        Tun t = new Tun(name, nextIndex++);
        open.put(name, t);
        opened.add(name);
        return t;
    }

    synchronized Tun tun(String name) {
        return open.get(name);
    }

    @Override
    public synchronized List<NetInterface> list() {
        List<NetInterface> out = new ArrayList<>();
        for (String n : others) {
            out.add(iface(n, 1, 1500));
        }
        for (Tun t : open.values()) {
            out.add(iface(t.name, t.ifIndex, t.mtu));
        }
        return out;
    }

    @Override
    public synchronized Optional<NetInterface> byName(String name) {
        return list().stream().filter(i -> i.name().equals(name)).findFirst();
    }

    private static NetInterface iface(String name, int index, int mtu) {
        return new NetInterface(index, name, 65534, "", mtu, true, "unknown", 0,
                new InterfaceCounters(0, 0, 0, 0, 0, 0, 0, 0, 0));
    }
}
