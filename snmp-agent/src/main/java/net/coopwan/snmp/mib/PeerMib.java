package net.coopwan.snmp.mib;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.GregorianCalendar;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

import net.coopwan.daemon.api.AgreementChanged;
import net.coopwan.daemon.api.AgreementStatus;
import net.coopwan.daemon.api.ControlApi;
import net.coopwan.daemon.api.ControlException;
import net.coopwan.daemon.api.EmergencyStatus;
import net.coopwan.daemon.api.PairedPeer;
import net.coopwan.daemon.api.PeerChannelChanged;
import net.coopwan.daemon.api.PeersStatus;
import net.coopwan.daemon.api.StateChange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snmp4j.PDU;
import org.snmp4j.agent.DuplicateRegistrationException;
import org.snmp4j.agent.MOGroup;
import org.snmp4j.agent.MOServer;
import org.snmp4j.agent.mo.DefaultMOTable;
import org.snmp4j.agent.mo.DefaultMOTableRow;
import org.snmp4j.agent.mo.MOAccessImpl;
import org.snmp4j.agent.mo.MOColumn;
import org.snmp4j.agent.mo.MOTableIndex;
import org.snmp4j.agent.mo.MOTableSubIndex;
import org.snmp4j.agent.mo.snmp.DateAndTime;
import org.snmp4j.agent.request.Request;
import org.snmp4j.agent.request.SubRequest;
import org.snmp4j.smi.Counter64;
import org.snmp4j.smi.Integer32;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.SMIConstants;
import org.snmp4j.smi.Variable;
import org.snmp4j.smi.VariableBinding;

/**
 * COOPWAN-MIB's peerTable, agreementTable and agreementParamTable (read-only) and what
 * peerUp/peerDown say. Rows come from the ControlApi
 * only ({@code discovery()}, {@code peers()}, {@code agreements()}; see {@link PeerRows} for how),
 * read at most every {@value BondMib#SNAPSHOT_MILLIS} ms so a walk sees one snapshot.
 *
 * <p>peerIndex: a paired or agreed peer's index is kept by its router id in {@link IndexFile} (the
 * file uplinkIndex and bondIndex live in) and never given to another id, so it survives restarts. A
 * router only heard gets the lowest free index while it is heard, in memory only: its id
 * (address/nonce) changes whenever that router restarts, so keeping it would only fill the file.
 *
 * <p>peerQuotaUsed and peerEmergencyHelp come from {@link ControlApi#emergency()}: the helping
 * entry of the peer, if any. peerQuotaUsed is its quota times its {@code quotaUsedPercent} (the
 * daemon reports the last window's share in whole per cent), while it is HELPING; else 0.
 *
 * <p>peerEmergencyHelp is the table's only writable column: ending(4) on a row whose peer this
 * router helps (PREPARING or HELPING) calls {@link ControlApi#endEmergency} with via "snmp" at
 * commit. Prepare checks everything, reading the daemon's emergency state afresh, so the usual
 * refusals (another value: wrongValue; nothing to end: inconsistentValue; no such row:
 * noCreation; another column: notWritable) change nothing. The end cannot be undone: if another
 * varbind of the request fails at commit after it, its undo answers undoFailed. v2c and v3 below
 * authPriv never get here: the access policy (VACM) refuses them.
 */
public final class PeerMib implements MOGroup {

    /** agreementParamName: DisplayString (SIZE (1..32)). */
    static final int MAX_PARAM_NAME = 32;

    private static final Logger LOG = LoggerFactory.getLogger(PeerMib.class);

    private final ControlApi api;
    private final IndexFile indexFile;
    private final Cached<Snapshot> snapshot;
    private final DefaultMOTable<DefaultMOTableRow, MOColumn<?>, SnapshotTableModel> table;
    private final DefaultMOTable<DefaultMOTableRow, MOColumn<?>, SnapshotTableModel> agreementTable;
    private final DefaultMOTable<DefaultMOTableRow, MOColumn<?>, SnapshotTableModel> agreementParamTable;

    /** peerEmergencyHelp values. */
    static final int HELP_NONE = 1;
    static final int HELP_PREPARING = 2;
    static final int HELP_HELPING = 3;
    static final int HELP_ENDING = 4;

    /**
     * One read of the ControlApi: the rows of peerTable, agreementTable and agreementParamTable,
     * and each peerTable row's whole peerId (peerId shows at most 64 octets).
     */
    private record Snapshot(SortedMap<OID, DefaultMOTableRow> peers, SortedMap<OID, DefaultMOTableRow> agreements,
                            SortedMap<OID, DefaultMOTableRow> params, Map<OID, String> ids) {
        static final Snapshot EMPTY = new Snapshot(Collections.emptySortedMap(), Collections.emptySortedMap(),
                Collections.emptySortedMap(), Map.of());
    }

    /** The emergencies a SET being processed ended at commit: varbind position to peer id. */
    private static final class Ends {
        final Map<Integer, String> ended = new HashMap<>();
    }

    // ---- guarded by this ----
    /** Paired or agreed peers: kept in the file. */
    private final Map<String, Integer> kept = new HashMap<>();
    /** Routers only heard: this run only, dropped when no longer heard. */
    private final Map<String, Integer> heard = new HashMap<>();
    /** Peers whose peerState is up(3) as far as managers were told (or it was at start). */
    private final Set<String> up = new HashSet<>();
    /** SET requests that ended an emergency, until their cleanup. */
    private final Map<Request<?, ?, ?>, Ends> sets = new IdentityHashMap<>();

    /**
     * @param stateDir where {@code indexes.properties} is kept ({@code STATE/snmp}); null keeps the
     *                 indexes in memory only
     */
    public PeerMib(ControlApi api, Path stateDir) {
        this.api = api;
        this.indexFile = new IndexFile(stateDir);
        kept.putAll(indexFile.read().get("peer"));
        this.snapshot = new Cached<>(this::build, Duration.ofMillis(BondMib.SNAPSHOT_MILLIS), Snapshot.EMPTY);
        MOColumn<?>[] cols = {
                BondMib.column(2, SMIConstants.SYNTAX_OCTET_STRING, MOAccessImpl.ACCESS_READ_ONLY),
                BondMib.column(3, SMIConstants.SYNTAX_OCTET_STRING, MOAccessImpl.ACCESS_READ_ONLY),
                BondMib.column(4, SMIConstants.SYNTAX_INTEGER, MOAccessImpl.ACCESS_READ_ONLY),
                BondMib.column(5, SMIConstants.SYNTAX_OCTET_STRING, MOAccessImpl.ACCESS_READ_ONLY),
                BondMib.column(6, SMIConstants.SYNTAX_COUNTER64, MOAccessImpl.ACCESS_READ_ONLY),
                BondMib.column(7, SMIConstants.SYNTAX_COUNTER64, MOAccessImpl.ACCESS_READ_ONLY),
                BondMib.column(8, SMIConstants.SYNTAX_INTEGER, MOAccessImpl.ACCESS_READ_WRITE)};
        this.table = new PeerTable(cols);
        // agreementEntry: INDEX { peerIndex, agreementRole, agreementCoopType }; columns 1 and 2 are the index.
        this.agreementTable = BondMib.readOnlyTable(CoopwanMib.AGREEMENT_ENTRY, new MOColumn<?>[] {
                BondMib.column(3, SMIConstants.SYNTAX_OCTET_STRING, MOAccessImpl.ACCESS_READ_ONLY),
                BondMib.column(4, SMIConstants.SYNTAX_OCTET_STRING, MOAccessImpl.ACCESS_READ_ONLY)},
                3, () -> snapshot.get().agreements());
        // agreementParamEntry: the same three and IMPLIED agreementParamName (one sub-identifier per octet).
        this.agreementParamTable = BondMib.readOnlyTable(CoopwanMib.AGREEMENT_PARAM_ENTRY,
                new MOColumn<?>[] {BondMib.column(2, SMIConstants.SYNTAX_COUNTER64, MOAccessImpl.ACCESS_READ_ONLY)},
                new MOTableIndex(new MOTableSubIndex[] {
                        new MOTableSubIndex(SMIConstants.SYNTAX_GAUGE32, 1, 1),
                        new MOTableSubIndex(SMIConstants.SYNTAX_INTEGER, 1, 1),
                        new MOTableSubIndex(SMIConstants.SYNTAX_INTEGER, 1, 1),
                        new MOTableSubIndex(SMIConstants.SYNTAX_OCTET_STRING, 1, MAX_PARAM_NAME)}, true),
                () -> snapshot.get().params());
        // A channel may come up while the daemon's front-ends are still starting (a handshake takes
        // tens of ms, this agent's start hundreds): that PeerChannelChanged came before we listened,
        // so a peer already up(3) is taken as told, and withdrawing its agreement still sends peerDown.
        try {
            PeerRows.of(api.discovery(), api.peers(), api.agreements()).stream()
                    .filter(r -> r.state() == PeerRows.UP).forEach(r -> up.add(r.peerId()));
        } catch (RuntimeException e) {
            LOG.warn("SNMP: cannot read the peers at start; peerDown may be missed for a peer up now: {}", e.toString());
        }
    }

    @Override
    public void registerMOs(MOServer server, OctetString context) throws DuplicateRegistrationException {
        server.register(table, context);
        server.register(agreementTable, context);
        server.register(agreementParamTable, context);
    }

    @Override
    public void unregisterMOs(MOServer server, OctetString context) {
        server.unregister(table, context);
        server.unregister(agreementTable, context);
        server.unregister(agreementParamTable, context);
    }

    private Snapshot build() {
        List<AgreementStatus> agreements = api.agreements();
        List<PeerRows.Row> now = PeerRows.of(api.discovery(), api.peers(), agreements);
        Map<String, EmergencyStatus.Helping> helping = helping();
        TreeMap<OID, DefaultMOTableRow> peers = new TreeMap<>();
        Map<OID, String> ids = new HashMap<>();
        TreeMap<OID, DefaultMOTableRow> agreed = new TreeMap<>();
        TreeMap<OID, DefaultMOTableRow> params = new TreeMap<>();
        synchronized (this) {
            Set<String> present = new HashSet<>();
            now.forEach(r -> present.add(r.peerId()));
            heard.keySet().removeIf(id -> !present.contains(id));
            for (PeerRows.Row r : now) {
                OID index = new OID(new int[] {index(r.peerId(), r.known())});
                peers.put(index, new DefaultMOTableRow(index, values(r, helping.get(r.peerId()))));
                ids.put(index, r.peerId());
            }
            for (AgreementStatus a : agreements) {
                addAgreement(a, index(a.peerId(), true), agreed, params);
            }
        }
        return new Snapshot(Collections.unmodifiableSortedMap(peers), Collections.unmodifiableSortedMap(agreed),
                Collections.unmodifiableSortedMap(params), Map.copyOf(ids));
    }

    /**
     * The daemon's helping entries by requester id; none when it cannot tell (the rest of the
     * table is still served).
     */
    private Map<String, EmergencyStatus.Helping> helping() {
        Map<String, EmergencyStatus.Helping> m = new HashMap<>();
        try {
            EmergencyStatus e = api.emergency();
            if (e != null) {
                e.helping().forEach(h -> m.put(h.peerId(), h));
            }
        } catch (RuntimeException e) {
            LOG.warn("SNMP: cannot read the emergency status; peerQuotaUsed and peerEmergencyHelp show none: {}",
                    e.toString());
        }
        return m;
    }

    /**
     * The agreementTable rows of one agreement (one per enabled type) and their agreementParamTable
     * rows. A role or type this agent does not know, or a parameter name too long to be an index,
     * gives no row (at debug level: it is checked again at every snapshot).
     */
    private static void addAgreement(AgreementStatus a, int peerIndex, SortedMap<OID, DefaultMOTableRow> agreed,
                                     SortedMap<OID, DefaultMOTableRow> params) {
        int role = PeerRows.role(a.role());
        if (role == 0) {
            LOG.debug("SNMP: agreement with {} has a role this agent does not know: {}", a.peerId(), a.role());
            return;
        }
        OctetString approvedAt = DateAndTime.makeDateAndTime(
                GregorianCalendar.from(a.approvedAt().atZone(ZoneOffset.UTC)));
        OctetString approvedBy = BondMib.text(PeerRows.clip(a.approvedBy()));
        for (Map.Entry<String, Map<String, Long>> type : a.enabled().entrySet()) {
            int coopType = PeerRows.coopType(type.getKey());
            if (coopType == 0) {
                LOG.debug("SNMP: agreement with {} has a type this agent does not know: {}", a.peerId(), type.getKey());
                continue;
            }
            OID row = new OID(new int[] {peerIndex, role, coopType});
            agreed.put(row, new DefaultMOTableRow(row, new Variable[] {approvedAt, approvedBy}));
            for (Map.Entry<String, Long> p : type.getValue().entrySet()) {
                byte[] name = p.getKey().getBytes(StandardCharsets.UTF_8);
                if (name.length == 0 || name.length > MAX_PARAM_NAME) {
                    LOG.debug("SNMP: agreement parameter name of {} cannot be an index: '{}'", a.peerId(), p.getKey());
                    continue;
                }
                OID index = new OID(row).append(new OctetString(name).toSubIndex(true));
                params.put(index, new DefaultMOTableRow(index, new Variable[] {new Counter64(Math.max(0, p.getValue()))}));
            }
        }
    }

    private static Variable[] values(PeerRows.Row r, EmergencyStatus.Helping h) {
        return new Variable[] {BondMib.text(PeerRows.clip(r.peerId())), BondMib.text(r.name()), new Integer32(r.state()),
                new OctetString(new byte[] {r.coopTypes()}), new Counter64(quotaUsed(h)),
                new Counter64(r.quotaLimit()), new Integer32(help(h))};
    }

    /** peerQuotaUsed: the enforced quota times the per cent used in the last window, while HELPING; else 0. */
    static long quotaUsed(EmergencyStatus.Helping h) {
        if (h == null || help(h) != HELP_HELPING) {
            return 0;
        }
        int percent = Math.max(0, Math.min(100, h.quotaUsedPercent()));
        long quota = Math.max(0, h.quotaBytes());
        // quota / 100 * percent + the remainder's share: no overflow for any quota
        return quota / 100 * percent + quota % 100 * percent / 100;
    }

    /** peerEmergencyHelp of a helping entry (PREPARING, HELPING, ENDING); none(1) without one. */
    static int help(EmergencyStatus.Helping h) {
        if (h == null) {
            return HELP_NONE;
        }
        return switch (h.state()) {
            case "PREPARING" -> HELP_PREPARING;
            case "HELPING" -> HELP_HELPING;
            case "ENDING" -> HELP_ENDING;
            default -> HELP_NONE;
        };
    }

    /**
     * The name a notification gives the peer: the first non-empty peerName of its agreements, ""
     * when none. Asks the daemon.
     */
    public String peerName(String peerId) {
        return nameOf(agreementsWith(peerId));
    }

    // ---- peerEmergencyHelp: the set phases ----

    /** peerTable: reads from the snapshot; a SET goes to {@link #prepareSet} and the others. */
    private final class PeerTable extends DefaultMOTable<DefaultMOTableRow, MOColumn<?>, SnapshotTableModel> {

        PeerTable(MOColumn<?>[] cols) {
            super(CoopwanMib.PEER_ENTRY, new MOTableIndex(new MOTableSubIndex[] {
                    new MOTableSubIndex(SMIConstants.SYNTAX_GAUGE32, 1, 1)}, false), cols,
                    new SnapshotTableModel(cols.length, () -> snapshot.get().peers()));
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

    /** Checks one varbind of a SET on the peerTable; the error it gets, or none. */
    void prepareSet(SubRequest<?> sreq) {
        int error = check(sreq);
        if (error != PDU.noError) {
            sreq.getStatus().setErrorStatus(error);
        } else {
            sreq.completed();
        }
    }

    private int check(SubRequest<?> sreq) {
        VariableBinding b = sreq.getVariableBinding();
        OID oid = b.getOid();
        int base = CoopwanMib.PEER_ENTRY.size();
        if (oid.size() != base + 2) {
            return PDU.noCreation;
        }
        int column = oid.get(base);
        if (column < 2 || column > 8) {
            return PDU.noCreation;
        }
        if (column != 8) {
            return PDU.notWritable;
        }
        OID index = new OID(new int[] {oid.get(base + 1)});
        String peerId = snapshot.get().ids().get(index);
        if (peerId == null) {
            return PDU.noCreation;
        }
        if (!(b.getVariable() instanceof Integer32 v) || b.getVariable().getSyntax() != SMIConstants.SYNTAX_INTEGER) {
            return PDU.wrongType;
        }
        if (v.getValue() != HELP_ENDING) {
            return PDU.wrongValue;
        }
        EmergencyStatus.Helping h;
        try {
            h = api.emergency().helping().stream().filter(x -> x.peerId().equals(peerId)).findFirst().orElse(null);
        } catch (RuntimeException e) {
            LOG.warn("SNMP: cannot read the emergency status to end {}'s: {}", peerId, e.toString());
            return PDU.resourceUnavailable;
        }
        int now = help(h);
        if (now != HELP_PREPARING && now != HELP_HELPING) {
            LOG.info("SNMP: peerEmergencyHelp.{} ending(4) refused: this router carries nothing for {} ({})",
                    index, peerId, now == HELP_ENDING ? "already ending" : "no emergency");
            return PDU.inconsistentValue;
        }
        return PDU.noError;
    }

    /**
     * Ends the peer's emergency (once per request and peer: a second varbind for the same peer
     * does nothing); a refusal is this varbind's error. The peer is the one of the row's index,
     * which prepare checked: a paired or agreed peer's index is never given to another.
     */
    void commitSet(SubRequest<?> sreq) {
        int base = CoopwanMib.PEER_ENTRY.size();
        OID oid = sreq.getVariableBinding().getOid();
        String peerId = snapshot.get().ids().get(new OID(new int[] {oid.get(base + 1)}));
        if (peerId == null) {
            sreq.getStatus().setErrorStatus(PDU.inconsistentName); // the row went since prepare
            return;
        }
        synchronized (this) {
            Ends ends = sets.get(sreq.getRequest());
            if (ends != null && ends.ended.containsValue(peerId)) {
                sreq.completed();
                return;
            }
        }
        try {
            api.endEmergency(peerId, "snmp");
            synchronized (this) {
                sets.computeIfAbsent(sreq.getRequest(), r -> new Ends()).ended.put(sreq.getIndex(), peerId);
            }
            LOG.info("SNMP: emergency help for {} ended by a SET of peerEmergencyHelp", peerId);
            sreq.completed();
        } catch (ControlException e) {
            // NOT_FOUND: it ended between prepare and commit; nothing changed here
            int status = e.reason() == ControlException.Reason.NOT_FOUND ? PDU.inconsistentValue : BondMib.snmpError(e);
            LOG.info("SNMP: ending the emergency help for {} refused at commit: {}", peerId, e.getMessage());
            sreq.getStatus().setErrorStatus(status);
        } catch (RuntimeException e) {
            LOG.warn("SNMP: ending the emergency help for {} failed", peerId, e);
            sreq.getStatus().setErrorStatus(PDU.commitFailed);
        } finally {
            snapshot.invalidate();
        }
    }

    /** An end that happened cannot be taken back. */
    synchronized void undoSet(SubRequest<?> sreq) {
        Ends ends = sets.get(sreq.getRequest());
        if (ends != null && ends.ended.containsKey(sreq.getIndex())) {
            LOG.warn("SNMP: the SET failed after the emergency help for {} was ended; an end cannot be undone",
                    ends.ended.get(sreq.getIndex()));
            sreq.getStatus().setErrorStatus(PDU.undoFailed);
            return;
        }
        sreq.completed();
    }

    synchronized void cleanupSet(SubRequest<?> sreq) {
        sets.remove(sreq.getRequest());
        sreq.completed();
    }

    /** The row's index, given now if it has none; a heard router that paired keeps none of its heard index (new id). */
    private synchronized int index(String peerId, boolean known) {
        Integer i = kept.get(peerId);
        if (i != null) {
            return i;
        }
        if (known) {
            heard.remove(peerId);
            i = lowestFree();
            kept.put(peerId, i);
            indexFile.write(Map.of("peer", kept));
            LOG.info("SNMP: peer {} is peerIndex {}", peerId, i);
            return i;
        }
        return heard.computeIfAbsent(peerId, id -> lowestFree());
    }

    private int lowestFree() {
        Set<Integer> used = new HashSet<>(kept.values());
        used.addAll(heard.values());
        return BondMib.lowestFree(used);
    }

    /**
     * The peerIndex of a paired or agreed peer, as the peerTable shows it (notification varbinds
     * use it); given now if it has none yet.
     */
    public synchronized int peerIndex(String peerId) {
        return index(peerId, true);
    }

    /** A peerUp or peerDown to send: the notification, the peer's index, name and new peerState. */
    public record Notice(OID notification, int peerIndex, String peerName, int peerState) {
    }

    /**
     * The peerUp or peerDown a daemon change means, if any: a channel change
     * ({@link PeerChannelChanged}) or an agreement made or withdrawn ({@link AgreementChanged}).
     * Asks the ControlApi for the agreements (and, for an agreement change, the channels): call it
     * off the daemon's thread.
     */
    public Optional<Notice> noticeFor(StateChange change) {
        if (change instanceof PeerChannelChanged c) {
            return noticeFor(c);
        }
        if (change instanceof AgreementChanged a) {
            return noticeFor(a);
        }
        return Optional.empty();
    }

    /**
     * What a channel change means for peerState (COOPWAN-MIB: a change to up(3) sends peerUp, a
     * change from up(3) peerDown): with an agreement ESTABLISHED is up(3) and CONNECTING down(4);
     * without one both are pairing(2) and nothing is sent.
     */
    Optional<Notice> noticeFor(PeerChannelChanged change) {
        List<AgreementStatus> with = agreementsWith(change.peerId());
        Optional<Notice> n = noticeFor(change, !with.isEmpty(), nameOf(with));
        n.ifPresent(notice -> told(change.peerId(), notice.peerState()));
        return n.map(notice -> new Notice(notice.notification(), peerIndex(change.peerId()), notice.peerName(),
                notice.peerState()));
    }

    /**
     * An agreement made while the channel is up takes peerState from pairing(2) to up(3): peerUp;
     * the last agreement withdrawn while it is up takes it back: peerDown. Judged by the state now
     * against what managers were last told, so an agreement replacing another, or one in the second
     * role, sends nothing.
     */
    Optional<Notice> noticeFor(AgreementChanged change) {
        if (change.what() != AgreementChanged.What.AGREED && change.what() != AgreementChanged.What.WITHDRAWN) {
            return Optional.empty(); // PENDING, REJECTED, REFUSED: no agreement came or went
        }
        List<AgreementStatus> with = agreementsWith(change.peerId());
        PeersStatus peers = api.peers();
        String channel = peers == null ? null : peers.peers().stream().filter(p -> p.peerId().equals(change.peerId()))
                .map(PairedPeer::state).findFirst().orElse(null);
        int now = PeerRows.state(channel, !with.isEmpty());
        boolean wasUp;
        synchronized (this) {
            wasUp = up.contains(change.peerId());
        }
        if ((now == PeerRows.UP) == wasUp) {
            return Optional.empty();
        }
        told(change.peerId(), now);
        OID notification = now == PeerRows.UP ? CoopwanMib.PEER_UP : CoopwanMib.PEER_DOWN;
        return Optional.of(new Notice(notification, peerIndex(change.peerId()), PeerRows.clip(nameOf(with)), now));
    }

    private List<AgreementStatus> agreementsWith(String peerId) {
        return api.agreements().stream().filter(a -> a.peerId().equals(peerId)).toList();
    }

    private static String nameOf(List<AgreementStatus> with) {
        return with.stream().map(AgreementStatus::peerName).filter(n -> !n.isEmpty()).findFirst().orElse("");
    }

    private synchronized void told(String peerId, int peerState) {
        if (peerState == PeerRows.UP) {
            up.add(peerId);
        } else {
            up.remove(peerId);
        }
    }

    /** The pure part of {@link #noticeFor(PeerChannelChanged)}; the index is left 0. */
    static Optional<Notice> noticeFor(PeerChannelChanged change, boolean agreed, String name) {
        int before = PeerRows.state(change.from(), agreed);
        int after = PeerRows.state(change.to(), agreed);
        if (after == PeerRows.UP && before != PeerRows.UP) {
            return Optional.of(new Notice(CoopwanMib.PEER_UP, 0, PeerRows.clip(name), after));
        }
        if (before == PeerRows.UP && after != PeerRows.UP) {
            return Optional.of(new Notice(CoopwanMib.PEER_DOWN, 0, PeerRows.clip(name), after));
        }
        return Optional.empty();
    }
}
