package net.coopwan.snmp.security;

import java.nio.charset.StandardCharsets;

import net.coopwan.snmp.mib.CoopwanMib;
import org.snmp4j.agent.mo.snmp.SnmpCommunityMIB;
import org.snmp4j.agent.mo.snmp.StorageType;
import org.snmp4j.agent.mo.snmp.VacmMIB;
import org.snmp4j.security.SecurityLevel;
import org.snmp4j.security.SecurityModel;
import org.snmp4j.security.USM;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;

/**
 * Who may read and write what: the USM user, the VACM groups and views and the optional v2c
 * community, all built from the configuration at start (rows are {@code readOnly} storage: the UCI
 * file is the only place security is configured, so it is never stored twice).
 *
 * <ul>
 * <li>The v3 user, authPriv only: read view all of 1.3.6.1; write view only COOPWAN-MIB's module
 *     subtree (1.3.6.1.4.1.8072.9999.9999.2, where bondTable and bondMemberTable are the only
 *     writable objects). Everything else, in particular the SNMP framework subtree 1.3.6.1.6.3 (USM,
 *     VACM, community, target tables), is outside it and a set gets noAccess, so no one can add
 *     users or views at run time that the configuration does not show. noAuthNoPriv and authNoPriv
 *     requests by that user match no VACM access entry and get authorizationError.</li>
 * <li>The v2c community (v1 too, same rights), only when configured: read view 1.3.6.1 minus the
 *     security configuration (USM 1.3.6.1.6.3.15, VACM .16, community table .18: a cleartext
 *     protocol should not reveal user names, views or the community table itself); no write view,
 *     so every set is refused by VACM. There is never a default "public".</li>
 * </ul>
 */
public final class AccessPolicy {

    static final OctetString V3_GROUP = new OctetString("coopwan-v3");
    static final OctetString V2C_GROUP = new OctetString("coopwan-v2c-ro");
    static final OctetString V2C_SECURITY_NAME = new OctetString("coopwan-v2c-ro");
    static final OctetString VIEW_ALL = new OctetString("coopwan-all");
    static final OctetString VIEW_WRITE = new OctetString("coopwan-write");
    static final OctetString VIEW_V2C = new OctetString("coopwan-v2c");
    static final OctetString NO_VIEW = new OctetString();

    static final OID INTERNET = new OID("1.3.6.1");
    static final OID USM_MIB = new OID("1.3.6.1.6.3.15");
    static final OID VACM_MIB = new OID("1.3.6.1.6.3.16");
    static final OID COMMUNITY_MIB = new OID("1.3.6.1.6.3.18");

    private static final int STORAGE = StorageType.readOnly;

    private AccessPolicy() {
    }

    /**
     * @param v2cCommunity empty for none; then the caller must also not accept v1/v2c messages at all
     */
    public static void apply(USM usm, VacmMIB vacm, SnmpCommunityMIB communities, OctetString engineId,
                             V3Credentials v3, String v2cCommunity) {
        usm.addUser(v3.toUsmUser(), engineId);
        vacm.addGroup(SecurityModel.SECURITY_MODEL_USM, new OctetString(v3.user()), V3_GROUP, STORAGE);
        vacm.addAccess(V3_GROUP, new OctetString(), SecurityModel.SECURITY_MODEL_USM, SecurityLevel.AUTH_PRIV,
                VacmMIB.vacmExactMatch, VIEW_ALL, VIEW_WRITE, NO_VIEW, STORAGE);
        include(vacm, VIEW_ALL, INTERNET);
        include(vacm, VIEW_WRITE, CoopwanMib.COOPWAN_MIB);

        if (v2cCommunity != null && !v2cCommunity.isEmpty()) {
            communities.addSnmpCommunityEntry(new OctetString("coopwan-ro"),
                    new OctetString(v2cCommunity.getBytes(StandardCharsets.UTF_8)), V2C_SECURITY_NAME,
                    engineId, new OctetString(), new OctetString(), STORAGE);
            for (int model : new int[] {SecurityModel.SECURITY_MODEL_SNMPv1, SecurityModel.SECURITY_MODEL_SNMPv2c}) {
                vacm.addGroup(model, V2C_SECURITY_NAME, V2C_GROUP, STORAGE);
                vacm.addAccess(V2C_GROUP, new OctetString(), model, SecurityLevel.NOAUTH_NOPRIV,
                        VacmMIB.vacmExactMatch, VIEW_V2C, NO_VIEW, NO_VIEW, STORAGE);
            }
            include(vacm, VIEW_V2C, INTERNET);
            exclude(vacm, VIEW_V2C, USM_MIB);
            exclude(vacm, VIEW_V2C, VACM_MIB);
            exclude(vacm, VIEW_V2C, COMMUNITY_MIB);
        }
    }

    private static void include(VacmMIB vacm, OctetString view, OID subtree) {
        vacm.addViewTreeFamily(view, subtree, new OctetString(), VacmMIB.vacmViewIncluded, STORAGE);
    }

    private static void exclude(VacmMIB vacm, OctetString view, OID subtree) {
        vacm.addViewTreeFamily(view, subtree, new OctetString(), VacmMIB.vacmViewExcluded, STORAGE);
    }
}
