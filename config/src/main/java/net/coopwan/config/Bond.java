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
 * @param scheduler how mode adaptive picks each packet's member: {@link Scheduler#EARLIEST} (its
 *                default) or {@link Scheduler#WRR} (the old behaviour, for comparison); the other
 *                modes have {@link Scheduler#WRR}
 */
public record Bond(String name, Mode mode, int mtu, List<String> members, BondTunnel tunnel, Scheduler scheduler) {

    public Bond {
        members = List.copyOf(members);
        if (scheduler == null) {
            scheduler = Scheduler.defaultFor(mode);
        }
    }

    /** A bond with its mode's default scheduler. */
    public Bond(String name, Mode mode, int mtu, List<String> members, BondTunnel tunnel) {
        this(name, mode, mtu, members, tunnel, Scheduler.defaultFor(mode));
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

    /**
     * Option {@code scheduler} of a bond in mode adaptive: {@code earliest} sends each packet on
     * the member where it is expected to arrive first, within the measured rates (issue 18);
     * {@code wrr} spreads by the weights alone, as before.
     */
    public enum Scheduler {
        EARLIEST("earliest"), WRR("wrr");

        private final String uciName;

        Scheduler(String uciName) {
            this.uciName = uciName;
        }

        public String uciName() {
            return uciName;
        }

        /**
         * {@link #WRR} in every mode. Earliest arrival is chosen, not the default: the lab's
         * real-links benchmark measured it below the weights alone (8+2 Mbit/s, one TCP flow: 7.21
         * against 8.26 Mbit/s at 5 vs 30 +/- 5 ms one way, 8.51 against 9.12 at equal delays, one
         * run each; docs/benchmarks/bonding/results-real-links-2026-12-08-quick.md).
         */
        public static Scheduler defaultFor(Mode mode) {
            return WRR;
        }

        public static Scheduler fromUci(String s) {
            for (Scheduler m : values()) {
                if (m.uciName.equals(s)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unknown bond scheduler '" + s + "' (earliest, wrr)");
        }
    }
}
