package net.coopwan.daemon.coop.discovery;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

import net.coopwan.config.CooperationOffer;
import net.coopwan.config.CoopwanConfig;
import net.coopwan.config.ParameterRange;
import net.coopwan.config.Uplink;
import net.coopwan.daemon.coop.advert.AdvertInfo;
import net.coopwan.daemon.coop.advert.CooperationType;
import net.coopwan.daemon.coop.advert.UplinkType;

/**
 * What this router says about itself in its advert, from the configuration ([0098]: the owner
 * configures willingness and offered types):
 * <ul>
 * <li>willing: at least one {@code config offer} is enabled;</li>
 * <li>offered: the types of the enabled offers;</li>
 * <li>uplink type: the first configured uplink's {@code type} (unknown when there is none);</li>
 * <li>bandwidth classes: of the first configured uplink's {@code down_kbps}/{@code up_kbps}
 *     (0 = undisclosed when not set);</li>
 * <li>generation: a hash of the enabled offers (type and ranges) mod 16, so it is the same
 *     after a restart with the same offers and changes (15 times in 16) when they change;</li>
 * <li>nonce: the caller's, random per start.</li>
 * </ul>
 */
public final class OwnAdvert {

    private OwnAdvert() {
    }

    public static AdvertInfo of(CoopwanConfig config, int nonce) {
        Set<CooperationType> offered = EnumSet.noneOf(CooperationType.class);
        List<String> described = new ArrayList<>();
        for (CooperationOffer o : config.offers()) {
            if (o.enabled()) {
                offered.add(advertType(o.type()));
                described.add(o.type().uciName() + new TreeMap<String, ParameterRange>(o.ranges()));
            }
        }
        described.sort(null);
        int generation = Math.floorMod(described.hashCode(), 16);
        int down = 0;
        int up = 0;
        UplinkType type = UplinkType.UNKNOWN;
        if (!config.uplinks().isEmpty()) {
            Uplink first = config.uplinks().get(0);
            type = UplinkType.ofConfig(first.type());
            down = AdvertInfo.bandwidthClass(first.downKbps() * 1000L);
            up = AdvertInfo.bandwidthClass(first.upKbps() * 1000L);
        }
        return new AdvertInfo(!offered.isEmpty(), offered, type, down, up, generation, nonce & 0xFFFF, 0);
    }

    /** The advert flag of a configured type. */
    public static CooperationType advertType(net.coopwan.config.CooperationType t) {
        return switch (t) {
            case EMERGENCY -> CooperationType.EMERGENCY_CONNECTION;
            case BANDWIDTH_SHARING -> CooperationType.BANDWIDTH_SHARING;
            case DUPLICATION -> CooperationType.LC_DUPLICATION;
            case SUPPRESSION -> CooperationType.SUPPRESSION;
        };
    }

    /**
     * The name of an advertised type on every API: the UCI spelling of the configured type,
     * {@code proxied_bandwidth_sharing} for the one type the configuration has no offer for.
     */
    public static String apiName(CooperationType t) {
        return switch (t) {
            case EMERGENCY_CONNECTION -> "emergency";
            case BANDWIDTH_SHARING -> "bandwidth_sharing";
            case PROXIED_BANDWIDTH_SHARING -> "proxied_bandwidth_sharing";
            case LC_DUPLICATION -> "duplication";
            case SUPPRESSION -> "suppression";
        };
    }

    /** A bandwidth class as text: "undisclosed", "<2 Mbit/s", "512-1023 Mbit/s", ">=16384 Mbit/s". */
    public static String classText(int bandwidthClass) {
        if (bandwidthClass <= 0) {
            return "undisclosed";
        }
        if (bandwidthClass == 1) {
            return "<2 Mbit/s";
        }
        long lo = 1L << (bandwidthClass - 1);
        if (bandwidthClass >= 15) {
            return ">=" + lo + " Mbit/s";
        }
        return lo + "-" + (2 * lo - 1) + " Mbit/s";
    }

    /** Offered types as API names, in flag order. */
    public static List<String> offerNames(AdvertInfo info) {
        List<String> out = new ArrayList<>();
        for (CooperationType t : CooperationType.values()) {
            if (info.offers(t)) {
                out.add(apiName(t));
            }
        }
        return out;
    }
}
