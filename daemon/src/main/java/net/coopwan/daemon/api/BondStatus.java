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
 * @param tunnel  the data path towards the far end in words ("established with 198.18.0.1:4791",
 *                "connecting to ..."), "" when the bond has no far end or no interface
 */
public record BondStatus(String name, String mode, int mtu, List<String> members, int ifIndex, State state,
                         String problem, String tunnel) {

    public BondStatus(String name, String mode, int mtu, List<String> members, int ifIndex, State state,
                      String problem) {
        this(name, mode, mtu, members, ifIndex, state, problem, "");
    }

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
