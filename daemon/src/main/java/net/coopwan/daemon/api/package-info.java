/**
 * The one entry point for every front-end (web UI, SNMP agent, LuCI bridge, CLI): {@link
 * net.coopwan.daemon.api.ControlApi} and the immutable values it returns. Rules such as what a
 * valid request is live behind this interface, never in a front-end.
 */
package net.coopwan.daemon.api;
