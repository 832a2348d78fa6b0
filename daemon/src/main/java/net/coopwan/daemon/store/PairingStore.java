package net.coopwan.daemon.store;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import net.coopwan.daemon.secure.PairingKey;

/**
 * This router's id and its paired peers (schema V3, docs/PROTOCOL.md 3.9). A paired peer is also
 * a row of {@code peer} (V2), created here if missing, so forgetting the peer forgets the pairing.
 * Failures throw {@link StoreException}: a pairing the owner made must not be lost silently.
 */
public final class PairingStore {

    /** A stored pairing. */
    public record Paired(String peerId, String address, PairingKey key, Instant pairedAt) {
    }

    private final Store store;

    public PairingStore(Store store) {
        this.store = store;
    }

    private <T> T inTransaction(String what, Store.Work<T> work) throws StoreException {
        return store.inTransaction(what, work);
    }

    /**
     * This router's id, drawn on first use: {@code "coop-"} and 16 hex digits of SecureRandom (64
     * bits: two routers on one link never draw the same; the hostname is not unique enough, two
     * factory-fresh routers are both "OpenWrt").
     */
    public String routerId(SecureRandom random) throws StoreException {
        return inTransaction("read the router id", c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT id FROM router_identity");
                 ResultSet rs = p.executeQuery()) {
                if (rs.next()) {
                    return rs.getString(1);
                }
            }
            byte[] b = new byte[8];
            random.nextBytes(b);
            String id = "coop-" + HexFormat.of().formatHex(b);
            try (PreparedStatement p = c.prepareStatement(
                    "INSERT INTO router_identity(id, created_at) VALUES (?, CURRENT_TIMESTAMP)")) {
                p.setString(1, id);
                p.executeUpdate();
            }
            return id;
        });
    }

    /** Stores (or replaces: a new pairing with the same peer wins) a pairing. */
    public void save(String peerId, String address, PairingKey key, Instant at) throws StoreException {
        inTransaction("store the pairing with " + peerId, c -> {
            try (PreparedStatement p = c.prepareStatement("UPDATE peer SET last_seen = GREATEST(last_seen, ?) WHERE id = ?")) {
                p.setTimestamp(1, Timestamp.from(at));
                p.setString(2, peerId);
                if (p.executeUpdate() == 0) {
                    try (PreparedStatement i = c.prepareStatement(
                            "INSERT INTO peer(id, name, first_seen, last_seen) VALUES (?, NULL, ?, ?)")) {
                        i.setString(1, peerId);
                        i.setTimestamp(2, Timestamp.from(at));
                        i.setTimestamp(3, Timestamp.from(at));
                        i.executeUpdate();
                    }
                }
            }
            try (PreparedStatement p = c.prepareStatement("DELETE FROM paired_peer WHERE peer_id = ?")) {
                p.setString(1, peerId);
                p.executeUpdate();
            }
            try (PreparedStatement p = c.prepareStatement("INSERT INTO paired_peer(peer_id, address, channel_secret, "
                    + "advert_key, paired_at) VALUES (?, ?, ?, ?, ?)")) {
                p.setString(1, peerId);
                p.setString(2, address);
                p.setBytes(3, key.channelSecret());
                p.setBytes(4, key.advertKey());
                p.setTimestamp(5, Timestamp.from(at));
                p.executeUpdate();
            }
            return null;
        });
    }

    /** Where a paired peer was last heard (authenticated packets only). */
    public void updateAddress(String peerId, String address) throws StoreException {
        inTransaction("update the address of " + peerId, c -> {
            try (PreparedStatement p = c.prepareStatement("UPDATE paired_peer SET address = ? WHERE peer_id = ?")) {
                p.setString(1, address);
                p.setString(2, peerId);
                p.executeUpdate();
            }
            return null;
        });
    }

    /** All pairings, by peer id. */
    public List<Paired> paired() throws StoreException {
        return inTransaction("read the paired peers", c -> {
            List<Paired> out = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("SELECT peer_id, address, channel_secret, advert_key, paired_at "
                    + "FROM paired_peer ORDER BY peer_id");
                 ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    out.add(new Paired(rs.getString(1), rs.getString(2), PairingKey.of(rs.getBytes(3), rs.getBytes(4)),
                            rs.getTimestamp(5).toInstant()));
                }
            }
            return out;
        });
    }

    /** Forgets a pairing (the peer row stays). */
    public boolean unpair(String peerId) throws StoreException {
        return inTransaction("forget the pairing with " + peerId, c -> {
            try (PreparedStatement p = c.prepareStatement("DELETE FROM paired_peer WHERE peer_id = ?")) {
                p.setString(1, peerId);
                return p.executeUpdate() == 1;
            }
        });
    }
}
