package net.coopwan.daemon.coop.discovery;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

import net.coopwan.daemon.coop.advert.AdvertInfo;

/**
 * The routers heard on the inter-router link (seed 001 [0112]: "another router in the vicinity
 * that is willing to cooperate"), keyed by advert nonce and source address.
 *
 * <p>An entry expires when nothing was heard from it for {@link #expiryNanos()} (default
 * {@value #DEFAULT_EXPIRY_MS} ms: three missed adverts of the 2 s mean period, plus 1 s so that
 * one late jittered advert (up to 2.5 s) never makes a router flap). The table holds at most
 * {@link #capacity()} entries (default {@value #DEFAULT_CAPACITY}); a new router beyond that
 * evicts the one heard longest ago and is counted, so a flood of checksum adverts with made-up
 * nonces and addresses (anyone can compute the checksum) costs bounded memory.
 *
 * <p>Our own adverts come back to us (a broadcast is looped back to local sockets): an advert
 * carrying our nonce from one of our own addresses is counted as {@link Outcome#OWN} and never
 * listed. Another router that happens to draw our nonce has another address and is listed.
 *
 * <p>Time is injected ({@code nowNanos}, from {@link System#nanoTime()} in production).
 * Thread-safe (the receive thread writes, the timer expires, front-ends read).
 */
public final class NearbyRouters {
    public static final int DEFAULT_CAPACITY = 64;
    public static final long DEFAULT_EXPIRY_MS = 7000;

    /** What {@link #heard} did with an advert. */
    public enum Outcome {
        /** A router not in the table: added. */
        NEW,
        /** Known router, same information: last-heard time refreshed. */
        REFRESHED,
        /** Known router whose information changed (offers, willingness, generation...). */
        CHANGED,
        /** Our own advert looped back: ignored. */
        OWN
    }

    /** Key of an entry: nonce and source address. */
    public record Key(int nonce, InetAddress address) {
        public Key {
            Objects.requireNonNull(address, "address");
        }
    }

    /**
     * One router heard.
     *
     * @param key            nonce and source address
     * @param info           the information of its latest advert
     * @param firstHeardNanos when it was first heard (this entry's life)
     * @param lastHeardNanos when it was last heard
     * @param adverts        adverts received from it during this entry's life
     */
    public record Entry(Key key, AdvertInfo info, long firstHeardNanos, long lastHeardNanos, long adverts) {
    }

    private final int capacity;
    private final long expiryNanos;
    private final int ownNonce;
    private final Predicate<InetAddress> isLocal;
    /** Access order is not used: eviction picks the oldest last-heard time explicitly. */
    private final Map<Key, Entry> entries = new LinkedHashMap<>();
    private long evictions;
    private long own;

    /**
     * @param ownNonce this router's advert nonce
     * @param isLocal  whether an address is one of this router's own
     */
    public NearbyRouters(int capacity, long expiryNanos, int ownNonce, Predicate<InetAddress> isLocal) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        if (expiryNanos <= 0) {
            throw new IllegalArgumentException("expiry must be positive, got " + expiryNanos);
        }
        this.capacity = capacity;
        this.expiryNanos = expiryNanos;
        this.ownNonce = ownNonce;
        this.isLocal = Objects.requireNonNull(isLocal, "isLocal");
    }

    /** The defaults: 64 entries, 7 s expiry. */
    public static NearbyRouters withDefaults(int ownNonce, Predicate<InetAddress> isLocal) {
        return new NearbyRouters(DEFAULT_CAPACITY, DEFAULT_EXPIRY_MS * 1_000_000L, ownNonce, isLocal);
    }

    public int capacity() {
        return capacity;
    }

    public long expiryNanos() {
        return expiryNanos;
    }

    /**
     * Records a verified advert from {@code from}. Entries past their expiry are dropped first
     * (they must not hold a place a live router needs); a new router in a full table evicts the
     * entry heard longest ago.
     */
    public synchronized Outcome heard(InetAddress from, AdvertInfo info, long nowNanos) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(info, "info");
        if (info.nonce() == ownNonce && isLocal.test(from)) {
            own++;
            return Outcome.OWN;
        }
        Key key = new Key(info.nonce(), from);
        Entry old = entries.get(key);
        if (old != null && nowNanos - old.lastHeardNanos() < expiryNanos) {
            entries.put(key, new Entry(key, info, old.firstHeardNanos(), nowNanos, old.adverts() + 1));
            return old.info().equals(info) ? Outcome.REFRESHED : Outcome.CHANGED;
        }
        if (old != null) {
            entries.remove(key); // expired but not yet swept: a fresh life
        }
        if (entries.size() >= capacity) {
            removeExpired(nowNanos);
        }
        if (entries.size() >= capacity) {
            Entry stalest = entries.values().stream()
                    .min(Comparator.comparingLong(e -> e.lastHeardNanos() - nowNanos)).orElseThrow();
            entries.remove(stalest.key());
            evictions++;
        }
        entries.put(key, new Entry(key, info, nowNanos, nowNanos, 1));
        return Outcome.NEW;
    }

    /** Removes and returns the entries not heard for the expiry time, oldest first. */
    public synchronized List<Entry> expire(long nowNanos) {
        return removeExpired(nowNanos);
    }

    private List<Entry> removeExpired(long nowNanos) {
        List<Entry> gone = new ArrayList<>();
        for (Iterator<Entry> it = entries.values().iterator(); it.hasNext();) {
            Entry e = it.next();
            if (nowNanos - e.lastHeardNanos() >= expiryNanos) {
                gone.add(e);
                it.remove();
            }
        }
        return gone;
    }

    /** The routers heard and not yet expired at {@code nowNanos}, first heard first. */
    public synchronized List<Entry> snapshot(long nowNanos) {
        List<Entry> out = new ArrayList<>();
        for (Entry e : entries.values()) {
            if (nowNanos - e.lastHeardNanos() < expiryNanos) {
                out.add(e);
            }
        }
        out.sort(Comparator.comparingLong(e -> e.firstHeardNanos() - nowNanos));
        return out;
    }

    /** Routers evicted because the table was full. */
    public synchronized long evictions() {
        return evictions;
    }

    /** Our own adverts heard back. */
    public synchronized long ownAdverts() {
        return own;
    }

    /** Entries held (expired but not yet swept included). */
    public synchronized int size() {
        return entries.size();
    }
}
