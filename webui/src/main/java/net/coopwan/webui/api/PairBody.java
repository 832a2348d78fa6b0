package net.coopwan.webui.api;

/**
 * The JSON of {@code POST /api/v1/pair/start} ({@code address}) and {@code POST
 * /api/v1/pair/enter} ({@code address}, {@code code}); every rule on the values is the daemon's.
 */
public record PairBody(String address, String code) {
}
