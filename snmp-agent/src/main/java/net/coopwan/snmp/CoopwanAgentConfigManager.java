package net.coopwan.snmp;

import org.snmp4j.MessageDispatcher;
import org.snmp4j.agent.AgentConfigManager;
import org.snmp4j.agent.MOServer;
import org.snmp4j.cfg.EngineBootsProvider;
import org.snmp4j.mp.MPv1;
import org.snmp4j.mp.MPv2c;
import org.snmp4j.mp.MPv3;
import org.snmp4j.security.TSM;
import org.snmp4j.smi.Integer32;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.util.WorkerPool;

/**
 * SNMP4J's {@link AgentConfigManager} trimmed to what coopwan needs, for a fast start and a small
 * attack surface. It registers the standard framework MIBs (SNMPv2-MIB, SNMP-FRAMEWORK-MIB,
 * SNMP-MPD-MIB, SNMP-TARGET-MIB, SNMP-NOTIFICATION-MIB, SNMP-USER-BASED-SM-MIB, SNMP-VIEW-BASED-ACM-MIB,
 * SNMP-COMMUNITY-MIB, SNMP-TLS-TM-MIB) but:
 * <ul>
 * <li>no optional MIBs: SNMP4J's log/config/proxy MIBs would let a manager change log levels or
 *     persistence, the Diffie-Hellman USM MIB would let one rekey users, the notification log is
 *     useless without notifications;</li>
 * <li>no TLS security model (no TLS transport is offered);</li>
 * <li>v1 and v2c message processing only when a community is configured: otherwise such messages are
 *     dropped before any community lookup;</li>
 * <li>no coldStart notification at launch: SNMP-TARGET-MIB stays empty; COOPWAN-MIB notifications go
 *     to the UCI {@code list notify} targets through {@link NotificationSender}.</li>
 * </ul>
 * No configuration factory and no persistence provider: everything comes from the UCI file.
 */
final class CoopwanAgentConfigManager extends AgentConfigManager {

    private final boolean v1v2c;

    CoopwanAgentConfigManager(OctetString engineId, MessageDispatcher dispatcher, MOServer server,
                              WorkerPool workers, EngineBootsProvider boots, boolean v1v2c,
                              OctetString sysDescr, OID sysObjectId, int sysServices) {
        super(engineId, dispatcher, null, new MOServer[] {server}, workers, null, null, boots);
        this.v1v2c = v1v2c;
        this.sysDescr = sysDescr;
        this.sysOID = sysObjectId;
        this.sysServices = new Integer32(sysServices);
    }

    @Override
    protected void initOptionalMIBs() {
        // None, see the class comment.
    }

    @Override
    protected TSM createTSM() {
        return null;
    }

    @Override
    protected void initMessageDispatcherWithMPs(MessageDispatcher mp) {
        if (v1v2c) {
            mp.addMessageProcessingModel(new MPv1());
            mp.addMessageProcessingModel(new MPv2c());
        }
        mp.addMessageProcessingModel(new MPv3(engineID.getValue(), null, securityProtocols, securityModels,
                counterSupport));
    }

    @Override
    protected void fireLaunchNotifications() {
        // SNMP-TARGET-MIB is empty (targets are the UCI file's, served by NotificationSender): a
        // coldStart from here would go nowhere.
    }
}
