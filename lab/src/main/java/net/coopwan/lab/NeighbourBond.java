package net.coopwan.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Configuration pieces for a bond from router a of a {@link NeighbourLab} through the concentrator
 * in its inet ({@link NeighbourLab#CONCENTRATOR}, client {@code home1}): the bond section, the
 * helper's list of concentrators it lets a's sealed packets reach, and the concentrator's own
 * configuration. Shared by the latency demo and the lab tests of emergency, sharing and latency,
 * so that all of them run the same set-up.
 */
final class NeighbourBond {
    static final String TUNNEL_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    static final String BOND_ADDRESS = BondLab.BOND_ADDRESS;
    static final int CONCENTRATOR_PORT = 4795;

    private NeighbourBond() {
    }

    /** The requester's bond0 through the concentrator over its one uplink, in scheduling mode {@code mode}. */
    static String bondThroughConcentrator(String mode) {
        return String.join("\n",
                "config bond 'bond0'",
                "\toption mode '" + mode + "'",
                "\tlist member 'wan'",
                "\toption concentrator '" + NeighbourLab.CONCENTRATOR + ":" + CONCENTRATOR_PORT + "'",
                "\toption client_id 'home1'",
                "\toption key '" + TUNNEL_KEY + "'",
                "\toption address '" + BOND_ADDRESS + "/24'");
    }

    /** The helper's failover section: the one concentrator a requester's sealed packets may reach. */
    static String helperListingTheConcentrator() {
        return String.join("\n", "config failover 'failover'",
                "\tlist concentrator '" + NeighbourLab.CONCENTRATOR + ":" + CONCENTRATOR_PORT + "'");
    }

    /** Writes the concentrator's configuration (in inet, client home1) into {@code dir}/conc.conf; returns its path. */
    static Path concentratorConfig(Path dir, NeighbourLab lab) throws IOException {
        return BondLab.concentratorConfig(dir.resolve("conc.conf"), dir.resolve("conc.sock"), NeighbourLab.CONCENTRATOR,
                CONCENTRATOR_PORT, lab.inetToA(), TUNNEL_KEY, "");
    }
}
