/**
 * Virtual bonded interfaces: {@link net.coopwan.daemon.bond.BondManager} owns their lifecycle
 * (TUN interface + {@code config bond} section) and is what the ControlApi, and through it SNMP,
 * REST, LuCI and {@code coopwan ctl bond}, call; {@link net.coopwan.daemon.bond.BondRules} is the
 * one place that says what a valid bond is. Spreading packets over the members is the data plane's
 * job (a later issue): today a bond is its interface, its mode, MTU and members.
 */
package net.coopwan.daemon.bond;
