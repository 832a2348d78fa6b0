package net.coopwan.config;

import java.util.List;

/**
 * {@code config bond 'NAME'}: a virtual bonded interface over several uplinks.
 *
 * @param name    interface name of the bond (at most 15 characters, as the kernel allows)
 * @param mode    how packets are spread over the members
 * @param mtu     MTU of the bond interface
 * @param members names of {@link Uplink} sections
 * @param tunnel  the far end of the bond's tunnels (one per member, all to one concentrator),
 *                or null while the bond has none configured
 */
public record Bond(String name, Mode mode, int mtu, List<String> members, BondTunnel tunnel) {

    public Bond {
        members = List.copyOf(members);
    }

    /** A bond without a far end yet. */
    public Bond(String name, Mode mode, int mtu, List<String> members) {
        this(name, mode, mtu, members, null);
    }

    public enum Mode {
        WEIGHTED_ROUND_ROBIN("wrr"), ADAPTIVE("adaptive"), ACTIVE_BACKUP("active-backup");

        private final String uciName;

        Mode(String uciName) {
            this.uciName = uciName;
        }

        public String uciName() {
            return uciName;
        }

        public static Mode fromUci(String s) {
            for (Mode m : values()) {
                if (m.uciName.equals(s)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unknown bond mode '" + s + "' (wrr, adaptive, active-backup)");
        }
    }
}
