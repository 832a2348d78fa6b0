package net.coopwan.daemon.api;

/**
 * Changes to a bond's settings; a null field stays as it is.
 *
 * @param mode {@code wrr}, {@code adaptive} or {@code active-backup}, or null
 * @param mtu  576-9000, or null
 */
public record BondUpdate(String mode, Integer mtu) {
}
