package net.coopwan.snmp.mib;

import org.snmp4j.smi.OID;

/**
 * The OIDs of COOPWAN-MIB ({@code docs/COOPWAN-MIB.txt}), one constant per node of the module, named
 * after the MIB's descriptor in upper snake case ({@code bondRowStatus} is {@link #BOND_ROW_STATUS}).
 * Columns are the column OIDs without an instance (append the row's index), scalars are the object
 * OIDs without the {@code .0} instance. {@code CoopwanMibFileTest} checks with net-snmp's
 * snmptranslate that these constants and the MIB file name the same nodes with the same OIDs, so a
 * change to one without the other fails the build.
 *
 * <p>Everything lives under NET-SNMP's playpen {@code 1.3.6.1.4.1.8072.9999.9999} until coopwan has
 * a Private Enterprise Number: {@code .1} holds product OIDs ({@code .1.1} is the agent's
 * sysObjectID, {@link SystemGroup#SYS_OBJECT_ID}), {@code .2} is the module, with notifications at
 * {@code .2.0}, objects at {@code .2.1} and conformance at {@code .2.2}.
 *
 * <p>SNMP4J's {@link OID} is mutable ({@code append} changes it in place): never modify these
 * constants; derive new ones with {@code new OID(x).append(...)} or {@code x.successor()}.
 */
public final class CoopwanMib {

    private CoopwanMib() {
    }

    private static OID child(OID parent, int... sub) {
        OID oid = new OID(parent.getValue());
        for (int s : sub) {
            oid.append(s);
        }
        return oid;
    }

    /** NET-SNMP-MIB netSnmpPlaypen, NET-SNMP's arc for unregistered work: 1.3.6.1.4.1.8072.9999.9999. */
    public static final OID NET_SNMP_PLAYPEN = new OID("1.3.6.1.4.1.8072.9999.9999");

    // ---- products (outside the module identity) ----

    /** coopwanProducts: product OIDs. */
    public static final OID COOPWAN_PRODUCTS = child(NET_SNMP_PLAYPEN, 1);
    /** coopwanAgent: sysObjectID.0 of the coopwan agent; equals {@link SystemGroup#SYS_OBJECT_ID}. */
    public static final OID COOPWAN_AGENT = child(COOPWAN_PRODUCTS, 1);

    // ---- the module ----

    /** coopwanMIB, the MODULE-IDENTITY (a sysORTable entry would name it). */
    public static final OID COOPWAN_MIB = child(NET_SNMP_PLAYPEN, 2);
    /** coopwanNotifications: the NOTIFICATION-TYPEs, under .0 for SNMPv1 trap translation. */
    public static final OID COOPWAN_NOTIFICATIONS = child(COOPWAN_MIB, 0);
    /** coopwanObjects: all OBJECT-TYPEs. */
    public static final OID COOPWAN_OBJECTS = child(COOPWAN_MIB, 1);
    /** coopwanConformance: compliance statement and groups. */
    public static final OID COOPWAN_CONFORMANCE = child(COOPWAN_MIB, 2);

    /** coopwanUplinks: the uplink table's subtree. */
    public static final OID COOPWAN_UPLINKS = child(COOPWAN_OBJECTS, 1);
    /** coopwanPeers: the peer table's subtree. */
    public static final OID COOPWAN_PEERS = child(COOPWAN_OBJECTS, 2);
    /** coopwanBonds: bondNextIndex, the bond and bond member tables. */
    public static final OID COOPWAN_BONDS = child(COOPWAN_OBJECTS, 3);
    /** coopwanCooperation: the emergency and bandwidth-sharing scalars. */
    public static final OID COOPWAN_COOPERATION = child(COOPWAN_OBJECTS, 4);

    // ---- uplinkTable, INDEX { uplinkIndex }, read-only ----

    /** uplinkTable: one row per configured uplink. */
    public static final OID UPLINK_TABLE = child(COOPWAN_UPLINKS, 1);
    /** uplinkEntry: the table's entry; columns are {@code UPLINK_ENTRY.n}. */
    public static final OID UPLINK_ENTRY = child(UPLINK_TABLE, 1);
    /** uplinkIndex (not-accessible), Unsigned32 1..65535, stable per uplink name. */
    public static final OID UPLINK_INDEX = child(UPLINK_ENTRY, 1);
    /** uplinkName, DisplayString 1..32: the UCI section name. */
    public static final OID UPLINK_NAME = child(UPLINK_ENTRY, 2);
    /** uplinkDevice, DisplayString 1..15: the kernel interface name. */
    public static final OID UPLINK_DEVICE = child(UPLINK_ENTRY, 3);
    /** uplinkIfIndex, Integer32 0..2147483647: the device's ifIndex, 0 while missing. */
    public static final OID UPLINK_IF_INDEX = child(UPLINK_ENTRY, 4);
    /** uplinkState, INTEGER up(1) down(2) missing(3) disabled(4). */
    public static final OID UPLINK_STATE = child(UPLINK_ENTRY, 5);
    /** uplinkRateDown, Gauge32 kbit/s, 0 unknown. */
    public static final OID UPLINK_RATE_DOWN = child(UPLINK_ENTRY, 6);
    /** uplinkRateUp, Gauge32 kbit/s, 0 unknown. */
    public static final OID UPLINK_RATE_UP = child(UPLINK_ENTRY, 7);
    /** uplinkRtt, Gauge32 microseconds, 0 not measured. */
    public static final OID UPLINK_RTT = child(UPLINK_ENTRY, 8);
    /** uplinkJitter, Gauge32 microseconds, 0 not measured. */
    public static final OID UPLINK_JITTER = child(UPLINK_ENTRY, 9);
    /** uplinkLoss, Gauge32 0..10000 in 0.01 %. */
    public static final OID UPLINK_LOSS = child(UPLINK_ENTRY, 10);
    /** uplinkWeight, Gauge32 0..65535, the scheduler's relative weight. */
    public static final OID UPLINK_WEIGHT = child(UPLINK_ENTRY, 11);
    /** uplinkInOctets, Counter64 (kernel rx bytes of the device). */
    public static final OID UPLINK_IN_OCTETS = child(UPLINK_ENTRY, 12);
    /** uplinkOutOctets, Counter64 (kernel tx bytes of the device). */
    public static final OID UPLINK_OUT_OCTETS = child(UPLINK_ENTRY, 13);
    /** uplinkInPkts, Counter64 (kernel rx packets of the device). */
    public static final OID UPLINK_IN_PKTS = child(UPLINK_ENTRY, 14);
    /** uplinkOutPkts, Counter64 (kernel tx packets of the device). */
    public static final OID UPLINK_OUT_PKTS = child(UPLINK_ENTRY, 15);

    // ---- peerTable, INDEX { peerIndex }, read-only but for peerEmergencyHelp ----

    /** peerTable: one row per known neighbour. */
    public static final OID PEER_TABLE = child(COOPWAN_PEERS, 1);
    /** peerEntry: the table's entry. */
    public static final OID PEER_ENTRY = child(PEER_TABLE, 1);
    /** peerIndex (not-accessible), Unsigned32 1..65535, kept in the state database. */
    public static final OID PEER_INDEX = child(PEER_ENTRY, 1);
    /** peerId, DisplayString 1..64: the id the other front-ends use. */
    public static final OID PEER_ID = child(PEER_ENTRY, 2);
    /** peerName, DisplayString 0..64. */
    public static final OID PEER_NAME = child(PEER_ENTRY, 3);
    /** peerState, INTEGER discovered(1) pairing(2) up(3) down(4). */
    public static final OID PEER_STATE = child(PEER_ENTRY, 4);
    /**
     * peerCoopTypes, BITS emergency(0) bandwidthSharing(1) duplication(2) suppression(3); bit 0 is
     * the most significant bit of the first octet (0x80).
     */
    public static final OID PEER_COOP_TYPES = child(PEER_ENTRY, 5);
    /** peerQuotaUsed, CoopwanGauge64 (Counter64 on the wire) octets in the helper's last quota window. */
    public static final OID PEER_QUOTA_USED = child(PEER_ENTRY, 6);
    /** peerQuotaLimit, CoopwanGauge64 octets, 0 no quota. */
    public static final OID PEER_QUOTA_LIMIT = child(PEER_ENTRY, 7);
    /**
     * peerEmergencyHelp, read-write INTEGER none(1) preparing(2) helping(3) ending(4); writing
     * ending(4) ends the help (ControlApi.endEmergency).
     */
    public static final OID PEER_EMERGENCY_HELP = child(PEER_ENTRY, 8);

    // ---- agreementTable, INDEX { peerIndex, agreementRole, agreementCoopType }, read-only ----

    /** agreementTable: one row per peer, role and enabled cooperation type. */
    public static final OID AGREEMENT_TABLE = child(COOPWAN_PEERS, 2);
    /** agreementEntry: the table's entry. */
    public static final OID AGREEMENT_ENTRY = child(AGREEMENT_TABLE, 1);
    /** agreementRole (not-accessible), INTEGER requester(1) helper(2). */
    public static final OID AGREEMENT_ROLE = child(AGREEMENT_ENTRY, 1);
    /** agreementCoopType (not-accessible), INTEGER emergency(1) bandwidthSharing(2) duplication(3) suppression(4). */
    public static final OID AGREEMENT_COOP_TYPE = child(AGREEMENT_ENTRY, 2);
    /** agreementApprovedAt, DateAndTime (UTC). */
    public static final OID AGREEMENT_APPROVED_AT = child(AGREEMENT_ENTRY, 3);
    /** agreementApprovedBy, DisplayString 0..64. */
    public static final OID AGREEMENT_APPROVED_BY = child(AGREEMENT_ENTRY, 4);

    // ---- agreementParamTable, INDEX { peerIndex, agreementRole, agreementCoopType, IMPLIED agreementParamName } ----

    /** agreementParamTable: one row per agreed parameter. */
    public static final OID AGREEMENT_PARAM_TABLE = child(COOPWAN_PEERS, 3);
    /** agreementParamEntry: the table's entry. */
    public static final OID AGREEMENT_PARAM_ENTRY = child(AGREEMENT_PARAM_TABLE, 1);
    /** agreementParamName (not-accessible), DisplayString 1..32, IMPLIED in the index. */
    public static final OID AGREEMENT_PARAM_NAME = child(AGREEMENT_PARAM_ENTRY, 1);
    /** agreementParamValue, CoopwanGauge64 (Counter64 on the wire). */
    public static final OID AGREEMENT_PARAM_VALUE = child(AGREEMENT_PARAM_ENTRY, 2);

    // ---- bonds ----

    /** bondNextIndex, Unsigned32 0..65535 scalar: a free bondIndex, 0 if none. */
    public static final OID BOND_NEXT_INDEX = child(COOPWAN_BONDS, 1);
    /** bondTable, INDEX { bondIndex }, rows created and destroyed with bondRowStatus. */
    public static final OID BOND_TABLE = child(COOPWAN_BONDS, 2);
    /** bondEntry: the table's entry. */
    public static final OID BOND_ENTRY = child(BOND_TABLE, 1);
    /** bondIndex (not-accessible), Unsigned32 1..65535; 0 or larger gives noCreation. */
    public static final OID BOND_INDEX = child(BOND_ENTRY, 1);
    /** bondName, read-create DisplayString 1..15 of [A-Za-z0-9_], no default. */
    public static final OID BOND_NAME = child(BOND_ENTRY, 2);
    /** bondMode, read-create INTEGER wrr(1) adaptive(2) activeBackup(3), default adaptive. */
    public static final OID BOND_MODE = child(BOND_ENTRY, 3);
    /** bondMtu, read-create Integer32 576..9000, default 1400. */
    public static final OID BOND_MTU = child(BOND_ENTRY, 4);
    /** bondIfIndex, read-only Integer32 0..2147483647, 0 while not active. */
    public static final OID BOND_IF_INDEX = child(BOND_ENTRY, 5);
    /** bondRowStatus, RowStatus. */
    public static final OID BOND_ROW_STATUS = child(BOND_ENTRY, 6);

    /** bondMemberTable, INDEX { bondIndex, bondMemberUplinkIndex }. */
    public static final OID BOND_MEMBER_TABLE = child(COOPWAN_BONDS, 3);
    /** bondMemberEntry: the table's entry. */
    public static final OID BOND_MEMBER_ENTRY = child(BOND_MEMBER_TABLE, 1);
    /** bondMemberUplinkIndex (not-accessible), Unsigned32 1..65535, an uplinkIndex. */
    public static final OID BOND_MEMBER_UPLINK_INDEX = child(BOND_MEMBER_ENTRY, 1);
    /** bondMemberUplinkName, read-only DisplayString 1..32. */
    public static final OID BOND_MEMBER_UPLINK_NAME = child(BOND_MEMBER_ENTRY, 2);
    /** bondMemberRowStatus, RowStatus. */
    public static final OID BOND_MEMBER_ROW_STATUS = child(BOND_MEMBER_ENTRY, 3);

    // ---- cooperation scalars ----

    /** coopEmergenciesStarted, Counter32. */
    public static final OID COOP_EMERGENCIES_STARTED = child(COOPWAN_COOPERATION, 1);
    /** coopEmergenciesActive, Gauge32. */
    public static final OID COOP_EMERGENCIES_ACTIVE = child(COOPWAN_COOPERATION, 2);
    /** coopEmergencyBytesCarried, Counter64 octets. */
    public static final OID COOP_EMERGENCY_BYTES_CARRIED = child(COOPWAN_COOPERATION, 3);
    /** coopSharingSessions, Gauge32: connections moved or carried now, both roles. */
    public static final OID COOP_SHARING_SESSIONS = child(COOPWAN_COOPERATION, 4);
    /** coopSharingBytesLent, Counter64 octets. */
    public static final OID COOP_SHARING_BYTES_LENT = child(COOPWAN_COOPERATION, 5);
    /** coopSharingBytesBorrowed, Counter64 octets. */
    public static final OID COOP_SHARING_BYTES_BORROWED = child(COOPWAN_COOPERATION, 6);
    /**
     * coopEmergencyRole, accessible-for-notify INTEGER requester(1) helper(2); sent in
     * emergencyStarted/emergencyEnded with instance .0.
     */
    public static final OID COOP_EMERGENCY_ROLE = child(COOPWAN_COOPERATION, 7);

    /** coopLatencyLcSessions, Gauge32: LC sessions the daemon sees now. */
    public static final OID COOP_LATENCY_LC_SESSIONS = child(COOPWAN_COOPERATION, 8);
    /** coopLatencyLcPackets, Counter64: LC packets the kernel classified, summed by the agent over the table's resets. */
    public static final OID COOP_LATENCY_LC_PACKETS = child(COOPWAN_COOPERATION, 9);
    /** coopLatencyLcCurrent, TruthValue: an LC packet within D at the daemon's last reading. */
    public static final OID COOP_LATENCY_LC_CURRENT = child(COOPWAN_COOPERATION, 10);
    /** coopDuplicationOn, TruthValue. */
    public static final OID COOP_DUPLICATION_ON = child(COOPWAN_COOPERATION, 11);
    /** coopDuplicationCopiesSent, Counter64. */
    public static final OID COOP_DUPLICATION_COPIES_SENT = child(COOPWAN_COOPERATION, 12);
    /** coopDuplicationDelivered, Counter64. */
    public static final OID COOP_DUPLICATION_DELIVERED = child(COOPWAN_COOPERATION, 13);
    /** coopDuplicationDuplicatesDropped, Counter64. */
    public static final OID COOP_DUPLICATION_DUPLICATES_DROPPED = child(COOPWAN_COOPERATION, 14);
    /** coopSuppressionActive, TruthValue: suppression ENFORCING now. */
    public static final OID COOP_SUPPRESSION_ACTIVE = child(COOPWAN_COOPERATION, 15);
    /** coopSuppressionCeiling, Integer32 -1..100: the drop ceiling enforced now, -1 none. */
    public static final OID COOP_SUPPRESSION_CEILING = child(COOPWAN_COOPERATION, 16);
    /** coopCommonIspVerdict, INTEGER noNeighbour(1) unknown(2) same(3) different(4): the first neighbour's. */
    public static final OID COOP_COMMON_ISP_VERDICT = child(COOPWAN_COOPERATION, 17);
    /** coopSuppressionDrops, Counter64: other traffic's packets the kernel dropped, summed by the agent. */
    public static final OID COOP_SUPPRESSION_DROPS = child(COOPWAN_COOPERATION, 18);
    /** coopSuppressionEcnMarks, Counter64: other traffic's packets marked CE instead, summed by the agent. */
    public static final OID COOP_SUPPRESSION_ECN_MARKS = child(COOPWAN_COOPERATION, 19);

    // ---- notifications (snmpTrapOID values) ----

    /** uplinkDown: varbinds uplinkName.i, uplinkState.i (i = uplinkIndex). */
    public static final OID UPLINK_DOWN = child(COOPWAN_NOTIFICATIONS, 1);
    /** uplinkUp: varbinds uplinkName.i, uplinkState.i. */
    public static final OID UPLINK_UP = child(COOPWAN_NOTIFICATIONS, 2);
    /** emergencyStarted: varbinds peerName.p, coopEmergencyRole.0, coopEmergenciesActive.0. */
    public static final OID EMERGENCY_STARTED = child(COOPWAN_NOTIFICATIONS, 3);
    /** emergencyEnded: varbinds as emergencyStarted. */
    public static final OID EMERGENCY_ENDED = child(COOPWAN_NOTIFICATIONS, 4);
    /** peerUp: varbinds peerName.p, peerState.p (p = peerIndex). */
    public static final OID PEER_UP = child(COOPWAN_NOTIFICATIONS, 5);
    /** peerDown: varbinds peerName.p, peerState.p. */
    public static final OID PEER_DOWN = child(COOPWAN_NOTIFICATIONS, 6);

    // ---- conformance ----

    /** coopwanCompliances. */
    public static final OID COOPWAN_COMPLIANCES = child(COOPWAN_CONFORMANCE, 1);
    /** coopwanGroups. */
    public static final OID COOPWAN_GROUPS = child(COOPWAN_CONFORMANCE, 2);
    /** coopwanCompliance: the MODULE-COMPLIANCE, all five groups mandatory. */
    public static final OID COOPWAN_COMPLIANCE = child(COOPWAN_COMPLIANCES, 1);
    /** coopwanUplinkGroup. */
    public static final OID COOPWAN_UPLINK_GROUP = child(COOPWAN_GROUPS, 1);
    /** coopwanPeerGroup. */
    public static final OID COOPWAN_PEER_GROUP = child(COOPWAN_GROUPS, 2);
    /** coopwanBondGroup. */
    public static final OID COOPWAN_BOND_GROUP = child(COOPWAN_GROUPS, 3);
    /** coopwanCooperationGroup. */
    public static final OID COOPWAN_COOPERATION_GROUP = child(COOPWAN_GROUPS, 4);
    /** coopwanNotificationGroup. */
    public static final OID COOPWAN_NOTIFICATION_GROUP = child(COOPWAN_GROUPS, 5);
}
