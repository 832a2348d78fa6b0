package net.coopwan.daemon.api;

import java.util.List;

/**
 * A configured bond (virtual bonded interface) and its kernel interface.
 *
 * @param name    interface name, also the name of its {@code config bond} section
 * @param mode    {@code wrr}, {@code adaptive} or {@code active-backup} (the UCI spelling)
 * @param mtu     MTU in bytes
 * @param members member uplink names, in config order
 * @param ifIndex kernel ifindex (IF-MIB ifIndex) of its interface, 0 while it has none
 * @param state   whether the interface exists
 * @param problem why the interface is missing when {@link State#FAILED}, else ""
 */
public record BondStatus(String name, String mode, int mtu, List<String> members, int ifIndex, State state,
                         String problem) {

    public BondStatus {
        members = List.copyOf(members);
    }

    public enum State {
        /** The interface exists (ifIndex &gt; 0). */
        ACTIVE,
        /** Taken out of service by a manager ({@link ControlApi#setBondActive}); still configured, back at a restart. */
        INACTIVE,
        /** The interface could not be made (see {@code problem}); retried by a reload or {@link ControlApi#setBondActive}. */
        FAILED
    }
}
