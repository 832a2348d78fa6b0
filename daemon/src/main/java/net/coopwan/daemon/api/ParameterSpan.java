package net.coopwan.daemon.api;

/** An offered parameter's inclusive range, as front-ends show it. */
public record ParameterSpan(long min, long max) {
}
