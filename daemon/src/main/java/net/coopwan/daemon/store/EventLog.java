package net.coopwan.daemon.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.coopwan.daemon.api.Event;

/**
 * Records state changes: one readable log line and one row each. The table is kept to the newest
 * {@link #RETAINED} rows so flash storage on a router does not fill up.
 */
public final class EventLog {

    /** Rows kept; about 100 bytes each, so ~1 MB at most. */
    public static final int RETAINED = 10_000;
    private static final int PRUNE_EVERY = 100;
    private static final Logger LOG = LoggerFactory.getLogger("coopwan");

    private final Future<Store> store;
    private final Clock clock;
    private int sincePrune;

    public EventLog(Store store, Clock clock) {
        this(CompletableFuture.completedFuture(store), clock);
    }

    /**
     * An event log on a store still being opened (the daemon opens it while its front-ends start):
     * reads and writes wait for it; if it never opens, events are only logged.
     */
    public EventLog(Future<Store> store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    private Store store() throws SQLException {
        try {
            return store.get();
        } catch (ExecutionException e) {
            throw new SQLException("state store did not open: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for the state store", e);
        }
    }

    /**
     * Logs and stores one state change. A store failure is logged, not thrown: losing a log row
     * must never stop the router from changing state.
     */
    public Event record(String source, String message) {
        Instant now = clock.instant();
        LOG.info("{}: {}", source, message);
        Store s;
        try {
            s = store();
        } catch (SQLException e) {
            return new Event(-1, now, source, message);
        }
        synchronized (s) {
            Connection c = s.connection();
            try (PreparedStatement p = c.prepareStatement(
                    "INSERT INTO event_log(at, source, message) VALUES (?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
                p.setTimestamp(1, Timestamp.from(now));
                p.setString(2, truncate(source, 100));
                p.setString(3, truncate(message, 1000));
                p.executeUpdate();
                long id;
                try (ResultSet keys = p.getGeneratedKeys()) {
                    keys.next();
                    id = keys.getLong(1);
                }
                if (++sincePrune >= PRUNE_EVERY) {
                    sincePrune = 0;
                    prune(c, id);
                }
                s.compactIfGrown();
                return new Event(id, now, source, message);
            } catch (SQLException | StoreException e) {
                LOG.warn("event log: cannot store event: {}", e.getMessage());
                return new Event(-1, now, source, message);
            }
        }
    }

    private static void prune(Connection c, long newestId) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("DELETE FROM event_log WHERE id <= ?")) {
            p.setLong(1, newestId - RETAINED);
            p.executeUpdate();
        }
    }

    /** Newest first. */
    public List<Event> newest(int limit) {
        Store s;
        try {
            s = store();
        } catch (SQLException e) {
            LOG.warn("event log: cannot read events: {}", e.getMessage());
            return List.of();
        }
        synchronized (s) {
            try (PreparedStatement p = s.connection().prepareStatement(
                    "SELECT id, at, source, message FROM event_log ORDER BY id DESC LIMIT ?")) {
                p.setInt(1, limit);
                List<Event> out = new ArrayList<>();
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Event(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getString(3), rs.getString(4)));
                    }
                }
                return out;
            } catch (SQLException e) {
                LOG.warn("event log: cannot read events: {}", e.getMessage());
                return List.of();
            }
        }
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
