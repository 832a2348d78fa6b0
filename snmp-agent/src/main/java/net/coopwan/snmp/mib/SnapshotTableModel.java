package net.coopwan.snmp.mib;

import java.util.Iterator;
import java.util.SortedMap;
import java.util.function.Supplier;

import org.snmp4j.agent.mo.DefaultMOTableRow;
import org.snmp4j.agent.mo.MOTableModel;
import org.snmp4j.smi.OID;

/**
 * A read-only table model over rows that are rebuilt elsewhere (see {@link Cached}): every call reads
 * the current snapshot, so the table never needs to be told about new or vanished interfaces.
 * Not an {@code MOMutableTableModel}, so SNMP4J refuses row creation with noCreation.
 */
final class SnapshotTableModel implements MOTableModel<DefaultMOTableRow> {

    private final int columnCount;
    private final Supplier<SortedMap<OID, DefaultMOTableRow>> rows;

    SnapshotTableModel(int columnCount, Supplier<SortedMap<OID, DefaultMOTableRow>> rows) {
        this.columnCount = columnCount;
        this.rows = rows;
    }

    @Override
    public int getColumnCount() {
        return columnCount;
    }

    @Override
    public int getRowCount() {
        return rows.get().size();
    }

    @Override
    public boolean isEmpty() {
        return rows.get().isEmpty();
    }

    @Override
    public boolean containsRow(OID index) {
        return index != null && rows.get().containsKey(index);
    }

    @Override
    public DefaultMOTableRow getRow(OID index) {
        return index == null ? null : rows.get().get(index);
    }

    @Override
    public Iterator<DefaultMOTableRow> iterator() {
        return rows.get().values().iterator();
    }

    @Override
    public Iterator<DefaultMOTableRow> tailIterator(OID lowerBound) {
        SortedMap<OID, DefaultMOTableRow> r = rows.get();
        return (lowerBound == null ? r : r.tailMap(lowerBound)).values().iterator();
    }

    @Override
    public OID lastIndex() {
        SortedMap<OID, DefaultMOTableRow> r = rows.get();
        return r.isEmpty() ? null : r.lastKey();
    }

    @Override
    public OID firstIndex() {
        SortedMap<OID, DefaultMOTableRow> r = rows.get();
        return r.isEmpty() ? null : r.firstKey();
    }

    @Override
    public DefaultMOTableRow firstRow() {
        SortedMap<OID, DefaultMOTableRow> r = rows.get();
        return r.isEmpty() ? null : r.get(r.firstKey());
    }

    @Override
    public DefaultMOTableRow lastRow() {
        SortedMap<OID, DefaultMOTableRow> r = rows.get();
        return r.isEmpty() ? null : r.get(r.lastKey());
    }
}
