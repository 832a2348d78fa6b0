package net.coopwan.daemon.api;

import java.util.List;

/**
 * A bond to create. Values are checked by the daemon, not here, so that every front-end gets the
 * same answer for the same mistake.
 *
 * @param name    interface name: 1-15 characters, each a letter, digit or '_'
 * @param mode    {@code wrr}, {@code adaptive} or {@code active-backup}; null means adaptive
 * @param mtu     576-9000; null means 1400
 * @param members names of configured uplinks, each once; null means none
 */
public record BondRequest(String name, String mode, Integer mtu, List<String> members) {

    public BondRequest {
        members = members == null ? List.of() : List.copyOf(members);
    }

    /** A bond with the default mode and MTU. */
    public static BondRequest of(String name, String... members) {
        return new BondRequest(name, null, null, List.of(members));
    }
}
