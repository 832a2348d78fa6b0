package net.coopwan.daemon.kernel;

import java.util.List;
import java.util.Optional;

import net.coopwan.daemon.api.NetInterface;

/** Reads the kernel's network interfaces. */
public interface KernelInterfaces {

    /** All interfaces, ordered by ifindex. */
    List<NetInterface> list();

    /** One interface by name, empty when the kernel has none of that name. */
    Optional<NetInterface> byName(String name);
}
