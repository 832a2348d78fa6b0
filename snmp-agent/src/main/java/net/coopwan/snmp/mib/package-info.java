/**
 * The MIB objects coopwan serves on top of SNMP4J's framework MIBs: the SNMPv2-MIB system group's
 * values (read-only, from the configuration) and IF-MIB ifNumber/ifTable/ifXTable built from
 * {@code ControlApi.interfaces()}. Everything here reads the daemon through suppliers on request and
 * holds no state of its own beyond a one-second cache.
 */
package net.coopwan.snmp.mib;
