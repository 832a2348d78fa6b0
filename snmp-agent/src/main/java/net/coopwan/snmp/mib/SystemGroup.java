package net.coopwan.snmp.mib;

import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

import org.snmp4j.agent.DefaultMOServer;
import org.snmp4j.agent.DuplicateRegistrationException;
import org.snmp4j.agent.ManagedObject;
import org.snmp4j.mp.SnmpConstants;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;

/**
 * The SNMPv2-MIB system group as coopwan presents it. SNMP4J's {@code SNMPv2MIB} (registered by
 * {@code AgentConfigManager}) serves sysUpTime, sysORTable and the snmp counters; here are the values
 * it is given and the replacement of its writable sysContact/sysName/sysLocation by read-only scalars
 * that read the configuration on each request: writes through SNMP are a later issue, and until then
 * the UCI file is the only source, so a reload shows up at once.
 */
public final class SystemGroup {

    private SystemGroup() {
    }

    /** coopwan agent, under NET-SNMP's playpen 1.3.6.1.4.1.8072.9999.9999 until a PEN is registered. */
    public static final OID SYS_OBJECT_ID = new OID("1.3.6.1.4.1.8072.9999.9999.1.1");

    /**
     * sysServices: internet (layer 3, 4: it routes IP) + end-to-end (layer 4, 8: it terminates the
     * bond tunnels) + applications (layer 7, 64).
     */
    public static final int SYS_SERVICES = 4 + 8 + 64;

    public static OctetString sysDescr(String version, String kernel) {
        return text("coopwan " + version + " on Linux " + kernel);
    }

    /**
     * Replaces SNMP4J's read-write sysContact, sysName and sysLocation (registered in the default
     * context) by read-only ones.
     */
    public static void registerReadOnlyScalars(DefaultMOServer server, Supplier<String> contact,
                                               Supplier<String> name, Supplier<String> location)
            throws DuplicateRegistrationException {
        replace(server, new OID(SnmpConstants.sysContact), contact);
        replace(server, new OID(SnmpConstants.sysName), name);
        replace(server, new OID(SnmpConstants.sysLocation), location);
    }

    private static void replace(DefaultMOServer server, OID instance, Supplier<String> value)
            throws DuplicateRegistrationException {
        ManagedObject<?> old = server.getManagedObject(instance, null, false);
        if (old == null) {
            throw new IllegalStateException("SNMPv2-MIB object " + instance + " is not registered; "
                    + "the snmp4j-agent version does not behave as expected");
        }
        server.unregister(old, null);
        server.register(new LiveScalar<>(instance, () -> text(value.get())), null);
    }

    static OctetString text(String s) {
        return new OctetString(s == null ? new byte[0] : s.getBytes(StandardCharsets.UTF_8));
    }
}
