package net.coopwan.snmp.mib;

import java.util.function.Function;

import net.coopwan.daemon.api.NetInterface;
import org.snmp4j.smi.Variable;

/**
 * One IF-MIB column: its number in the entry, its SMI syntax and its value for an interface. Keeping
 * the three together means a column's definition and value can never drift apart by position.
 */
record IfColumn(String name, int id, int syntax, Function<NetInterface, Variable> value) {
}
