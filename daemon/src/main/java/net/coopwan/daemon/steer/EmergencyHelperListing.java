package net.coopwan.daemon.steer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what {@code nft list} prints of the helper's table ({@link EmergencyHelperRules}). Only
 * our own names are matched, so a line nft adds in a later version is ignored rather than
 * misread. A limit whose parameters cannot be read counts as different, so the next apply
 * replaces it (a refilled bucket) rather than silently keeping an old quota; a map element that
 * cannot be read makes {@code remove} fail loudly (its chain is still referred to).
 */
final class EmergencyHelperListing {
    private EmergencyHelperListing() {
    }

    private static final Pattern ELEMENT = Pattern.compile(
            "\"([A-Za-z0-9_.-]{1,15})\" \\. ((?:[0-9]{1,3}\\.){3}[0-9]{1,3}) : (?:jump|goto) (req|ret)_([a-z0-9_]+)");
    /** What {@link #parse} records for a limit it found but could not read. */
    static final String UNREADABLE = "unreadable";
    private static final Pattern LIMIT_NAME = Pattern.compile("limit q_([a-z0-9_]+) \\{");
    private static final Pattern LIMIT = Pattern.compile(
            "limit q_([a-z0-9_]+) \\{\\s*rate over ([0-9]+) ([km]?bytes)/second(?: burst ([0-9]+) ([km]?bytes))?\\s*\\}");
    private static final Pattern COUNTER = Pattern.compile(
            "counter (carried|over|refused)_([a-z0-9_]+) \\{\\s*packets ([0-9]+) bytes ([0-9]+)");

    /** Reads {@code nft list table inet coopwan_help}: map elements and limits. */
    static EmergencyHelperRules.Current parse(String listing) {
        Map<EmergencyHelperRules.Key, String> req = new LinkedHashMap<>();
        Map<EmergencyHelperRules.Key, String> ret = new LinkedHashMap<>();
        Matcher m = ELEMENT.matcher(listing);
        while (m.find()) {
            EmergencyHelperRules.Key k = new EmergencyHelperRules.Key(m.group(1), Ipv4Cidr.parseAddress(m.group(2)));
            (m.group(3).equals("req") ? req : ret).put(k, m.group(4));
        }
        Map<String, String> limits = new LinkedHashMap<>();
        m = LIMIT_NAME.matcher(listing);
        while (m.find()) {
            limits.put(m.group(1), UNREADABLE);
        }
        m = LIMIT.matcher(listing);
        while (m.find()) {
            long rate = Long.parseLong(m.group(2)) * unit(m.group(3));
            long burst = m.group(4) == null ? 0 : Long.parseLong(m.group(4)) * unit(m.group(5));
            limits.put(m.group(1), "rate over " + rate + " bytes/second" + (burst > 0 ? " burst " + burst + " bytes" : ""));
        }
        return new EmergencyHelperRules.Current(true, req, ret, limits);
    }

    /** nft prints byte rates in units of 1024 when they divide evenly. */
    private static long unit(String u) {
        return switch (u) {
            case "kbytes" -> 1024L;
            case "mbytes" -> 1024L * 1024;
            default -> 1L;
        };
    }

    /** Reads {@code nft list counters table inet coopwan_help}, one record per requester. */
    static List<EmergencyCounters> parseCounters(String listing) {
        Map<String, long[]> byName = new TreeMap<>();
        Matcher m = COUNTER.matcher(listing);
        while (m.find()) {
            long[] v = byName.computeIfAbsent(m.group(2), k -> new long[5]);
            long packets = Long.parseLong(m.group(3));
            long bytes = Long.parseLong(m.group(4));
            switch (m.group(1)) {
                case "carried" -> {
                    v[0] = bytes;
                    v[1] = packets;
                }
                case "over" -> {
                    v[2] = bytes;
                    v[3] = packets;
                }
                default -> v[4] = packets;
            }
        }
        List<EmergencyCounters> out = new ArrayList<>();
        byName.forEach((name, v) -> out.add(new EmergencyCounters(name, v[0], v[1], v[2], v[3], v[4])));
        return out;
    }

    /** The packet count of a single {@code nft list counter ...}. */
    static long packets(String listing) {
        Matcher m = Pattern.compile("packets ([0-9]+)").matcher(listing);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }
}
