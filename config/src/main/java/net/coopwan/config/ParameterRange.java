package net.coopwan.config;

/** An inclusive range [min, max] of a cooperation parameter, as offered to a neighbour. */
public record ParameterRange(long min, long max) {

    public ParameterRange {
        if (min > max) {
            throw new IllegalArgumentException("min " + min + " is greater than max " + max);
        }
    }

    public boolean contains(long value) {
        return value >= min && value <= max;
    }

    public boolean contains(ParameterRange other) {
        return other.min >= min && other.max <= max;
    }
}
