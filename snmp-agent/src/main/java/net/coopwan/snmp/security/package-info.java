/**
 * SNMP security: the SNMPv3 USM user (authPriv only, protocols by configuration name), the VACM
 * groups and views and the optional read-only v2c community, and the engine ID and boots counter
 * that RFC 3414 requires to survive restarts (kept under {@code STATE_DIR/snmp/}).
 */
package net.coopwan.snmp.security;
