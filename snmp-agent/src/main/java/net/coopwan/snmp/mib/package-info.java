/**
 * The MIB objects coopwan serves on top of SNMP4J's framework MIBs: the SNMPv2-MIB system group's
 * values (read-only, from the configuration), IF-MIB ifNumber/ifTable/ifXTable built from
 * {@code ControlApi.interfaces()} (one-second cache), and COOPWAN-MIB's uplinkTable, bondNextIndex,
 * bondTable and bondMemberTable ({@link net.coopwan.snmp.mib.BondMib}) and peerTable
 * ({@link net.coopwan.snmp.mib.PeerMib}, rows from the ControlApi's discovery, peers and agreements
 * by {@link net.coopwan.snmp.mib.PeerRows}), and the cooperation scalars of the emergency
 * ({@link net.coopwan.snmp.mib.EmergencyMib}), bandwidth sharing ({@link net.coopwan.snmp.mib.SharingMib})
 * and latency-critical traffic ({@link net.coopwan.snmp.mib.LatencyMib}, whose resetting daemon
 * figures {@link net.coopwan.snmp.mib.MonotonicSum} turns into Counter64s). The bond tables are the only writable objects; their
 * sets are checked with the ControlApi's dry runs and become {@code ControlApi} calls, and the only
 * state the agent keeps is what the MIB puts in the agent: createAndWait rows not yet active,
 * notInService member rows, and the name-to-index maps of uplinks, bonds and peers
 * ({@link net.coopwan.snmp.mib.IndexFile}).
 */
package net.coopwan.snmp.mib;
