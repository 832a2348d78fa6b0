package net.coopwan.daemon.coop.agreement;

import java.util.List;
import java.util.Optional;

/**
 * The result of a rule that produces something when it passes: the value, or the rejections
 * (never both).
 */
public record Verdict<T>(Optional<T> value, List<Rejection> rejections) {

    public Verdict {
        rejections = List.copyOf(rejections);
        if (value.isPresent() == !rejections.isEmpty()) {
            throw new IllegalArgumentException("a verdict has a value or rejections, not both or neither");
        }
    }

    static <T> Verdict<T> accepted(T value) {
        return new Verdict<>(Optional.of(value), List.of());
    }

    static <T> Verdict<T> rejected(List<Rejection> rejections) {
        return new Verdict<>(Optional.empty(), rejections);
    }

    public boolean accepted() {
        return value.isPresent();
    }

    public T get() {
        return value.orElseThrow(() -> new IllegalStateException("rejected: " + rejections));
    }
}
