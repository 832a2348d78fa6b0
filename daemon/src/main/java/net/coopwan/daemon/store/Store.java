package net.coopwan.daemon.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The H2 database file {@code STATE_DIR/coopwan.mv.db}. One connection, used under this object's
 * lock: the daemon writes a few rows per state change, so a pool would cost memory for nothing.
 */
public final class Store implements AutoCloseable {

    /**
     * The file is compacted when it grows past this many bytes, or past {@link #GROWTH} times its
     * size after the last compaction, whichever is more: about 150 commits of the daemon's
     * (a chunk of 12-24 kB each) from a typical 50-200 kB state.
     */
    static final long COMPACT_ABOVE_BYTES = 2L * 1024 * 1024;
    private static final int GROWTH = 4;
    private static final Logger LOG = LoggerFactory.getLogger("coopwan");

    private final String url;
    private final Path file;
    private final FileLock lock;
    private final long compactFloor;
    private Connection connection;
    private long compactAbove;

    private Store(String url, Connection connection, Path file, FileLock lock, long compactFloor) {
        this.url = url;
        this.connection = connection;
        this.file = file;
        this.lock = lock;
        this.compactFloor = compactFloor;
        this.compactAbove = compactFloor;
    }

    /**
     * Takes {@code STATE_DIR/coopwan.lock} so two daemons never share one state directory. H2's own
     * file lock does not stop a second open from the same JVM, and its error names H2 internals;
     * this one names the other daemon's pid.
     */
    private static FileLock lockStateDir(Path stateDir) throws StoreException {
        Path lockFile = stateDir.resolve("coopwan.lock");
        FileChannel ch = null;
        try {
            ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null;
            }
            if (l == null) {
                String holder = Files.readString(lockFile).trim();
                ch.close();
                throw new StoreException("state directory " + stateDir + " is in use by another coopwan"
                        + (holder.isEmpty() ? "" : " (pid " + holder + ")"));
            }
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)));
            return l;
        } catch (IOException e) {
            try {
                if (ch != null) {
                    ch.close();
                }
            } catch (IOException ignored) {
                // already failing
            }
            throw new StoreException("cannot lock state directory " + stateDir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Opens (creating if needed) the store in {@code stateDir} and brings its schema up to date.
     *
     * @throws StoreException when the directory cannot be used, another daemon holds the file,
     *                        or the file was written by a newer coopwan
     */
    public static Store open(Path stateDir) throws StoreException {
        return open(stateDir, COMPACT_ABOVE_BYTES);
    }

    /** {@link #open(Path)} compacting above {@code compactFloor} bytes (tests force compactions). */
    static Store open(Path stateDir, long compactFloor) throws StoreException {
        try {
            Files.createDirectories(stateDir);
        } catch (IOException e) {
            throw new StoreException("cannot create state directory " + stateDir + ": " + e.getMessage(), e);
        }
        FileLock lock = lockStateDir(stateDir);
        Path base = stateDir.toAbsolutePath().resolve("coopwan");
        // FILE_LOCK=FILE: a second daemon on the same state directory is refused, not corrupting.
        // DB_CLOSE_ON_EXIT=FALSE: we close in our own shutdown path, after the last event is written.
        // WRITE_DELAY=0: a commit reaches the file at once, not within H2's default 500 ms, so a
        // kill -9 loses no committed state (an approval, an emergency's start: the emergency lab
        // test lost one). Commits are rare (owner actions, state changes), so flash wear is not.
        // REUSE_SPACE=FALSE: each commit is appended at the end of the file, where crash recovery
        // always finds it. With space reuse, H2 2.x (2.5.252 and its main branch) writes the file
        // header before it records the chunk just written as the last one, so a commit that lands
        // in a hole away from where the previous chunk predicted is found by no recovery until a
        // later commit: a kill -9 then loses it (StoreTest has such a file). The file grows by
        // each commit's chunk; compactIfGrown bounds it.
        String url = "jdbc:h2:file:" + base
                + ";FILE_LOCK=FILE;DB_CLOSE_ON_EXIT=FALSE;CACHE_SIZE=1024;WRITE_DELAY=0;REUSE_SPACE=FALSE";
        Connection c;
        try {
            c = DriverManager.getConnection(url, "coopwan", "");
        } catch (SQLException e) {
            release(lock);
            throw new StoreException("cannot open state database " + base + ".mv.db: " + firstLine(e), e);
        }
        Store store = new Store(url, c, Path.of(base + ".mv.db"), lock, compactFloor);
        try {
            new Migrations(c).migrate();
        } catch (SQLException | StoreException e) {
            store.close();
            if (e instanceof StoreException se) {
                throw se;
            }
            throw new StoreException("schema migration failed on " + store.file + ": " + firstLine(e), e);
        }
        return store;
    }

    private static String firstLine(Exception e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /** Work done on the store's connection inside one transaction. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException, StoreException;
    }

    /**
     * Runs {@code work} as one transaction on the shared connection: committed when it returns,
     * rolled back when it throws. SQL errors become a StoreException saying "cannot WHAT".
     */
    <T> T inTransaction(String what, Work<T> work) throws StoreException {
        synchronized (this) {
            Connection c = connection();
            T result;
            try {
                boolean auto = c.getAutoCommit();
                c.setAutoCommit(false);
                try {
                    result = work.run(c);
                    c.commit();
                } catch (SQLException | StoreException | RuntimeException e) {
                    c.rollback();
                    throw e;
                } finally {
                    c.setAutoCommit(auto);
                }
            } catch (SQLException e) {
                throw new StoreException("cannot " + what + ": " + e.getMessage(), e);
            }
            compactIfGrown();
            return result;
        }
    }

    /**
     * Called under this object's monitor after each write. The file only grows (REUSE_SPACE=FALSE);
     * past the bound, H2's SHUTDOWN COMPACT rewrites the live rows into a new file, renamed over
     * the old one (a kill -9 during it leaves one of the two whole), and the connection is
     * opened again. A failure leaves the store as it was, or closed with the error in the log.
     */
    void compactIfGrown() throws StoreException {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            return; // checked again after the next write
        }
        if (size <= compactAbove) {
            return;
        }
        long started = System.nanoTime();
        try (Statement s = connection.createStatement()) {
            s.execute("SHUTDOWN COMPACT");
        } catch (SQLException e) {
            if (!isClosed(connection)) {
                LOG.warn("state database {}: cannot compact: {}", file, firstLine(e));
                compactAbove = size * GROWTH;
                return;
            }
        }
        try {
            connection = DriverManager.getConnection(url, "coopwan", "");
        } catch (SQLException e) {
            throw new StoreException("cannot open state database " + file + " again after compacting it: " + firstLine(e), e);
        }
        long after;
        try {
            after = Files.size(file);
        } catch (IOException e) {
            after = size;
        }
        compactAbove = Math.max(compactFloor, after * GROWTH);
        LOG.info("state database {}: compacted {} -> {} bytes in {} ms", file, size, after,
                (System.nanoTime() - started) / 1_000_000);
    }

    private static boolean isClosed(Connection c) {
        try {
            return c.isClosed();
        } catch (SQLException e) {
            return true;
        }
    }

    /** The connection; callers hold this object's monitor (it changes when the file is compacted). */
    Connection connection() {
        return connection;
    }

    public Path file() {
        return file;
    }

    /** Current schema version. */
    public synchronized int schemaVersion() throws SQLException {
        return Migrations.currentVersion(connection);
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            // Closing on shutdown: nothing left to do with the error but drop it.
        }
        release(lock);
    }

    private static void release(FileLock lock) {
        try {
            lock.release();
            lock.channel().close();
        } catch (IOException e) {
            // The lock goes with the process anyway.
        }
    }
}
