package net.coopwan.config;

import java.util.List;

/**
 * {@code config bond 'NAME'}: a virtual bonded interface over several uplinks.
 *
 * @param name    interface name of the bond (at most 15 characters, as the kernel allows)
 * @param mode    how packets are spread over the members
 * @param mtu     MTU of the bond interface
 * @param members names of {@link Uplink} sections
 */
public record Bond(String name, Mode mode, int mtu, List<String> members) {

    public Bond {
        members = List.copyOf(members);
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
