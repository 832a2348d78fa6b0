/**
 * A small blocking JSON-RPC client of the control socket ({@link net.coopwan.luci.client.ControlClient}),
 * used by {@code coopwan ctl}, by the socket front-end to see whether another daemon is alive, and by tests.
 */
package net.coopwan.luci.client;
