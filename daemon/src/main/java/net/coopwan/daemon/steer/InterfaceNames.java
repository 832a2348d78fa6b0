package net.coopwan.daemon.steer;

import java.util.regex.Pattern;

/**
 * Which interface names this package accepts. Stricter than Linux (which allows nearly any byte
 * but '/', ':' and whitespace): letters, digits, '_', '.', '-', at most 15 characters (IFNAMSIZ
 * less the NUL), not starting with '-' or '.'. That covers every name OpenWrt and our tunnels use
 * ({@code eth0.2}, {@code wan_6}, {@code pppoe-wan}, {@code cw-b0}) and keeps out everything that
 * could break out of an nftables string (quotes, braces, semicolons, newlines) or be read by
 * {@code ip} as an option (a leading '-').
 */
public final class InterfaceNames {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,14}");

    private InterfaceNames() {
    }

    /** Returns {@code name} if acceptable, else throws with the reason. */
    public static String require(String name) {
        if (name == null) {
            throw new IllegalArgumentException("interface name is null");
        }
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("bad interface name " + Ipv4Cidr.quoted(name)
                    + ": want 1..15 of [A-Za-z0-9_.-], not starting with '-' or '.'");
        }
        return name;
    }
}
