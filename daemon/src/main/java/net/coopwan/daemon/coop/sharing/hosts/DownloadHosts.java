package net.coopwan.daemon.coop.sharing.hosts;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

import net.coopwan.daemon.coop.sharing.SessionPreference;
import net.coopwan.daemon.counters.EnumCounters;

/**
 * The borrower's download hosts (seed 001 [0146], docs/PROTOCOL.md 3.13): the addresses whose new
 * sessions stay on the own uplink, learned from copies of packets.
 * <ul>
 *   <li>a DNS answer (UDP or TCP from port 53) whose question, or any name of its CNAME chain,
 *   matches an avoid pattern: each of its A addresses, for its TTL clamped to
 *   {@link Settings#minTtl}..{@link Settings#maxTtl};</li>
 *   <li>the first data of a new web session: a TLS ClientHello whose server name matches, or an
 *   HTTP request whose Host or path matches: the destination, for {@link Settings#seenTtl}. That
 *   session's own path was chosen at its SYN; the address counts for the next ones.</li>
 * </ul>
 * At most {@link Settings#maxHosts} are kept; a new one beyond that makes the one that expires
 * soonest go (counted {@link HostDrop#HOSTS_FULL}, and taken out of the kernel's set too). What
 * changed goes to the {@link AvoidSet} at {@link #flush}, one call per batch; a known host is given
 * again only when a later answer extends it by more than half its new TTL, so a busy resolver
 * costs no call per answer.
 *
 * <p>Thread-safe: the reader's thread calls {@link #packet} and {@link #flush}, the sharing
 * worker {@link #current} when a path opens.
 */
public final class DownloadHosts {

    /** Where the learned hosts go: {@code steer.SharingBorrowerRules}'s set {@code avoid}. */
    public interface AvoidSet {
        /**
         * Each address (an int, network order read big-endian) stays home for its duration from now;
         * {@link Duration#ZERO}: it no longer does. Throws with the reason when the kernel refused.
         */
        void avoid(Map<Integer, Duration> batch);
    }

    /** Where a host was learned from. */
    public enum Source {
        DNS, TLS, HTTP
    }

    /**
     * @param maxHosts most addresses kept
     * @param minTtl   shortest time a DNS-learned address is kept
     * @param maxTtl   longest
     * @param seenTtl  how long an address learned from SNI or HTTP is kept (no TTL to go by)
     */
    public record Settings(int maxHosts, Duration minTtl, Duration maxTtl, Duration seenTtl) {
        /** 2048 hosts, 60 s to 1 h, 10 min after SNI or HTTP (docs/PROTOCOL.md 3.13 gives the reasons). */
        public static final Settings DEFAULTS = new Settings(2048, Duration.ofSeconds(60), Duration.ofHours(1),
                Duration.ofMinutes(10));

        public Settings {
            if (maxHosts < 1 || minTtl.toSeconds() < 1 || maxTtl.compareTo(minTtl) < 0 || seenTtl.toSeconds() < 1
                    || maxTtl.toSeconds() > 86_400 || seenTtl.toSeconds() > 86_400) {
                throw new IllegalArgumentException("1 or more hosts, 1 s <= min TTL <= max TTL <= 1 day, seen TTL 1 s..1 day");
            }
        }
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DownloadHosts.class);

    private final SessionPreference preference;
    private final Settings settings;
    private final Clock clock;
    private final AvoidSet set;
    private final Consumer<String> log;
    private final EnumCounters<HostDrop> drops = new EnumCounters<>(HostDrop.class);
    private final EnumCounters<Source> learnedFrom = new EnumCounters<>(Source.class);
    /** Address to the instant it stops being a download host. */
    private final Map<Integer, Instant> learned = new HashMap<>();
    /** What {@link #flush} gives the set next. */
    private final Map<Integer, Duration> pending = new LinkedHashMap<>();
    private boolean failing;

    /**
     * @param log one line per change an admin should see (the set failing, and working again)
     */
    public DownloadHosts(SessionPreference preference, Settings settings, Clock clock, AvoidSet set, Consumer<String> log) {
        this.preference = preference;
        this.settings = settings;
        this.clock = clock;
        this.set = set;
        this.log = log;
    }

    /** One copied packet (the IP header first); whatever it holds, nothing but counters can go wrong. */
    public synchronized void packet(byte[] b, int off, int len) {
        try {
            Ipv4Segment s = Ipv4Segment.parse(b, off, len);
            int p = s.payloadOffset();
            int n = s.payloadLength();
            if (s.protocol() == Ipv4Segment.UDP && s.sourcePort() == 53) {
                dns(b, p, n);
            } else if (s.protocol() == Ipv4Segment.TCP && s.sourcePort() == 53) {
                if (n == 0) {
                    return; // an ACK of the resolver's
                }
                if (n < 2 || Bytes.u16(b, p) > n - 2) {
                    throw new HostFormatException(HostDrop.HOSTS_TRUNCATED, "a DNS message over TCP goes on in another segment");
                }
                dns(b, p + 2, Bytes.u16(b, p));
            } else if (s.protocol() == Ipv4Segment.TCP) {
                web(s, b, p, n);
            } else {
                drops.count(HostDrop.HOSTS_NOT_COPIED);
            }
        } catch (HostFormatException e) {
            drops.count(e.reason());
        }
    }

    private void dns(byte[] b, int off, int len) throws HostFormatException {
        DnsAnswer a = DnsAnswer.parse(b, off, len);
        String match = null;
        for (String name : a.names()) {
            if (preference.isDownload(name)) {
                match = name;
                break;
            }
        }
        if (match == null) {
            return;
        }
        for (DnsAnswer.Address r : a.addresses()) {
            Duration ttl = Duration.ofSeconds(Math.max(settings.minTtl().toSeconds(),
                    Math.min(settings.maxTtl().toSeconds(), r.ttlSeconds())));
            learn(r.address(), ttl, Source.DNS, match);
        }
    }

    private void web(Ipv4Segment s, byte[] b, int off, int len) throws HostFormatException {
        if (TlsClientHello.looksLike(b, off, len)) {
            String sni = TlsClientHello.serverName(b, off, len);
            if (preference.isDownload(sni)) {
                learn(s.destination(), settings.seenTtl(), Source.TLS, sni);
            }
        } else if (HttpRequest.looksLike(b, off, len)) {
            HttpRequest r = HttpRequest.parse(b, off, len);
            if (preference.isDownload(r.host()) || preference.isDownload(r.path())) {
                learn(s.destination(), settings.seenTtl(), Source.HTTP, r.host() + r.path());
            }
        }
        // anything else on a web port (another protocol, a pure ACK with options) teaches nothing
    }

    private void learn(int address, Duration ttl, Source source, String why) {
        Instant now = clock.instant();
        Instant until = now.plus(ttl);
        Instant old = learned.get(address);
        if (old != null && old.isAfter(until.minus(ttl.dividedBy(2)))) {
            return; // known for long enough: no kernel call for a repeated answer
        }
        if (old == null) {
            if (learned.size() >= settings.maxHosts()) {
                expire(now);
            }
            if (learned.size() >= settings.maxHosts()) {
                Integer soonest = null;
                for (Map.Entry<Integer, Instant> e : learned.entrySet()) {
                    if (soonest == null || e.getValue().isBefore(learned.get(soonest))) {
                        soonest = e.getKey();
                    }
                }
                learned.remove(soonest);
                pending.put(soonest, Duration.ZERO);
                drops.count(HostDrop.HOSTS_FULL);
            }
            learnedFrom.count(source);
            LOG.debug("sharing: download host {} ({} {}) stays home for {} s", net.coopwan.daemon.coop.emergency.EmergencyCodec.dotted(address),
                    source, why, ttl.toSeconds());
        }
        learned.put(address, until);
        pending.put(address, ttl);
    }

    private void expire(Instant now) {
        learned.values().removeIf(u -> !u.isAfter(now));
    }

    /** Gives the set what changed since the last flush, in one call; forgets what expired. */
    public void flush() {
        Map<Integer, Duration> batch;
        synchronized (this) {
            expire(clock.instant());
            if (pending.isEmpty()) {
                return;
            }
            batch = new TreeMap<>(pending);
            pending.clear();
        }
        // outside the lock: the set's call may wait for the path's lock, which may wait for current()
        try {
            set.avoid(batch);
            if (failing) {
                failing = false;
                log.accept("sharing: download hosts go to the kernel again");
            }
        } catch (RuntimeException e) {
            drops.count(HostDrop.HOSTS_UPDATE_FAILED);
            if (!failing) {
                failing = true;
                log.accept("sharing: download hosts cannot go to the kernel (" + e.getMessage()
                        + "); they are given again when the path to a sharer opens");
            }
        }
    }

    /** Every host known now, each for the time it has left (at least a second): a new set is filled with them. */
    public synchronized Map<Integer, Duration> current() {
        Instant now = clock.instant();
        expire(now);
        Map<Integer, Duration> m = new TreeMap<>();
        learned.forEach((a, u) -> m.put(a, Duration.ofSeconds(Math.max(1, Duration.between(now, u).toSeconds()))));
        return m;
    }

    /** Whether {@code address} is a download host now. */
    public synchronized boolean isDownloadHost(int address) {
        Instant u = learned.get(address);
        return u != null && u.isAfter(clock.instant());
    }

    /** Hosts learned by source and drops by reason, above zero, for the sharing status. */
    public Map<String, Long> counters() {
        Map<String, Long> m = new LinkedHashMap<>();
        learnedFrom.nonZero().forEach((k, v) -> m.put("HOSTS_LEARNED_" + k.name(), v));
        drops.nonZero().forEach((k, v) -> m.put(k.name(), v));
        return m;
    }
}
