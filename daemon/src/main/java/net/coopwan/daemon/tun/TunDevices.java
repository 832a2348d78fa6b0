package net.coopwan.daemon.tun;

import java.io.IOException;

/** Makes TUN interfaces. Thread-safe. */
public interface TunDevices {

    /**
     * Creates the layer-3 TUN interface NAME (no packet information header), administratively
     * down, with the kernel's default MTU. The interface exists until the returned device is closed;
     * an interface of that name that exists already (TUN or not) is refused, never taken over.
     *
     * @throws IOException naming the interface: no /dev/net/tun, no permission, name taken, ...
     */
    TunDevice open(String name) throws IOException;
}
