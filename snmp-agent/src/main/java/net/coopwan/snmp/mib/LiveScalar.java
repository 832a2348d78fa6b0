package net.coopwan.snmp.mib;

import java.util.function.Supplier;

import org.snmp4j.agent.mo.MOAccessImpl;
import org.snmp4j.agent.mo.MOScalar;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.Variable;

/**
 * A read-only scalar whose value is asked for on every request, so it follows the daemon (a
 * reloaded sysContact, the current interface count) without anyone pushing updates into the agent.
 */
public final class LiveScalar<V extends Variable> extends MOScalar<V> {

    private final Supplier<V> value;

    /**
     * @param instance the instance OID, ending in .0
     * @param value    called once per request; must be cheap and must not return null
     */
    public LiveScalar(OID instance, Supplier<V> value) {
        super(instance, MOAccessImpl.ACCESS_READ_ONLY, value.get());
        this.value = value;
        // Nothing to persist: the value always comes from the supplier.
        setVolatile(true);
    }

    @Override
    public V getValue() {
        return value.get();
    }
}
