package net.coopwan.daemon.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import net.coopwan.config.CooperationType;
import net.coopwan.config.ParameterRange;
import net.coopwan.daemon.coop.agreement.Agreement;
import net.coopwan.daemon.coop.agreement.ApprovalRequest;
import net.coopwan.daemon.coop.agreement.Approver;
import net.coopwan.daemon.coop.agreement.Offer;
import net.coopwan.daemon.coop.agreement.Peer;
import net.coopwan.daemon.coop.agreement.Role;

/**
 * Peers, pending approvals and agreements (schema V2, docs/PROTOCOL.md 2.7). Every write is one
 * transaction under the store's lock: an agreement is stored whole or not at all, and saving a
 * helper's agreement removes the peer's pending approval in the same transaction. It stores what
 * it is given; the rules ({@code AgreementRules}) are checked before. Times are kept to the
 * microsecond (H2's default precision). Failures throw {@link StoreException}: unlike an event
 * row, a lost agreement must not go unnoticed.
 */
public final class AgreementStore {

    private static final int MAX_ID = 64;
    private final Store store;

    public AgreementStore(Store store) {
        this.store = store;
    }

    private <T> T inTransaction(String what, Store.Work<T> work) throws StoreException {
        return store.inTransaction(what, work);
    }

    // ---- peers

    /** Records that {@code peerId} was heard at {@code at}; creates the peer on first sight; a null name keeps the old one. */
    public void seen(String peerId, String name, Instant at) throws StoreException {
        inTransaction("record peer " + peerId, c -> {
            touch(c, peerId, name, at);
            return null;
        });
    }

    private static void touch(Connection c, String peerId, String name, Instant at) throws SQLException, StoreException {
        if (peerId.isEmpty() || peerId.length() > MAX_ID) {
            throw new StoreException("peer id must be 1-" + MAX_ID + " characters, got " + peerId.length());
        }
        try (PreparedStatement p = c.prepareStatement(
                "UPDATE peer SET last_seen = GREATEST(last_seen, ?), name = COALESCE(?, name) WHERE id = ?")) {
            p.setTimestamp(1, Timestamp.from(at));
            p.setString(2, name);
            p.setString(3, peerId);
            if (p.executeUpdate() == 1) {
                return;
            }
        }
        try (PreparedStatement p = c.prepareStatement(
                "INSERT INTO peer(id, name, first_seen, last_seen) VALUES (?, ?, ?, ?)")) {
            p.setString(1, peerId);
            p.setString(2, name);
            p.setTimestamp(3, Timestamp.from(at));
            p.setTimestamp(4, Timestamp.from(at));
            p.executeUpdate();
        }
    }

    public Optional<Peer> peer(String peerId) throws StoreException {
        return inTransaction("read peer " + peerId, c -> {
            List<Peer> l = peers(c, peerId);
            return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
        });
    }

    /** All peers, by id. */
    public List<Peer> peers() throws StoreException {
        return inTransaction("read peers", c -> peers(c, null));
    }

    private static List<Peer> peers(Connection c, String only) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT id, name, first_seen, last_seen FROM peer"
                + (only == null ? "" : " WHERE id = ?") + " ORDER BY id")) {
            if (only != null) {
                p.setString(1, only);
            }
            List<Peer> out = new ArrayList<>();
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    out.add(new Peer(rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant(), rs.getTimestamp(4).toInstant()));
                }
            }
            return out;
        }
    }

    /** Forgets a peer with its pending approval and agreements. */
    public boolean deletePeer(String peerId) throws StoreException {
        return inTransaction("delete peer " + peerId, c -> delete(c, "DELETE FROM peer WHERE id = ?", peerId));
    }

    // ---- pending approvals

    /** Stores (or replaces) the peer's pending approval; the peer is recorded as seen at its time. */
    public void savePending(ApprovalRequest request) throws StoreException {
        String text = encodeOffer(request.offer());
        inTransaction("save pending approval of " + request.peerId(), c -> {
            touch(c, request.peerId(), null, request.receivedAt());
            delete(c, "DELETE FROM pending_approval WHERE peer_id = ?", request.peerId());
            try (PreparedStatement p = c.prepareStatement(
                    "INSERT INTO pending_approval(peer_id, received_at, offer) VALUES (?, ?, ?)")) {
                p.setString(1, request.peerId());
                p.setTimestamp(2, Timestamp.from(request.receivedAt()));
                p.setString(3, text);
                p.executeUpdate();
            }
            return null;
        });
    }

    public Optional<ApprovalRequest> pending(String peerId) throws StoreException {
        return inTransaction("read pending approval of " + peerId, c -> {
            List<ApprovalRequest> l = pending(c, peerId);
            return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
        });
    }

    /** All pending approvals, oldest first (the order the owner sees them). */
    public List<ApprovalRequest> pending() throws StoreException {
        return inTransaction("read pending approvals", c -> pending(c, null));
    }

    private static List<ApprovalRequest> pending(Connection c, String only) throws SQLException, StoreException {
        try (PreparedStatement p = c.prepareStatement("SELECT peer_id, received_at, offer FROM pending_approval"
                + (only == null ? "" : " WHERE peer_id = ?") + " ORDER BY received_at, peer_id")) {
            if (only != null) {
                p.setString(1, only);
            }
            List<ApprovalRequest> out = new ArrayList<>();
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    out.add(new ApprovalRequest(rs.getString(1), decodeOffer(rs.getString(3)), rs.getTimestamp(2).toInstant()));
                }
            }
            return out;
        }
    }

    public boolean deletePending(String peerId) throws StoreException {
        return inTransaction("delete pending approval of " + peerId,
                c -> delete(c, "DELETE FROM pending_approval WHERE peer_id = ?", peerId));
    }

    // ---- agreements

    /**
     * Stores the agreement, replacing the one with the same peer and role; for a helper's
     * agreement the peer's pending approval is removed in the same transaction.
     */
    public void saveAgreement(Agreement a) throws StoreException {
        inTransaction("save agreement with " + a.peerId(), c -> {
            touch(c, a.peerId(), null, a.approvedAt());
            deleteAgreement(c, a.peerId(), a.localRole());
            if (a.localRole() == Role.HELPER) {
                delete(c, "DELETE FROM pending_approval WHERE peer_id = ?", a.peerId());
            }
            try (PreparedStatement p = c.prepareStatement(
                    "INSERT INTO agreement(peer_id, local_role, approved_at, approved_by) VALUES (?, ?, ?, ?)")) {
                p.setString(1, a.peerId());
                p.setString(2, a.localRole().name());
                p.setTimestamp(3, Timestamp.from(a.approvedAt()));
                p.setString(4, a.approvedBy().name());
                p.executeUpdate();
            }
            try (PreparedStatement t = c.prepareStatement(
                    "INSERT INTO agreement_type(peer_id, local_role, coop_type) VALUES (?, ?, ?)");
                 PreparedStatement v = c.prepareStatement(
                    "INSERT INTO agreement_value(peer_id, local_role, coop_type, parameter, agreed_value) VALUES (?, ?, ?, ?, ?)")) {
                for (Map.Entry<CooperationType, Map<String, Long>> e : a.enabled().entrySet()) {
                    t.setString(1, a.peerId());
                    t.setString(2, a.localRole().name());
                    t.setString(3, e.getKey().uciName());
                    t.executeUpdate();
                    for (Map.Entry<String, Long> pv : e.getValue().entrySet()) {
                        v.setString(1, a.peerId());
                        v.setString(2, a.localRole().name());
                        v.setString(3, e.getKey().uciName());
                        v.setString(4, pv.getKey());
                        v.setLong(5, pv.getValue());
                        v.executeUpdate();
                    }
                }
            }
            return null;
        });
    }

    public Optional<Agreement> agreement(String peerId, Role role) throws StoreException {
        return inTransaction("read agreement with " + peerId, c -> {
            List<Agreement> l = agreements(c, peerId, role);
            return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
        });
    }

    /** All agreements, by peer and role. */
    public List<Agreement> agreements() throws StoreException {
        return inTransaction("read agreements", c -> agreements(c, null, null));
    }

    private static List<Agreement> agreements(Connection c, String peerId, Role role) throws SQLException, StoreException {
        String where = peerId == null ? "" : " WHERE peer_id = ? AND local_role = ?";
        record Key(String peer, String role) {
        }
        Map<Key, Map<CooperationType, Map<String, Long>>> types = new LinkedHashMap<>();
        Map<Key, Object[]> heads = new LinkedHashMap<>();
        try (PreparedStatement p = c.prepareStatement(
                "SELECT peer_id, local_role, approved_at, approved_by FROM agreement" + where + " ORDER BY peer_id, local_role")) {
            bind(p, peerId, role);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    Key k = new Key(rs.getString(1), rs.getString(2));
                    heads.put(k, new Object[] {rs.getTimestamp(3).toInstant(), rs.getString(4)});
                    types.put(k, new EnumMap<>(CooperationType.class));
                }
            }
        }
        try (PreparedStatement p = c.prepareStatement(
                "SELECT peer_id, local_role, coop_type FROM agreement_type" + where)) {
            bind(p, peerId, role);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    types.get(new Key(rs.getString(1), rs.getString(2))).put(type(rs.getString(3)), new TreeMap<>());
                }
            }
        }
        try (PreparedStatement p = c.prepareStatement(
                "SELECT peer_id, local_role, coop_type, parameter, agreed_value FROM agreement_value" + where)) {
            bind(p, peerId, role);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    types.get(new Key(rs.getString(1), rs.getString(2))).get(type(rs.getString(3))).put(rs.getString(4), rs.getLong(5));
                }
            }
        }
        List<Agreement> out = new ArrayList<>();
        for (Map.Entry<Key, Object[]> e : heads.entrySet()) {
            Approver by;
            Role r;
            try {
                by = Approver.valueOf((String) e.getValue()[1]);
                r = Role.valueOf(e.getKey().role());
            } catch (IllegalArgumentException ex) {
                throw new StoreException("agreement with " + e.getKey().peer() + " has an unknown role or approver: " + ex.getMessage(), ex);
            }
            out.add(new Agreement(e.getKey().peer(), r, types.get(e.getKey()), (Instant) e.getValue()[0], by));
        }
        return out;
    }

    private static void bind(PreparedStatement p, String peerId, Role role) throws SQLException {
        if (peerId != null) {
            p.setString(1, peerId);
            p.setString(2, role.name());
        }
    }

    public boolean deleteAgreement(String peerId, Role role) throws StoreException {
        return inTransaction("delete agreement with " + peerId, c -> deleteAgreement(c, peerId, role));
    }

    private static boolean deleteAgreement(Connection c, String peerId, Role role) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("DELETE FROM agreement WHERE peer_id = ? AND local_role = ?")) {
            p.setString(1, peerId);
            p.setString(2, role.name());
            return p.executeUpdate() > 0;
        }
    }

    private static boolean delete(Connection c, String sql, String peerId) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            p.setString(1, peerId);
            return p.executeUpdate() > 0;
        }
    }

    // ---- compact offer text: "type:param=min..max,param=min..max;type:..." (types and parameters sorted)

    private static final Pattern PARAM = Pattern.compile("([a-z0-9_]{1,40})=(-?\\d{1,19})\\.\\.(-?\\d{1,19})");

    static String encodeOffer(Offer offer) {
        StringBuilder b = new StringBuilder();
        offer.types().forEach((type, ranges) -> {
            if (b.length() > 0) {
                b.append(';');
            }
            b.append(type.uciName()).append(':');
            boolean first = true;
            for (Map.Entry<String, ParameterRange> r : ranges.entrySet()) {
                if (!PARAM.matcher(r.getKey() + "=0..0").matches()) {
                    throw new IllegalArgumentException("parameter name not storable: " + r.getKey());
                }
                b.append(first ? "" : ",").append(r.getKey()).append('=')
                        .append(r.getValue().min()).append("..").append(r.getValue().max());
                first = false;
            }
        });
        return b.toString();
    }

    static Offer decodeOffer(String text) throws StoreException {
        Map<CooperationType, Map<String, ParameterRange>> types = new EnumMap<>(CooperationType.class);
        if (text.isEmpty()) {
            return new Offer(types);
        }
        try {
            for (String t : text.split(";", -1)) {
                int colon = t.indexOf(':');
                if (colon < 0) {
                    throw new IllegalArgumentException("no ':' in '" + t + "'");
                }
                Map<String, ParameterRange> ranges = new TreeMap<>();
                String params = t.substring(colon + 1);
                if (!params.isEmpty()) {
                    for (String p : params.split(",", -1)) {
                        Matcher m = PARAM.matcher(p);
                        if (!m.matches()) {
                            throw new IllegalArgumentException("bad parameter '" + p + "'");
                        }
                        ranges.put(m.group(1), new ParameterRange(Long.parseLong(m.group(2)), Long.parseLong(m.group(3))));
                    }
                }
                if (types.put(type(t.substring(0, colon)), ranges) != null) {
                    throw new IllegalArgumentException("type twice: " + t.substring(0, colon));
                }
            }
        } catch (IllegalArgumentException e) {
            throw new StoreException("stored offer '" + text + "' is corrupt: " + e.getMessage(), e);
        }
        return new Offer(types);
    }

    private static CooperationType type(String uci) throws StoreException {
        try {
            return CooperationType.fromUci(uci);
        } catch (IllegalArgumentException e) {
            throw new StoreException("stored agreement names " + e.getMessage(), e);
        }
    }
}
