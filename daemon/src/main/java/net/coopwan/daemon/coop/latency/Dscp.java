package net.coopwan.daemon.coop.latency;

import java.util.ArrayList;
import java.util.List;

import net.coopwan.config.Latency;

/**
 * The DSCP rule of [0233]: which 6-bit code points make a packet's session LC. Rule (b) is the
 * default (the AMBIG's resolution): the classes a game or a call asks for (CS3, CS4, CS5, EF)
 * and nothing a bulk application is likely to set; rule (a) counts everything but best effort
 * (CS0/DF) and CS1 (lower effort), so AF classes of video or business traffic count too.
 */
public final class Dscp {
    public static final int CS0 = 0;
    public static final int CS1 = 8;
    public static final int CS3 = 24;
    public static final int CS4 = 32;
    public static final int AF41 = 34;
    public static final int CS5 = 40;
    public static final int EF = 46;

    private Dscp() {
    }

    /** Whether DSCP {@code dscp} (0-63) makes the session LC under {@code rule}. */
    public static boolean latencyCritical(Latency.DscpRule rule, int dscp) {
        if (dscp < 0 || dscp > 63) {
            throw new IllegalArgumentException("DSCP is 0-63, got " + dscp);
        }
        return switch (rule) {
            case A -> dscp != CS0 && dscp != CS1;
            case B -> dscp == CS3 || dscp == CS4 || dscp == CS5 || dscp == EF;
            case NONE -> false;
        };
    }

    /** Every code point the rule makes LC, ascending (what the kernel's set holds). */
    public static List<Integer> codepoints(Latency.DscpRule rule) {
        List<Integer> out = new ArrayList<>();
        for (int d = 0; d < 64; d++) {
            if (latencyCritical(rule, d)) {
                out.add(d);
            }
        }
        return out;
    }

    /** The DSCP of an IPv4 TOS byte (its upper six bits). */
    public static int ofTos(int tos) {
        return (tos & 0xff) >>> 2;
    }
}
