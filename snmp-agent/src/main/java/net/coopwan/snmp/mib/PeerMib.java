package net.coopwan.snmp.mib;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

import net.coopwan.daemon.api.AgreementStatus;
import net.coopwan.daemon.api.ControlApi;
import net.coopwan.daemon.api.PeerChannelChanged;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snmp4j.agent.DuplicateRegistrationException;
import org.snmp4j.agent.MOGroup;
import org.snmp4j.agent.MOServer;
import org.snmp4j.agent.mo.DefaultMOTable;
import org.snmp4j.agent.mo.DefaultMOTableRow;
import org.snmp4j.agent.mo.MOAccessImpl;
import org.snmp4j.agent.mo.MOColumn;
import org.snmp4j.smi.Counter64;
import org.snmp4j.smi.Integer32;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.SMIConstants;
import org.snmp4j.smi.Variable;

/**
 * COOPWAN-MIB's peerTable (read-only) and what peerUp/peerDown say. Rows come from the ControlApi
 * only ({@code discovery()}, {@code peers()}, {@code agreements()}; see {@link PeerRows} for how),
 * read at most every {@value BondMib#SNAPSHOT_MILLIS} ms so a walk sees one snapshot.
 *
 * <p>peerIndex: a paired or agreed peer's index is kept by its router id in {@link IndexFile} (the
 * file uplinkIndex and bondIndex live in) and never given to another id, so it survives restarts. A
 * router only heard gets the lowest free index while it is heard, in memory only: its id
 * (address/nonce) changes whenever that router restarts, so keeping it would only fill the file.
 *
 * <p>peerQuotaUsed is 0: nothing is carried for a peer until emergency forwarding exists (issue 6),
 * and then it counts the octets carried against the quota.
 */
public final class PeerMib implements MOGroup {

    private static final Logger LOG = LoggerFactory.getLogger(PeerMib.class);

    private final ControlApi api;
    private final IndexFile indexFile;
    private final Cached<SortedMap<OID, DefaultMOTableRow>> rows;
    private final DefaultMOTable<DefaultMOTableRow, MOColumn<?>, SnapshotTableModel> table;

    // ---- guarded by this ----
    /** Paired or agreed peers: kept in the file. */
    private final Map<String, Integer> kept = new HashMap<>();
    /** Routers only heard: this run only, dropped when no longer heard. */
    private final Map<String, Integer> heard = new HashMap<>();

    /**
     * @param stateDir where {@code indexes.properties} is kept ({@code STATE/snmp}); null keeps the
     *                 indexes in memory only
     */
    public PeerMib(ControlApi api, Path stateDir) {
        this.api = api;
        this.indexFile = new IndexFile(stateDir);
        kept.putAll(indexFile.read().get("peer"));
        this.rows = new Cached<>(this::build, Duration.ofMillis(BondMib.SNAPSHOT_MILLIS), Collections.emptySortedMap());
        MOColumn<?>[] cols = {
                BondMib.column(2, SMIConstants.SYNTAX_OCTET_STRING, MOAccessImpl.ACCESS_READ_ONLY),
                BondMib.column(3, SMIConstants.SYNTAX_OCTET_STRING, MOAccessImpl.ACCESS_READ_ONLY),
                BondMib.column(4, SMIConstants.SYNTAX_INTEGER, MOAccessImpl.ACCESS_READ_ONLY),
                BondMib.column(5, SMIConstants.SYNTAX_OCTET_STRING, MOAccessImpl.ACCESS_READ_ONLY),
                BondMib.column(6, SMIConstants.SYNTAX_COUNTER64, MOAccessImpl.ACCESS_READ_ONLY),
                BondMib.column(7, SMIConstants.SYNTAX_COUNTER64, MOAccessImpl.ACCESS_READ_ONLY)};
        this.table = BondMib.readOnlyTable(CoopwanMib.PEER_ENTRY, cols, 1, rows::get);
    }

    @Override
    public void registerMOs(MOServer server, OctetString context) throws DuplicateRegistrationException {
        server.register(table, context);
    }

    @Override
    public void unregisterMOs(MOServer server, OctetString context) {
        server.unregister(table, context);
    }

    private SortedMap<OID, DefaultMOTableRow> build() {
        List<PeerRows.Row> now = PeerRows.of(api.discovery(), api.peers(), api.agreements());
        TreeMap<OID, DefaultMOTableRow> out = new TreeMap<>();
        synchronized (this) {
            Set<String> present = new HashSet<>();
            now.forEach(r -> present.add(r.peerId()));
            heard.keySet().removeIf(id -> !present.contains(id));
            for (PeerRows.Row r : now) {
                OID index = new OID(new int[] {index(r.peerId(), r.known())});
                out.put(index, new DefaultMOTableRow(index, values(r)));
            }
        }
        return Collections.unmodifiableSortedMap(out);
    }

    private static Variable[] values(PeerRows.Row r) {
        return new Variable[] {BondMib.text(PeerRows.clip(r.peerId())), BondMib.text(r.name()), new Integer32(r.state()),
                new OctetString(new byte[] {r.coopTypes()}),
                new Counter64(0), // peerQuotaUsed: no emergency forwarding yet (issue 6); see the class comment
                new Counter64(r.quotaLimit())};
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
     * What a channel change means for peerState (COOPWAN-MIB: a change to up(3) sends peerUp, a
     * change from up(3) peerDown): with an agreement ESTABLISHED is up(3) and CONNECTING down(4);
     * without one both are pairing(2) and nothing is sent. Asks the ControlApi for the agreements:
     * call it off the daemon's thread.
     */
    public Optional<Notice> noticeFor(PeerChannelChanged change) {
        List<AgreementStatus> with = api.agreements().stream().filter(a -> a.peerId().equals(change.peerId())).toList();
        String name = with.stream().map(AgreementStatus::peerName).filter(n -> !n.isEmpty()).findFirst().orElse("");
        return noticeFor(change, !with.isEmpty(), name)
                .map(n -> new Notice(n.notification(), peerIndex(change.peerId()), n.peerName(), n.peerState()));
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
