package net.coopwan.webui.pages;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Numbers and times as a person reads them. */
final class Formats {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);
    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    private Formats() {
    }

    /** "3d 4h 5m 6s", leading zero units left out. */
    static String duration(long seconds) {
        long s = Math.max(0, seconds);
        long d = s / 86_400;
        long h = s / 3600 % 24;
        long m = s / 60 % 60;
        StringBuilder b = new StringBuilder();
        if (d > 0) {
            b.append(d).append("d ");
        }
        if (d > 0 || h > 0) {
            b.append(h).append("h ");
        }
        if (d > 0 || h > 0 || m > 0) {
            b.append(m).append("m ");
        }
        return b.append(s % 60).append('s').toString();
    }

    /** "1.5 MiB"; plain bytes below 1 KiB. */
    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        double v = n;
        int unit = 0;
        while (v >= 1024 && unit < UNITS.length - 1) {
            v /= 1024;
            unit++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s", v, UNITS[unit]);
    }

    static String time(Instant t) {
        return TIME.format(t);
    }
}
