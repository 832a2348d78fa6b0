package net.coopwan.daemon.bond;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import net.coopwan.config.Bond;
import net.coopwan.config.CoopwanConfig;
import net.coopwan.config.Uplink;
import net.coopwan.daemon.api.ControlException;
import net.coopwan.daemon.api.ControlException.Reason;

/**
 * What a valid bond is, in one place (COOPWAN-MIB bondTable/bondMemberTable say the same).
 * Checks that need only the value give {@link Reason#INVALID_VALUE}; checks against the
 * configuration give INCONSISTENT, ALREADY_EXISTS, NOT_FOUND or RESOURCE_UNAVAILABLE (limits).
 */
public final class BondRules {

    /** Bonds per router: each is a TUN, a scheduler and reorder buffers; 64 is far above any home. */
    public static final int MAX_BONDS = 64;
    /** Members per bond: the scheduler's per-packet weights and the dedup bitmask are sized for 16. */
    public static final int MAX_MEMBERS = 16;
    public static final int MIN_MTU = 576;
    public static final int MAX_MTU = 9000;
    public static final int DEFAULT_MTU = 1400;
    public static final String DEFAULT_MODE = "adaptive";

    /** Interface name and UCI section name at once: the stricter of the two alphabets. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_]{1,15}");

    private BondRules() {
    }

    public static String checkName(String name) {
        if (name == null || name.isEmpty()) {
            throw invalid("a bond needs a name (its interface name): 1-15 characters, each a letter, a digit or '_'");
        }
        if (!NAME.matcher(name).matches()) {
            throw invalid("bond name '" + name + "' is not valid: 1-15 characters, each a letter, a digit or '_'");
        }
        return name;
    }

    /** The UCI spelling of the mode; null means {@value #DEFAULT_MODE}. */
    public static Bond.Mode checkMode(String mode) {
        String m = mode == null ? DEFAULT_MODE : mode;
        try {
            return Bond.Mode.fromUci(m);
        } catch (IllegalArgumentException e) {
            throw invalid("bond mode '" + m + "' is not valid: wrr, adaptive or active-backup");
        }
    }

    /** Null means {@value #DEFAULT_MTU}. */
    public static int checkMtu(Integer mtu) {
        int m = mtu == null ? DEFAULT_MTU : mtu;
        if (m < MIN_MTU || m > MAX_MTU) {
            throw invalid("bond MTU " + m + " is out of range " + MIN_MTU + "-" + MAX_MTU);
        }
        return m;
    }

    /** A member list for a new bond: known uplinks, each once, within the limits. */
    public static List<String> checkMembers(String bond, List<String> members, CoopwanConfig config) {
        if (members.size() > MAX_MEMBERS) {
            throw new ControlException(Reason.RESOURCE_UNAVAILABLE, "bond '" + bond + "' would have "
                    + members.size() + " members; at most " + MAX_MEMBERS);
        }
        Set<String> seen = new HashSet<>();
        for (String m : members) {
            checkUplink(m, config);
            if (!seen.add(m)) {
                throw new ControlException(Reason.INCONSISTENT, "uplink '" + m + "' is named twice as a member of '"
                        + bond + "'");
            }
        }
        return List.copyOf(members);
    }

    /** The uplink must be configured. */
    public static void checkUplink(String uplink, CoopwanConfig config) {
        if (uplink == null || config.uplinks().stream().noneMatch(u -> u.name().equals(uplink))) {
            throw new ControlException(Reason.INCONSISTENT, "no uplink named '" + uplink + "' is configured"
                    + known(config));
        }
    }

    private static String known(CoopwanConfig config) {
        List<String> names = config.uplinks().stream().map(Uplink::name).toList();
        return names.isEmpty() ? " (there are none)" : " (uplinks: " + String.join(", ", names) + ")";
    }

    /**
     * A new bond's name must not be a bond, an uplink's device, the peer link's device, or a
     * section of the file (UCI names are unique across types).
     */
    public static void checkNameFree(String name, CoopwanConfig config) {
        if (config.bonds().stream().anyMatch(b -> b.name().equals(name))) {
            throw new ControlException(Reason.ALREADY_EXISTS, "a bond named '" + name + "' exists already");
        }
        if (config.bonds().size() >= MAX_BONDS) {
            throw new ControlException(Reason.RESOURCE_UNAVAILABLE, "there are " + config.bonds().size()
                    + " bonds already; at most " + MAX_BONDS);
        }
        for (Uplink u : config.uplinks()) {
            if (u.device().equals(name)) {
                throw new ControlException(Reason.INCONSISTENT, "'" + name + "' is the device of uplink '"
                        + u.name() + "'");
            }
        }
        if (config.peer().enabled() && config.peer().device().equals(name)) {
            throw new ControlException(Reason.INCONSISTENT, "'" + name + "' is the peer link's device");
        }
    }

    /** Adding UPLINK to BOND (whose members are CURRENT). */
    public static void checkAddMember(String bond, List<String> current, String uplink, CoopwanConfig config) {
        checkUplink(uplink, config);
        if (current.contains(uplink)) {
            throw new ControlException(Reason.ALREADY_EXISTS, "uplink '" + uplink + "' is already a member of '"
                    + bond + "'");
        }
        if (current.size() >= MAX_MEMBERS) {
            throw new ControlException(Reason.RESOURCE_UNAVAILABLE, "bond '" + bond + "' has " + current.size()
                    + " members already; at most " + MAX_MEMBERS);
        }
    }

    /** Removing UPLINK from BOND (whose members are CURRENT). */
    public static void checkRemoveMember(String bond, List<String> current, String uplink) {
        if (!current.contains(uplink)) {
            throw new ControlException(Reason.NOT_FOUND, "uplink '" + uplink + "' is not a member of '" + bond + "'");
        }
    }

    private static ControlException invalid(String message) {
        return new ControlException(Reason.INVALID_VALUE, message);
    }
}
