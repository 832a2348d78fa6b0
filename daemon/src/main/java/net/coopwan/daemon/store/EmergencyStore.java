package net.coopwan.daemon.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The emergency connection's counters per neighbour and role (schema V4; bandwidth sharing's too,
 * with roles {@code "sharer"} and {@code "borrower"} and the sessions moved, V5), so that neither a
 * restart nor a kill -9 loses them: {@link #started} when traffic starts to flow, {@link #ended}
 * with the path's final kernel counters when it ends, and {@link #running} for a start after a
 * kill -9, which finds the counters the killed run left and ends those paths with them.
 */
public final class EmergencyStore {

    /** One neighbour's totals in one role ({@code "requester"} or {@code "helper"}). */
    public record Total(String peerId, String role, long started, long bytesOut, long bytesIn, long bytesDropped,
            long packetsRefused, long sessions) {
        /** Without sessions (the emergency counts none). */
        public Total(String peerId, String role, long started, long bytesOut, long bytesIn, long bytesDropped,
                long packetsRefused) {
            this(peerId, role, started, bytesOut, bytesIn, bytesDropped, packetsRefused, 0);
        }
    }

    /** A path running now: its kernel counters' name, the neighbour and this router's role. */
    public record Running(String pathName, String peerId, String role) {
    }

    /** The emergency's roles; bandwidth sharing's are {@link #SHARING_ROLES}. */
    public static final java.util.Set<String> EMERGENCY_ROLES = java.util.Set.of("requester", "helper");
    public static final java.util.Set<String> SHARING_ROLES = java.util.Set.of("sharer", "borrower");

    private final Store store;

    public EmergencyStore(Store store) {
        this.store = store;
    }

    /** An emergency started: the count goes up, and the path is remembered as running. */
    public void started(String pathName, String peerId, String role, Instant at) throws StoreException {
        store.inTransaction("record an emergency's start", c -> {
            ensureTotal(c, peerId, role);
            try (PreparedStatement p = c.prepareStatement(
                    "UPDATE emergency_total SET started = started + 1 WHERE peer_id = ? AND role = ?")) {
                p.setString(1, peerId);
                p.setString(2, role);
                p.executeUpdate();
            }
            try (PreparedStatement p = c.prepareStatement("MERGE INTO emergency_running(path_name, peer_id, role, started_at) "
                    + "KEY(path_name) VALUES (?, ?, ?, ?)")) {
                p.setString(1, pathName);
                p.setString(2, peerId);
                p.setString(3, role);
                p.setTimestamp(4, Timestamp.from(at));
                p.executeUpdate();
            }
            return null;
        });
    }

    /**
     * The path {@code pathName} ended with these final counters: they are added to its
     * neighbour's totals and the path is no longer running. A name not running changes nothing
     * (returns false): counters are added once.
     */
    public boolean ended(String pathName, long bytesOut, long bytesIn, long bytesDropped, long packetsRefused)
            throws StoreException {
        return ended(pathName, bytesOut, bytesIn, bytesDropped, packetsRefused, 0);
    }

    /** As {@link #ended(String, long, long, long, long)}, with the sessions the path carried. */
    public boolean ended(String pathName, long bytesOut, long bytesIn, long bytesDropped, long packetsRefused,
            long sessions) throws StoreException {
        return store.inTransaction("record an emergency's end", c -> {
            String peer;
            String role;
            try (PreparedStatement p = c.prepareStatement("SELECT peer_id, role FROM emergency_running WHERE path_name = ?")) {
                p.setString(1, pathName);
                try (ResultSet rs = p.executeQuery()) {
                    if (!rs.next()) {
                        return false;
                    }
                    peer = rs.getString(1);
                    role = rs.getString(2);
                }
            }
            ensureTotal(c, peer, role);
            try (PreparedStatement p = c.prepareStatement("UPDATE emergency_total SET bytes_out = bytes_out + ?, "
                    + "bytes_in = bytes_in + ?, bytes_dropped = bytes_dropped + ?, packets_refused = packets_refused + ?, "
                    + "sessions = sessions + ? WHERE peer_id = ? AND role = ?")) {
                p.setLong(1, Math.max(0, bytesOut));
                p.setLong(2, Math.max(0, bytesIn));
                p.setLong(3, Math.max(0, bytesDropped));
                p.setLong(4, Math.max(0, packetsRefused));
                p.setLong(5, Math.max(0, sessions));
                p.setString(6, peer);
                p.setString(7, role);
                p.executeUpdate();
            }
            try (PreparedStatement p = c.prepareStatement("DELETE FROM emergency_running WHERE path_name = ?")) {
                p.setString(1, pathName);
                p.executeUpdate();
            }
            return true;
        });
    }

    /** The paths recorded as running (after a kill -9: those the killed run left). */
    public List<Running> running() throws StoreException {
        return store.inTransaction("read the running emergencies", c -> {
            List<Running> out = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("SELECT path_name, peer_id, role FROM emergency_running "
                    + "ORDER BY path_name"); ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    out.add(new Running(rs.getString(1), rs.getString(2), rs.getString(3)));
                }
            }
            return out;
        });
    }

    /** Every neighbour's totals, by peer and role. */
    public List<Total> totals() throws StoreException {
        return store.inTransaction("read the emergency totals", c -> {
            List<Total> out = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("SELECT peer_id, role, started, bytes_out, bytes_in, bytes_dropped, "
                    + "packets_refused, sessions FROM emergency_total ORDER BY peer_id, role"); ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    out.add(new Total(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                            rs.getLong(6), rs.getLong(7), rs.getLong(8)));
                }
            }
            return out;
        });
    }

    /** Started emergencies summed over every neighbour and both emergency roles (sharing's rows are not emergencies). */
    public long startedTotal() throws StoreException {
        long n = 0;
        for (Total t : totals()) {
            if (EMERGENCY_ROLES.contains(t.role())) {
                n += t.started();
            }
        }
        return n;
    }

    private static void ensureTotal(java.sql.Connection c, String peerId, String role) throws java.sql.SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO emergency_total(peer_id, role, started, bytes_out, bytes_in, "
                + "bytes_dropped, packets_refused) SELECT ?, ?, 0, 0, 0, 0, 0 WHERE NOT EXISTS "
                + "(SELECT 1 FROM emergency_total WHERE peer_id = ? AND role = ?)")) {
            p.setString(1, peerId);
            p.setString(2, role);
            p.setString(3, peerId);
            p.setString(4, role);
            p.executeUpdate();
        }
    }
}
