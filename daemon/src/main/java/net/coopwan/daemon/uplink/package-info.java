/** Watches the configured uplinks' kernel devices and records each state change as an event. */
package net.coopwan.daemon.uplink;
