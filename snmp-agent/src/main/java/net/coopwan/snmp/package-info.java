/**
 * The SNMP agent front-end: {@link net.coopwan.snmp.SnmpFrontEnd} (found by the daemon through
 * {@code ServiceLoader}) starts one {@link net.coopwan.snmp.SnmpAgent} on the UDP address of
 * {@code config snmp}. This package owns the agent's wiring and life cycle (socket, worker threads,
 * SNMP4J's {@code AgentConfigManager}) and the checked form of the configuration; what is served
 * lives in {@code mib}, who may see it in {@code security}.
 */
package net.coopwan.snmp;
