package net.coopwan.daemon.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The borrowers this router's owner stopped lending to (schema V5): a stop is written before it
 * takes effect and a resume removes it, so a restart or a kill -9 never starts lending to them
 * again behind the owner's back.
 */
public final class SharingStopStore {

    private final Store store;

    public SharingStopStore(Store store) {
        this.store = store;
    }

    /** The owner stopped lending to {@code peerId} through {@code via}; stopping twice keeps the first time. */
    public void stop(String peerId, String via, Instant at) throws StoreException {
        store.inTransaction("record a stop of lending", c -> {
            try (PreparedStatement p = c.prepareStatement("INSERT INTO sharing_stopped(peer_id, via, stopped_at) "
                    + "SELECT ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM sharing_stopped WHERE peer_id = ?)")) {
                p.setString(1, peerId);
                p.setString(2, via);
                p.setTimestamp(3, Timestamp.from(at));
                p.setString(4, peerId);
                p.executeUpdate();
            }
            return null;
        });
    }

    /** The owner resumed lending to {@code peerId}; a peer not stopped changes nothing. */
    public void resume(String peerId) throws StoreException {
        store.inTransaction("record a resume of lending", c -> {
            try (PreparedStatement p = c.prepareStatement("DELETE FROM sharing_stopped WHERE peer_id = ?")) {
                p.setString(1, peerId);
                p.executeUpdate();
            }
            return null;
        });
    }

    /** Every borrower lending to is stopped for, in the order stopped. */
    public Set<String> stopped() throws StoreException {
        return store.inTransaction("read the stops of lending", c -> {
            Set<String> out = new LinkedHashSet<>();
            try (PreparedStatement p = c.prepareStatement("SELECT peer_id FROM sharing_stopped ORDER BY stopped_at, peer_id");
                    ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        });
    }
}
