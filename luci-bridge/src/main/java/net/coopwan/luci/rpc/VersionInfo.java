package net.coopwan.luci.rpc;

/**
 * Result of the {@code version} method.
 *
 * @param version the daemon's coopwan version
 * @param api     version of this JSON-RPC method set; raised when a method changes incompatibly,
 *                so the LuCI plugin and scripts can tell what they talk to
 */
public record VersionInfo(String version, int api) {
}
