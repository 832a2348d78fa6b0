package net.coopwan.daemon.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Versioned schema migrations. Each version is a resource {@code V<n>.sql} next to this class,
 * applied once, in order, each in its own transaction, and recorded in {@code schema_version}.
 * A database newer than this code is refused rather than guessed at.
 */
final class Migrations {

    /** Every migration this code knows, in order. Append only; never edit a released one. */
    static final List<String> DESCRIPTIONS = List.of(
            "event log",
            "peers, pending approvals and agreements",
            "router identity and paired peers",
            "emergency counters",
            "sharing totals and stopped lending");

    private final Connection connection;

    Migrations(Connection connection) {
        this.connection = connection;
    }

    static int currentVersion(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS schema_version ("
                    + "version INT PRIMARY KEY, description VARCHAR(200) NOT NULL, "
                    + "applied_at TIMESTAMP WITH TIME ZONE NOT NULL)");
            try (ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_version")) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    void migrate() throws SQLException, StoreException {
        int current = currentVersion(connection);
        int known = DESCRIPTIONS.size();
        if (current > known) {
            throw new StoreException("state database has schema version " + current
                    + " but this coopwan knows only up to " + known + "; it was written by a newer coopwan");
        }
        for (int v = current + 1; v <= known; v++) {
            apply(v, DESCRIPTIONS.get(v - 1));
        }
    }

    private void apply(int version, String description) throws SQLException, StoreException {
        String sql = script(version);
        boolean auto = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (Statement s = connection.createStatement()) {
            for (String stmt : sql.split(";\\s*(\\n|$)")) {
                if (!stmt.isBlank()) {
                    s.execute(stmt);
                }
            }
            try (PreparedStatement p = connection.prepareStatement(
                    "INSERT INTO schema_version(version, description, applied_at) VALUES (?, ?, CURRENT_TIMESTAMP)")) {
                p.setInt(1, version);
                p.setString(2, description);
                p.executeUpdate();
            }
            connection.commit();
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(auto);
        }
    }

    private static String script(int version) throws StoreException {
        String name = "V" + version + ".sql";
        try (InputStream in = Migrations.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new StoreException("migration " + name + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new StoreException("cannot read migration " + name, e);
        }
    }
}
