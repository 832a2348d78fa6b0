package net.coopwan.daemon.coop.agreement;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import net.coopwan.config.CooperationType;

/** Immutable, ordered copies of the nested maps the records carry (so equals and toString are stable). */
final class Maps {

    private Maps() {
    }

    static <V> Map<CooperationType, Map<String, V>> copy(Map<CooperationType, ? extends Map<String, ? extends V>> in, String what) {
        Objects.requireNonNull(in, what);
        EnumMap<CooperationType, Map<String, V>> out = new EnumMap<>(CooperationType.class);
        for (Map.Entry<CooperationType, ? extends Map<String, ? extends V>> e : in.entrySet()) {
            out.put(Objects.requireNonNull(e.getKey(), what + " type"), copyParams(e.getValue(), what));
        }
        return Collections.unmodifiableMap(out);
    }

    static <V> Map<String, V> copyParams(Map<String, ? extends V> in, String what) {
        Objects.requireNonNull(in, what + " parameters");
        TreeMap<String, V> out = new TreeMap<>();
        for (Map.Entry<String, ? extends V> e : in.entrySet()) {
            out.put(Objects.requireNonNull(e.getKey(), what + " parameter name"),
                    Objects.requireNonNull(e.getValue(), what + " value of " + e.getKey()));
        }
        return Collections.unmodifiableMap(out);
    }
}
