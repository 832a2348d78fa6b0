package net.coopwan.snmp.mib;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

import net.coopwan.config.CoopwanConfig;
import net.coopwan.config.Uplink;
import net.coopwan.daemon.api.BondRequest;
import net.coopwan.daemon.api.BondStatus;
import net.coopwan.daemon.api.BondUpdate;
import net.coopwan.daemon.api.ControlApi;
import net.coopwan.daemon.api.ControlException;
import net.coopwan.daemon.api.InterfaceCounters;
import net.coopwan.daemon.api.LinkMeasurement;
import net.coopwan.daemon.api.UplinkStatus;
import net.coopwan.daemon.bond.BondRules;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snmp4j.PDU;
import org.snmp4j.agent.DuplicateRegistrationException;
import org.snmp4j.agent.MOGroup;
import org.snmp4j.agent.MOServer;
import org.snmp4j.agent.mo.DefaultMOTable;
import org.snmp4j.agent.mo.DefaultMOTableRow;
import org.snmp4j.agent.MOAccess;
import org.snmp4j.agent.mo.MOAccessImpl;
import org.snmp4j.agent.mo.MOColumn;
import org.snmp4j.agent.mo.MOTableIndex;
import org.snmp4j.agent.mo.MOTableSubIndex;
import org.snmp4j.agent.request.Request;
import org.snmp4j.agent.request.SubRequest;
import org.snmp4j.smi.Counter64;
import org.snmp4j.smi.Gauge32;
import org.snmp4j.smi.Integer32;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.SMIConstants;
import org.snmp4j.smi.UnsignedInteger32;
import org.snmp4j.smi.Variable;
import org.snmp4j.smi.VariableBinding;

/**
 * COOPWAN-MIB's uplinkTable, bondNextIndex, bondTable and bondMemberTable.
 *
 * <p><b>Reads.</b> Rows come from {@link ControlApi#uplinks()} and {@link ControlApi#bonds()} (the
 * daemon's file is the truth: bonds made through REST or 'coopwan ctl' show up here too), plus the
 * rows that exist only in this agent: bond rows made with createAndWait that never became active,
 * and notInService member rows. One snapshot serves a walk (rebuilt at most every
 * {@value #SNAPSHOT_MILLIS} ms, and at once after a set). uplinkIndex and bondIndex are kept by
 * name in {@link IndexFile} so they survive restarts.
 *
 * <p><b>Writes.</b> Not SNMP4J's {@code DefaultMOMutableTableModel}/{@code RowStatus} machinery:
 * that keeps rows in the agent and applies each varbind separately in its commit, while here the
 * rows live in the daemon and a request must become a few {@link ControlApi} calls that succeed or
 * fail together. So both tables are {@link DefaultMOTable}s (reads, GETNEXT, VACM as usual) whose
 * set phases go to one per-request plan:
 * <ol>
 * <li>prepare: at the first varbind of a request the whole request is read and checked: syntax,
 *     index ranges (noCreation), read-only columns (notWritable), RowStatus transitions
 *     (wrongValue, inconsistentValue, inconsistentName), and the ControlApi's dry runs
 *     ({@link ControlApi#checkBondValues} per bondName and bondMtu varbind, {@link ControlApi#checkBond}
 *     for a bond's name when it is created or renamed, {@link ControlApi#checkBondUpdate},
 *     {@link ControlApi#checkBondMember}), which refuse what the real call would refuse now (name,
 *     MTU, name free of bonds, uplink devices, sections and kernel interfaces, uplink known,
 *     limits), so the usual errors come at prepare as RFC 3416 wants, with no rule written twice
 *     and none read from daemon internals. Each varbind gets its own error.</li>
 * <li>commit: at the first varbind the plan runs, in the order member removals, bond destroys,
 *     bond creates (with the members created in the same request, in one
 *     {@link ControlApi#createBond} call), updates, (de)activations, member additions. If a call
 *     is refused (a race with another front-end, two rows of one request naming one bond, or what
 *     only the change itself finds: the TUN refused, the file not writable), the calls already
 *     made are undone in reverse order and the varbind that caused the call gets the reason's error (below) instead of commitFailed, since
 *     nothing changed; if an undo fails too, undoFailed.</li>
 * <li>the agent-only state (pending rows, notInService member rows, index map) changes only after
 *     every call succeeded.</li>
 * </ol>
 * ControlException reasons map as the ControlApi says: INVALID_VALUE wrongValue, INCONSISTENT and
 * ALREADY_EXISTS inconsistentValue, NOT_FOUND inconsistentName (a row that vanished between
 * prepare and commit; destroying a row that is gone is not an error), RESOURCE_UNAVAILABLE
 * resourceUnavailable.
 */
public final class BondMib implements MOGroup {

    private static final Logger LOG = LoggerFactory.getLogger(BondMib.class);

    /** RFC 2579: a row not made active within 5 minutes of createAndWait may be deleted. */
    public static final Duration PENDING_TIMEOUT = Duration.ofMinutes(5);
    static final long SNAPSHOT_MILLIS = 500;

    // RowStatus values (RFC 2579)
    static final int ACTIVE = 1;
    static final int NOT_IN_SERVICE = 2;
    static final int NOT_READY = 3;
    static final int CREATE_AND_GO = 4;
    static final int CREATE_AND_WAIT = 5;
    static final int DESTROY = 6;

    /** bondMode enumeration, index = value (wrr(1), adaptive(2), activeBackup(3)), as UCI spells them. */
    static final String[] MODES = {null, "wrr", "adaptive", "active-backup"};
    static final int DEFAULT_MODE = 2;

    private final ControlApi api;
    private final IndexFile indexFile;
    private final Clock clock;
    private final Duration pendingTimeout;

    // ---- state, guarded by this ----
    private final Map<String, Integer> uplinkIndexes = new HashMap<>();
    private final Map<String, Integer> bondIndexes = new HashMap<>();
    /** createAndWait rows not yet active, by bondIndex. */
    private final TreeMap<Integer, Pending> pending = new TreeMap<>();
    /** notInService member rows of configured bonds: (bondIndex, uplinkIndex). */
    private final Set<List<Integer>> parked = new HashSet<>();
    private final Map<Request<?, ?, ?>, Plan> plans = new IdentityHashMap<>();
    private Snapshot snapshot = Snapshot.EMPTY;
    private long snapshotAt;
    private boolean dirty = true;

    private final LiveScalar<UnsignedInteger32> nextIndex;
    private final DefaultMOTable<DefaultMOTableRow, MOColumn<?>, SnapshotTableModel> uplinkTable;
    private final DefaultMOTable<DefaultMOTableRow, MOColumn<?>, SnapshotTableModel> bondTable;
    private final DefaultMOTable<DefaultMOTableRow, MOColumn<?>, SnapshotTableModel> memberTable;

    /** A createAndWait row: what was set so far and its member rows (uplinkIndex to active). */
    private static final class Pending {
        String name;
        Integer mode;
        Integer mtu;
        final Instant created;
        TreeMap<Integer, Boolean> members = new TreeMap<>();

        Pending(Instant created) {
            this.created = created;
        }

        Pending copy() {
            Pending p = new Pending(created);
            p.name = name;
            p.mode = mode;
            p.mtu = mtu;
            p.members = new TreeMap<>(members);
            return p;
        }
    }

    /** One consistent view: rows of the three tables and what the set logic needs. */
    private record Snapshot(SortedMap<OID, DefaultMOTableRow> uplinks, SortedMap<OID, DefaultMOTableRow> bonds,
                            SortedMap<OID, DefaultMOTableRow> members, int nextIndex,
                            Map<Integer, BondStatus> configured, Map<Integer, String> uplinkNames) {
        static final Snapshot EMPTY = new Snapshot(Collections.emptySortedMap(), Collections.emptySortedMap(),
                Collections.emptySortedMap(), 1, Map.of(), Map.of());
    }

    /**
     * @param stateDir       where {@code indexes.properties} is kept ({@code STATE/snmp}); null keeps
     *                       the indexes in memory only
     * @param pendingTimeout how long a createAndWait row may stay not active ({@link #PENDING_TIMEOUT})
     */
    public BondMib(ControlApi api, Path stateDir, Clock clock, Duration pendingTimeout) {
        this.api = api;
        this.indexFile = new IndexFile(stateDir);
        this.clock = clock;
        this.pendingTimeout = pendingTimeout;
        Map<String, Map<String, Integer>> stored = indexFile.read();
        uplinkIndexes.putAll(stored.get("uplink"));
        bondIndexes.putAll(stored.get("bond"));

        nextIndex = new LiveScalar<>(new OID(CoopwanMib.BOND_NEXT_INDEX).append(0),
                () -> new UnsignedInteger32(current().nextIndex()));
        uplinkTable = readOnlyTable(CoopwanMib.UPLINK_ENTRY, uplinkColumns(), 1, () -> current().uplinks());
        bondTable = new WritableTable(CoopwanMib.BOND_ENTRY, new MOColumn<?>[] {
                column(2, SMIConstants.SYNTAX_OCTET_STRING, MOAccessImpl.ACCESS_READ_CREATE),
                column(3, SMIConstants.SYNTAX_INTEGER, MOAccessImpl.ACCESS_READ_CREATE),
                column(4, SMIConstants.SYNTAX_INTEGER, MOAccessImpl.ACCESS_READ_CREATE),
                column(5, SMIConstants.SYNTAX_INTEGER, MOAccessImpl.ACCESS_READ_ONLY),
                column(6, SMIConstants.SYNTAX_INTEGER, MOAccessImpl.ACCESS_READ_CREATE)}, 1, () -> current().bonds());
        memberTable = new WritableTable(CoopwanMib.BOND_MEMBER_ENTRY, new MOColumn<?>[] {
                column(2, SMIConstants.SYNTAX_OCTET_STRING, MOAccessImpl.ACCESS_READ_ONLY),
                column(3, SMIConstants.SYNTAX_INTEGER, MOAccessImpl.ACCESS_READ_CREATE)}, 2,
                () -> current().members());
    }

    public BondMib(ControlApi api, Path stateDir) {
        this(api, stateDir, Clock.systemUTC(), PENDING_TIMEOUT);
    }

    @Override
    public void registerMOs(MOServer server, OctetString context) throws DuplicateRegistrationException {
        server.register(uplinkTable, context);
        server.register(nextIndex, context);
        server.register(bondTable, context);
        server.register(memberTable, context);
    }

    @Override
    public void unregisterMOs(MOServer server, OctetString context) {
        server.unregister(uplinkTable, context);
        server.unregister(nextIndex, context);
        server.unregister(bondTable, context);
        server.unregister(memberTable, context);
    }

    // =====================================================================
    // reads
    // =====================================================================

    static MOColumn<?> column(int id, int syntax, MOAccess access) {
        return new MOColumn<>(id, syntax, access);
    }

    private static MOColumn<?>[] uplinkColumns() {
        int[] syntax = {SMIConstants.SYNTAX_OCTET_STRING, SMIConstants.SYNTAX_OCTET_STRING, SMIConstants.SYNTAX_INTEGER,
                SMIConstants.SYNTAX_INTEGER, SMIConstants.SYNTAX_GAUGE32, SMIConstants.SYNTAX_GAUGE32,
                SMIConstants.SYNTAX_GAUGE32, SMIConstants.SYNTAX_GAUGE32, SMIConstants.SYNTAX_GAUGE32,
                SMIConstants.SYNTAX_GAUGE32, SMIConstants.SYNTAX_COUNTER64, SMIConstants.SYNTAX_COUNTER64,
                SMIConstants.SYNTAX_COUNTER64, SMIConstants.SYNTAX_COUNTER64};
        MOColumn<?>[] cols = new MOColumn<?>[syntax.length];
        for (int i = 0; i < cols.length; i++) {
            cols[i] = column(i + 2, syntax[i], MOAccessImpl.ACCESS_READ_ONLY);
        }
        return cols;
    }

    private static MOTableIndex index(int parts) {
        MOTableSubIndex[] sub = new MOTableSubIndex[parts];
        for (int i = 0; i < parts; i++) {
            sub[i] = new MOTableSubIndex(SMIConstants.SYNTAX_GAUGE32, 1, 1);
        }
        return new MOTableIndex(sub, false);
    }

    static DefaultMOTable<DefaultMOTableRow, MOColumn<?>, SnapshotTableModel> readOnlyTable(
            OID entry, MOColumn<?>[] cols, int indexParts,
            java.util.function.Supplier<SortedMap<OID, DefaultMOTableRow>> rows) {
        return readOnlyTable(entry, cols, index(indexParts), rows);
    }

    /** A read-only table over snapshot rows, with an index of any shape. */
    static DefaultMOTable<DefaultMOTableRow, MOColumn<?>, SnapshotTableModel> readOnlyTable(
            OID entry, MOColumn<?>[] cols, MOTableIndex index,
            java.util.function.Supplier<SortedMap<OID, DefaultMOTableRow>> rows) {
        DefaultMOTable<DefaultMOTableRow, MOColumn<?>, SnapshotTableModel> t =
                new DefaultMOTable<>(entry, index, cols, new SnapshotTableModel(cols.length, rows));
        t.setVolatile(true);
        return t;
    }

    /** The current snapshot, rebuilt when older than {@link #SNAPSHOT_MILLIS} or after a change. */
    synchronized Snapshot current() {
        long now = System.nanoTime();
        if (dirty || now - snapshotAt >= SNAPSHOT_MILLIS * 1_000_000L) {
            try {
                snapshot = build();
            } catch (RuntimeException e) {
                LOG.warn("SNMP: cannot read uplinks and bonds from the daemon, serving the previous values: {}",
                        e.toString());
            }
            snapshotAt = now;
            dirty = false;
        }
        return snapshot;
    }

    private Snapshot build() {
        List<UplinkStatus> uplinks = api.uplinks();
        List<BondStatus> bonds = api.bonds();
        CoopwanConfig config = api.config();
        boolean changed = false;

        // Uplinks: an index is never given to another name, so names are never dropped.
        for (UplinkStatus u : uplinks) {
            if (!uplinkIndexes.containsKey(u.name())) {
                uplinkIndexes.put(u.name(), lowestFree(new HashSet<>(uplinkIndexes.values())));
                changed = true;
            }
        }
        // Bonds: names no longer configured free their index; new ones (made elsewhere) get the lowest free.
        Set<String> names = new HashSet<>();
        bonds.forEach(b -> names.add(b.name()));
        changed |= bondIndexes.keySet().removeIf(n -> !names.contains(n));
        for (BondStatus b : bonds) {
            if (!bondIndexes.containsKey(b.name())) {
                bondIndexes.put(b.name(), lowestFree(usedBondIndexes()));
                changed = true;
            }
        }
        if (changed) {
            indexFile.write(uplinkIndexes, bondIndexes);
        }
        Instant now = clock.instant();
        pending.values().removeIf(p -> {
            boolean expired = !now.isBefore(p.created.plus(pendingTimeout));
            if (expired) {
                LOG.info("SNMP: bond row '{}' made with createAndWait was not made active within {}; discarded",
                        p.name == null ? "" : p.name, pendingTimeout);
            }
            return expired;
        });

        Map<String, Uplink> configuredUplinks = new HashMap<>();
        if (config != null) {
            config.uplinks().forEach(u -> configuredUplinks.put(u.name(), u));
        }
        TreeMap<OID, DefaultMOTableRow> uplinkRows = new TreeMap<>();
        Map<Integer, String> uplinkNames = new HashMap<>();
        Map<String, Integer> uplinkByName = new HashMap<>();
        for (UplinkStatus u : uplinks) {
            int i = uplinkIndexes.get(u.name());
            uplinkNames.put(i, u.name());
            uplinkByName.put(u.name(), i);
            OID index = new OID(new int[] {i});
            uplinkRows.put(index, new DefaultMOTableRow(index, uplinkValues(u, configuredUplinks.get(u.name()))));
        }

        TreeMap<OID, DefaultMOTableRow> bondRows = new TreeMap<>();
        TreeMap<OID, DefaultMOTableRow> memberRows = new TreeMap<>();
        Map<Integer, BondStatus> configured = new HashMap<>();
        for (BondStatus b : bonds) {
            int i = bondIndexes.get(b.name());
            configured.put(i, b);
            OID index = new OID(new int[] {i});
            bondRows.put(index, new DefaultMOTableRow(index, new Variable[] {text(b.name()), new Integer32(modeValue(b.mode())),
                    new Integer32(b.mtu()), new Integer32(b.ifIndex()),
                    new Integer32(b.state() == BondStatus.State.ACTIVE ? ACTIVE : NOT_IN_SERVICE)}));
            for (String m : b.members()) {
                Integer u = uplinkByName.get(m);
                if (u != null) {
                    memberRow(memberRows, i, u, m, ACTIVE);
                }
            }
        }
        parked.removeIf(k -> !configured.containsKey(k.get(0)));
        for (List<Integer> k : parked) {
            String m = uplinkNames.getOrDefault(k.get(1), nameOfUplink(k.get(1)));
            memberRow(memberRows, k.get(0), k.get(1), m, NOT_IN_SERVICE);
        }
        for (Map.Entry<Integer, Pending> e : pending.entrySet()) {
            Pending p = e.getValue();
            OID index = new OID(new int[] {e.getKey()});
            bondRows.put(index, new DefaultMOTableRow(index, new Variable[] {text(p.name == null ? "" : p.name),
                    new Integer32(p.mode == null ? DEFAULT_MODE : p.mode),
                    // Shown, not checked: bondMtu's DEFVAL is the daemon's default.
                    new Integer32(p.mtu == null ? BondRules.DEFAULT_MTU : p.mtu), new Integer32(0),
                    new Integer32(p.name == null ? NOT_READY : NOT_IN_SERVICE)}));
            p.members.forEach((u, active) -> memberRow(memberRows, e.getKey(), u,
                    uplinkNames.getOrDefault(u, nameOfUplink(u)), active ? ACTIVE : NOT_IN_SERVICE));
        }
        int next = lowestFree(usedBondIndexes());
        return new Snapshot(Collections.unmodifiableSortedMap(uplinkRows), Collections.unmodifiableSortedMap(bondRows),
                Collections.unmodifiableSortedMap(memberRows), next, configured, uplinkNames);
    }

    /**
     * The uplinkIndex of an uplink, as the uplinkTable shows it (notification varbinds use it). A
     * name not seen yet gets its index now, kept like any other.
     */
    public synchronized int uplinkIndex(String name) {
        Integer i = uplinkIndexes.get(name);
        if (i == null) {
            i = lowestFree(new HashSet<>(uplinkIndexes.values()));
            uplinkIndexes.put(name, i);
            indexFile.write(uplinkIndexes, bondIndexes);
            dirty = true;
        }
        return i;
    }

    private String nameOfUplink(int index) {
        return uplinkIndexes.entrySet().stream().filter(e -> e.getValue() == index).map(Map.Entry::getKey)
                .findFirst().orElse("");
    }

    private static void memberRow(Map<OID, DefaultMOTableRow> rows, int bond, int uplink, String name, int status) {
        OID index = new OID(new int[] {bond, uplink});
        rows.put(index, new DefaultMOTableRow(index, new Variable[] {text(name), new Integer32(status)}));
    }

    private Set<Integer> usedBondIndexes() {
        Set<Integer> used = new HashSet<>(bondIndexes.values());
        used.addAll(pending.keySet());
        return used;
    }

    /** The lowest of 1..65535 not in USED; 0 when all are. */
    static int lowestFree(Set<Integer> used) {
        for (int i = 1; i <= 65535; i++) {
            if (!used.contains(i)) {
                return i;
            }
        }
        return 0;
    }

    /**
     * uplinkRateDown/Up are the configured rates (the MIB: "the measured estimate where the data
     * plane has one, else the configured"). uplinkRtt, uplinkJitter, uplinkLoss and uplinkWeight
     * come from the bond data path that uses the uplink, 0 ("no measurement") when none does;
     * the weight in hundredths (100 = 1). Counters are the kernel's.
     */
    private static Variable[] uplinkValues(UplinkStatus u, Uplink configured) {
        InterfaceCounters c = u.kernel() == null || u.kernel().counters() == null ? InterfaceCounters.ZERO
                : u.kernel().counters();
        LinkMeasurement t = u.tunnel();
        int state = switch (u.state()) {
            case UP -> 1;
            case DOWN -> 2;
            case MISSING -> 3;
            case DISABLED -> 4;
        };
        return new Variable[] {
                text(u.name()), text(u.device()), new Integer32(u.kernel() == null ? 0 : u.kernel().index()),
                new Integer32(state),
                gauge(configured == null ? 0 : configured.downKbps()), gauge(configured == null ? 0 : configured.upKbps()),
                gauge(t == null ? 0 : t.rttMicros()), gauge(t == null ? 0 : t.jitterMicros()),
                gauge(t == null ? 0 : Math.round(t.lossPercent() * 100)),
                gauge(t == null ? 0 : Math.min(65535, Math.round(t.weight() * 100))),
                new Counter64(c.rxBytes()), new Counter64(c.txBytes()), new Counter64(c.rxPackets()),
                new Counter64(c.txPackets())};
    }

    private static Gauge32 gauge(long v) {
        return new Gauge32(Math.max(0, Math.min(v, 0xFFFFFFFFL)));
    }

    static int modeValue(String uci) {
        for (int i = 1; i < MODES.length; i++) {
            if (MODES[i].equals(uci)) {
                return i;
            }
        }
        return DEFAULT_MODE;
    }

    static OctetString text(String s) {
        return new OctetString(s.getBytes(StandardCharsets.UTF_8));
    }

    // =====================================================================
    // writes
    // =====================================================================

    /** bondTable and bondMemberTable: reads as usual, set phases to the request's {@link Plan}. */
    private final class WritableTable extends DefaultMOTable<DefaultMOTableRow, MOColumn<?>, SnapshotTableModel> {

        WritableTable(OID entry, MOColumn<?>[] cols, int indexParts,
                      java.util.function.Supplier<SortedMap<OID, DefaultMOTableRow>> rows) {
            super(entry, index(indexParts), cols, new SnapshotTableModel(cols.length, rows));
            setVolatile(true);
        }

        @Override
        public void prepare(SubRequest<?> request) {
            prepareSet(request);
        }

        @Override
        public void commit(SubRequest<?> request) {
            commitSet(request);
        }

        @Override
        public void undo(SubRequest<?> request) {
            undoSet(request);
        }

        @Override
        public void cleanup(SubRequest<?> request) {
            cleanupSet(request);
        }
    }

    /** One ControlApi call of a plan, the varbind it is for, and how to take it back. */
    private record Step(int owner, String what, Runnable action, Runnable undo) {
    }

    /** What one SET request does, worked out at its first prepare. */
    private static final class Plan {
        final Map<Integer, SubRequest<?>> subs = new HashMap<>();
        final Map<Integer, Integer> errors = new HashMap<>();
        final List<Step> memberRemovals = new ArrayList<>();
        final List<Step> destroys = new ArrayList<>();
        final List<Step> creates = new ArrayList<>();
        final List<Step> updates = new ArrayList<>();
        final List<Step> activations = new ArrayList<>();
        final List<Step> memberAdds = new ArrayList<>();
        final List<Runnable> memory = new ArrayList<>();
        final List<Step> done = new ArrayList<>();
        boolean executed;
        boolean succeeded;
        boolean compensated;

        void error(int vb, int status) {
            errors.putIfAbsent(vb, status);
        }

        List<Step> steps() {
            List<Step> all = new ArrayList<>();
            all.addAll(memberRemovals);
            all.addAll(destroys);
            all.addAll(creates);
            all.addAll(updates);
            all.addAll(activations);
            all.addAll(memberAdds);
            return all;
        }
    }

    /** The varbinds of one bond row in a request (vb = position of the varbind, -1 when absent). */
    private static final class BondSet {
        Integer status;
        int statusVb = -1;
        String name;
        int nameVb = -1;
        Integer mode;
        int modeVb = -1;
        Integer mtu;
        int mtuVb = -1;
        final List<Integer> vbs = new ArrayList<>();

        int anyVb() {
            return statusVb >= 0 ? statusVb : vbs.get(0);
        }

        boolean creates() {
            return status != null && (status == CREATE_AND_GO || status == CREATE_AND_WAIT);
        }
    }

    private record MemberSet(int bond, int uplink, int status, int vb) {
    }

    synchronized void prepareSet(SubRequest<?> sreq) {
        Plan plan = plans.get(sreq.getRequest());
        if (plan == null) {
            plan = plan(sreq.getRequest());
            plans.put(sreq.getRequest(), plan);
        }
        Integer error = plan.errors.get(sreq.getIndex());
        if (error != null) {
            sreq.getStatus().setErrorStatus(error);
        } else {
            sreq.completed();
        }
    }

    synchronized void commitSet(SubRequest<?> sreq) {
        Plan plan = plans.get(sreq.getRequest());
        if (plan != null && !plan.executed) {
            plan.executed = true;
            execute(plan);
        }
        if (plan == null || plan.succeeded) {
            sreq.completed();
        }
    }

    synchronized void undoSet(SubRequest<?> sreq) {
        Plan plan = plans.get(sreq.getRequest());
        if (plan != null && plan.executed && !plan.compensated && !plan.done.isEmpty()) {
            // Another object of the request failed its commit after ours succeeded.
            int failures = compensate(plan);
            if (failures > 0) {
                sreq.getStatus().setErrorStatus(PDU.undoFailed);
                return;
            }
        }
        sreq.completed();
    }

    synchronized void cleanupSet(SubRequest<?> sreq) {
        plans.remove(sreq.getRequest());
        sreq.completed();
    }

    private void execute(Plan plan) {
        for (Step s : plan.steps()) {
            try {
                s.action().run();
                plan.done.add(s);
            } catch (RuntimeException e) {
                int status = e instanceof ControlException ce ? snmpError(ce) : PDU.commitFailed;
                LOG.info("SNMP set refused at commit ({}): {}; undoing {} earlier change(s)", s.what(),
                        e.getMessage(), plan.done.size());
                if (!(e instanceof ControlException)) {
                    LOG.warn("SNMP: unexpected failure of {}", s.what(), e);
                }
                if (compensate(plan) > 0) {
                    status = PDU.undoFailed;
                }
                SubRequest<?> owner = plan.subs.get(s.owner());
                (owner == null ? plan.subs.values().iterator().next() : owner).getStatus().setErrorStatus(status);
                dirty = true;
                return;
            }
        }
        plan.memory.forEach(Runnable::run);
        plan.succeeded = true;
        indexFile.write(uplinkIndexes, bondIndexes);
        dirty = true;
    }

    /** Undoes the plan's calls in reverse order; returns how many undos failed. */
    private int compensate(Plan plan) {
        plan.compensated = true;
        int failures = 0;
        for (int i = plan.done.size() - 1; i >= 0; i--) {
            Step s = plan.done.get(i);
            try {
                s.undo().run();
            } catch (RuntimeException e) {
                failures++;
                LOG.warn("SNMP: could not undo {}: {}", s.what(), e.getMessage());
            }
        }
        dirty = true;
        return failures;
    }

    /** The ControlApi's reasons as SNMP errors (see ControlException.Reason). */
    static int snmpError(ControlException e) {
        return switch (e.reason()) {
            case INVALID_VALUE -> PDU.wrongValue;
            case INCONSISTENT, ALREADY_EXISTS -> PDU.inconsistentValue;
            case NOT_FOUND -> PDU.inconsistentName;
            case RESOURCE_UNAVAILABLE -> PDU.resourceUnavailable;
        };
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Plan plan(Request<?, ?, ?> request) {
        dirty = true;
        Snapshot s = current();
        Plan plan = new Plan();
        Map<Integer, BondSet> bondSets = new TreeMap<>();
        List<MemberSet> memberSets = new ArrayList<>();

        for (Iterator it = request.iterator(); it.hasNext();) {
            SubRequest<?> sub = (SubRequest<?>) it.next();
            int vb = sub.getIndex();
            plan.subs.put(vb, sub);
            VariableBinding b = sub.getVariableBinding();
            OID oid = b.getOid();
            Variable v = b.getVariable();
            if (oid.startsWith(CoopwanMib.BOND_ENTRY) && oid.size() > CoopwanMib.BOND_ENTRY.size()) {
                int column = oid.get(CoopwanMib.BOND_ENTRY.size());
                long[] index = index(oid, CoopwanMib.BOND_ENTRY.size() + 1);
                if (column < 2 || column > 6 || index.length != 1) {
                    plan.error(vb, PDU.noCreation);
                    continue;
                }
                if (column == 5) {
                    plan.error(vb, PDU.notWritable);
                    continue;
                }
                if (index[0] < 1 || index[0] > 65535) {
                    plan.error(vb, PDU.noCreation);
                    continue;
                }
                BondSet set = bondSets.computeIfAbsent((int) index[0], k -> new BondSet());
                set.vbs.add(vb);
                if (column == 2) {
                    if (!(v instanceof OctetString os)) {
                        plan.error(vb, PDU.wrongType);
                        continue;
                    }
                    set.name = new String(os.getValue(), StandardCharsets.UTF_8);
                    set.nameVb = vb;
                    dryRun(plan, vb, () -> api.checkBondValues(new BondRequest(set.name, null, null, null)));
                } else {
                    if (!(v instanceof Integer32 iv)) {
                        plan.error(vb, PDU.wrongType);
                        continue;
                    }
                    int value = iv.getValue();
                    if (column == 3) {
                        if (value < 1 || value >= MODES.length) {
                            plan.error(vb, PDU.wrongValue); // no such enumeration label
                            continue;
                        }
                        set.mode = value;
                        set.modeVb = vb;
                    } else if (column == 4) {
                        set.mtu = value;
                        set.mtuVb = vb;
                        dryRun(plan, vb, () -> api.checkBondValues(new BondRequest(null, null, value, null)));
                    } else {
                        if (value < ACTIVE || value > DESTROY || value == NOT_READY) {
                            plan.error(vb, PDU.wrongValue);
                            continue;
                        }
                        set.status = value;
                        set.statusVb = vb;
                    }
                }
            } else if (oid.startsWith(CoopwanMib.BOND_MEMBER_ENTRY) && oid.size() > CoopwanMib.BOND_MEMBER_ENTRY.size()) {
                int column = oid.get(CoopwanMib.BOND_MEMBER_ENTRY.size());
                long[] index = index(oid, CoopwanMib.BOND_MEMBER_ENTRY.size() + 1);
                if (column < 2 || column > 3 || index.length != 2) {
                    plan.error(vb, PDU.noCreation);
                } else if (column == 2) {
                    plan.error(vb, PDU.notWritable);
                } else if (index[0] < 1 || index[0] > 65535 || index[1] < 1 || index[1] > 65535) {
                    plan.error(vb, PDU.noCreation);
                } else if (!(v instanceof Integer32 iv)) {
                    plan.error(vb, PDU.wrongType);
                } else if (iv.getValue() < ACTIVE || iv.getValue() > DESTROY || iv.getValue() == NOT_READY) {
                    plan.error(vb, PDU.wrongValue);
                } else {
                    memberSets.add(new MemberSet((int) index[0], (int) index[1], iv.getValue(), vb));
                }
            }
        }

        // Member rows of bonds that are pending or made in this request: worked on a copy.
        Map<Integer, Pending> work = new HashMap<>();
        bondSets.forEach((i, set) -> {
            if (set.creates() && !s.configured().containsKey(i) && !pending.containsKey(i)) {
                work.put(i, new Pending(clock.instant()));
            }
        });
        pending.forEach((i, p) -> work.putIfAbsent(i, p.copy()));

        for (MemberSet m : memberSets) {
            planMember(plan, s, m, bondSets.get(m.bond()), work);
        }
        bondSets.forEach((i, set) -> planBond(plan, s, i, set, work));
        return plan;
    }

    private void planMember(Plan plan, Snapshot s, MemberSet m, BondSet bondSet, Map<Integer, Pending> work) {
        String uplink = s.uplinkNames().get(m.uplink());
        BondStatus cfg = s.configured().get(m.bond());
        Pending w = work.get(m.bond());
        boolean bondDestroyed = bondSet != null && bondSet.status != null && bondSet.status == DESTROY;
        List<Integer> key = List.of(m.bond(), m.uplink());
        int state; // 0 none, ACTIVE, NOT_IN_SERVICE
        if (cfg != null) {
            state = uplink != null && cfg.members().contains(uplink) ? ACTIVE : parked.contains(key) ? NOT_IN_SERVICE : 0;
        } else if (w != null) {
            Boolean a = w.members.get(m.uplink());
            state = a == null ? 0 : a ? ACTIVE : NOT_IN_SERVICE;
        } else {
            state = 0;
        }
        switch (m.status()) {
            case DESTROY -> {
                if (bondDestroyed || state == 0) {
                    return; // gone with its bond, or never there: not an error
                }
                if (cfg != null && state == ACTIVE) {
                    plan.memberRemovals.add(removeMember(m.vb(), cfg.name(), uplink));
                } else if (cfg != null) {
                    plan.memory.add(() -> parked.remove(key));
                } else {
                    w.members.remove(m.uplink());
                    keepPending(plan, m.bond(), w);
                }
            }
            case CREATE_AND_GO, CREATE_AND_WAIT -> {
                if (state != 0 || uplink == null || (cfg == null && w == null) || bondDestroyed) {
                    plan.error(m.vb(), PDU.inconsistentValue);
                    return;
                }
                boolean go = m.status() == CREATE_AND_GO;
                if (cfg != null) {
                    if (go) {
                        if (dryRun(plan, m.vb(), () -> api.checkBondMember(cfg.name(), uplink))) {
                            plan.memberAdds.add(addMember(m.vb(), cfg.name(), uplink));
                        }
                    } else {
                        plan.memory.add(() -> parked.add(key));
                    }
                } else {
                    // The uplink is configured (uplink != null above); the rest is checked with the bond's create.
                    w.members.put(m.uplink(), go);
                    keepPending(plan, m.bond(), w);
                }
            }
            case ACTIVE -> {
                if (state == 0) {
                    plan.error(m.vb(), PDU.inconsistentValue);
                } else if (state == NOT_IN_SERVICE && cfg != null) {
                    if (uplink == null) {
                        plan.error(m.vb(), PDU.inconsistentValue);
                    } else if (dryRun(plan, m.vb(), () -> api.checkBondMember(cfg.name(), uplink))) {
                        plan.memberAdds.add(addMember(m.vb(), cfg.name(), uplink));
                        plan.memory.add(() -> parked.remove(key));
                    }
                } else if (state == NOT_IN_SERVICE) {
                    w.members.put(m.uplink(), true);
                    keepPending(plan, m.bond(), w);
                }
            }
            case NOT_IN_SERVICE -> {
                if (state == 0) {
                    plan.error(m.vb(), PDU.inconsistentValue);
                } else if (state == ACTIVE && cfg != null) {
                    plan.memberRemovals.add(removeMember(m.vb(), cfg.name(), uplink));
                    plan.memory.add(() -> parked.add(key));
                } else if (state == ACTIVE) {
                    w.members.put(m.uplink(), false);
                    keepPending(plan, m.bond(), w);
                }
            }
            default -> plan.error(m.vb(), PDU.wrongValue);
        }
    }

    private void planBond(Plan plan, Snapshot s, int index, BondSet set, Map<Integer, Pending> work) {
        BondStatus cfg = s.configured().get(index);
        Pending p = pending.get(index);
        Pending w = work.get(index);
        boolean exists = cfg != null || p != null;
        String mode = set.mode == null ? null : MODES[set.mode];

        if (set.status == null) {
            if (!exists) {
                set.vbs.forEach(vb -> plan.error(vb, PDU.inconsistentName));
                return;
            }
            if (cfg != null) {
                changeConfigured(plan, index, cfg, set, mode, s);
            } else {
                changePending(plan, s, index, set, w, false);
            }
            return;
        }
        switch (set.status) {
            case DESTROY -> {
                if (cfg != null) {
                    plan.destroys.add(new Step(set.statusVb, "destroy bond " + cfg.name(),
                            () -> destroyIfThere(cfg.name()),
                            () -> {
                                api.createBond(new BondRequest(cfg.name(), cfg.mode(), cfg.mtu(), cfg.members()));
                                if (cfg.state() != BondStatus.State.ACTIVE) {
                                    api.setBondActive(cfg.name(), false);
                                }
                            }));
                    plan.memory.add(() -> {
                        bondIndexes.remove(cfg.name());
                        parked.removeIf(k -> k.get(0) == index);
                    });
                } else if (p != null) {
                    plan.memory.add(() -> pending.remove(index));
                }
            }
            case CREATE_AND_GO -> {
                if (exists) {
                    plan.error(set.statusVb, PDU.inconsistentValue);
                } else if (set.name == null) {
                    plan.error(set.statusVb, PDU.inconsistentValue); // bondName has no default
                } else if (dryRun(plan, set.nameVb, () -> api.checkBond(new BondRequest(set.name, null, null, null)))) {
                    create(plan, s, index, set.statusVb, set.name, mode, set.mtu, w);
                }
            }
            case CREATE_AND_WAIT -> {
                if (exists) {
                    plan.error(set.statusVb, PDU.inconsistentValue);
                    return;
                }
                changePending(plan, s, index, set, w, true);
            }
            case ACTIVE -> {
                if (!exists) {
                    plan.error(set.statusVb, PDU.inconsistentValue);
                } else if (cfg != null) {
                    changeConfigured(plan, index, cfg, set, mode, s);
                    if (cfg.state() != BondStatus.State.ACTIVE) {
                        plan.activations.add(new Step(set.statusVb, "activate bond " + cfg.name(),
                                () -> api.setBondActive(cfg.name(), true), () -> api.setBondActive(cfg.name(), false)));
                    }
                } else {
                    String name = set.name != null ? set.name : p.name;
                    if (name == null) {
                        plan.error(set.statusVb, PDU.inconsistentValue); // notReady: bondName not set
                    } else if (dryRun(plan, set.nameVb >= 0 ? set.nameVb : set.statusVb,
                            () -> api.checkBond(new BondRequest(name, null, null, null)))) {
                        create(plan, s, index, set.statusVb, name, mode != null ? mode : p.mode == null ? null
                                : MODES[p.mode], set.mtu != null ? set.mtu : p.mtu, w);
                    }
                }
            }
            case NOT_IN_SERVICE -> {
                if (!exists) {
                    plan.error(set.statusVb, PDU.inconsistentValue);
                } else if (cfg != null) {
                    changeConfigured(plan, index, cfg, set, mode, s);
                    if (cfg.state() == BondStatus.State.ACTIVE) {
                        plan.activations.add(new Step(set.statusVb, "take bond " + cfg.name() + " out of service",
                                () -> api.setBondActive(cfg.name(), false), () -> api.setBondActive(cfg.name(), true)));
                    }
                } else if (set.name == null && p.name == null) {
                    plan.error(set.statusVb, PDU.inconsistentValue); // notReady cannot go notInService
                } else {
                    changePending(plan, s, index, set, w, false);
                }
            }
            default -> plan.error(set.statusVb, PDU.wrongValue);
        }
    }

    /** createBond with the member rows made active with it; notInService member rows stay in the agent. */
    private void create(Plan plan, Snapshot s, int index, int vb, String name, String mode, Integer mtu, Pending w) {
        List<String> members = new ArrayList<>();
        List<Integer> parkedAfter = new ArrayList<>();
        if (w != null) {
            w.members.forEach((u, active) -> {
                if (active) {
                    members.add(s.uplinkNames().getOrDefault(u, nameOfUplink(u)));
                } else {
                    parkedAfter.add(u);
                }
            });
        }
        if (!members.isEmpty()) {
            // The name was checked alone (its varbind gets that error); this adds the member rows (limits).
            if (!dryRun(plan, vb, () -> api.checkBond(new BondRequest(name, mode, mtu, members)))) {
                return;
            }
        }
        plan.creates.add(new Step(vb, "create bond " + name,
                () -> {
                    api.createBond(new BondRequest(name, mode, mtu, members));
                    bondIndexes.put(name, index);
                },
                () -> {
                    api.destroyBond(name);
                    bondIndexes.remove(name);
                }));
        plan.memory.add(() -> {
            pending.remove(index);
            bondIndexes.put(name, index);
            parkedAfter.forEach(u -> parked.add(List.of(index, u)));
        });
    }

    /**
     * Column sets on a configured bond: bondMode and bondMtu are one updateBond call; a new bondName
     * (only while the row is not active, as the MIB says) is destroyBond + createBond (the
     * interface is made) + setBondActive(false), the row keeping its index and members.
     */
    private void changeConfigured(Plan plan, int index, BondStatus cfg, BondSet set, String mode, Snapshot s) {
        String target = cfg.name();
        if (set.name != null && !set.name.equals(cfg.name())) {
            boolean activeAfter = set.status != null ? set.status == ACTIVE : cfg.state() == BondStatus.State.ACTIVE;
            if (activeAfter || cfg.state() == BondStatus.State.ACTIVE) {
                plan.error(set.nameVb, PDU.inconsistentValue); // set notInService first
                return;
            }
            String to = set.name;
            if (!dryRun(plan, set.nameVb, () -> api.checkBond(new BondRequest(to, null, null, null)))) {
                return;
            }
            plan.creates.add(new Step(set.nameVb, "rename bond " + cfg.name() + " to " + to,
                    () -> rename(index, cfg, cfg.name(), to), () -> rename(index, cfg, to, cfg.name())));
            target = to;
        }
        if (mode != null || set.mtu != null) {
            String name = target;
            int owner = set.mtuVb >= 0 ? set.mtuVb : set.modeVb;
            // Checked on the bond as it is now: a rename in the same request does not change the outcome.
            if (!dryRun(plan, owner, () -> api.checkBondUpdate(cfg.name(), new BondUpdate(mode, set.mtu)))) {
                return;
            }
            plan.updates.add(new Step(owner, "update bond " + name,
                    () -> api.updateBond(name, new BondUpdate(mode, set.mtu)),
                    () -> api.updateBond(name, new BondUpdate(cfg.mode(), cfg.mtu()))));
        }
    }

    /** A not-active bond under a new name: same mode, MTU and members, still not active. */
    private void rename(int index, BondStatus cfg, String from, String to) {
        api.destroyBond(from);
        try {
            api.createBond(new BondRequest(to, cfg.mode(), cfg.mtu(), cfg.members()));
        } catch (RuntimeException e) {
            try {
                api.createBond(new BondRequest(from, cfg.mode(), cfg.mtu(), cfg.members()));
                api.setBondActive(from, false);
            } catch (RuntimeException undo) {
                e.addSuppressed(undo);
            }
            throw e;
        }
        api.setBondActive(to, false);
        bondIndexes.remove(from);
        bondIndexes.put(to, index);
    }

    /** A createAndWait row, new (create) or existing: the values live in the agent until active. */
    private void changePending(Plan plan, Snapshot s, int index, BondSet set, Pending w, boolean create) {
        if (set.name != null && !dryRun(plan, set.nameVb, () -> api.checkBond(new BondRequest(set.name, null, null, null)))) {
            return;
        }
        if (set.name != null) {
            w.name = set.name;
        }
        if (set.mode != null) {
            w.mode = set.mode;
        }
        if (set.mtu != null) {
            w.mtu = set.mtu;
        }
        plan.memory.add(() -> pending.put(index, w));
    }

    /** A member change of an existing createAndWait row is kept when the request succeeds. */
    private void keepPending(Plan plan, int index, Pending w) {
        if (pending.containsKey(index)) {
            plan.memory.add(() -> pending.put(index, w));
        }
    }

    private Step addMember(int vb, String bond, String uplink) {
        return new Step(vb, "add member " + uplink + " to bond " + bond,
                () -> api.addBondMember(bond, uplink), () -> api.removeBondMember(bond, uplink));
    }

    private Step removeMember(int vb, String bond, String uplink) {
        return new Step(vb, "remove member " + uplink + " from bond " + bond,
                () -> api.removeBondMember(bond, uplink), () -> api.addBondMember(bond, uplink));
    }

    /** Destroying a row that is gone already is not an error (RFC 2579, and the MIB). */
    private void destroyIfThere(String name) {
        try {
            api.destroyBond(name);
        } catch (ControlException e) {
            if (e.reason() != ControlException.Reason.NOT_FOUND) {
                throw e;
            }
        }
    }

    /**
     * One of the ControlApi's dry runs (checkBond, checkBondValues, checkBondUpdate, checkBondMember):
     * a refusal becomes the varbind's error, as the real call's refusal would at commit. False if refused.
     */
    private static boolean dryRun(Plan plan, int vb, Runnable check) {
        try {
            check.run();
            return true;
        } catch (ControlException e) {
            plan.error(vb, snmpError(e));
            return false;
        }
    }

    private static long[] index(OID oid, int from) {
        long[] out = new long[Math.max(0, oid.size() - from)];
        for (int i = 0; i < out.length; i++) {
            out[i] = oid.getUnsigned(from + i);
        }
        return out;
    }

    /** For tests: the index file. */
    Path indexFile() {
        return indexFile.file();
    }

    /** Rows kept only in the agent, for tests and the log. */
    synchronized int pendingRows() {
        return pending.size();
    }
}
