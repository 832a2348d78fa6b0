package net.coopwan.daemon.coop.sharing;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntSupplier;

/**
 * A LAN's pool of connections as a closed loop, for {@link NewSessionShare}: each connection
 * opens a session, waits a set-up time (its handshake and request: nothing flows), transfers a
 * fixed size, and opens the next. A new session goes to the sharer at random with the split in
 * force; it keeps its path for its life. On each path the sessions share its capacity fairly, each
 * at most at its own limit (a session is also limited by delay and loss, not only by its line's
 * rate). This is what the sharing benchmark's loops of 256 KiB downloads are, and where a split
 * fixed from the capacities goes wrong: a session that is slower on its path holds its connection
 * there for longer, so the pool piles up on the slower path while the other idles. The own line may
 * also carry a download that may not move (one more flow there, up to a rate of its own).
 *
 * <p>Every 0.25 s (the service's sample) the split is decided from what the daemon reads (the
 * service's inputs): the paths' rates recently and over the window, and the sessions on each path
 * read by the service's own {@link SessionGoodput} from the model's sessions as conntrack would list
 * them (what one active session got, how many each path holds), and the eligible new sessions since
 * the last decision.
 * Deterministic for a seed.
 */
final class ClosedLoopLan {

    /**
     * @param pool          connections of the LAN
     * @param ownKbps       the own line's capacity
     * @param offerKbps     the sharer's offer (both ways); its path carries what the quota sustains
     * @param windowMs      the sharer's window T
     * @param ownLimitKbps  what one session can get at home at most (delay, loss)
     * @param viaLimitKbps  what one session can get through the sharer at most
     * @param sizeKbit      each session's transfer
     * @param setupMs       each session's time before its first byte
     * @param fixedKbps     a download on the own line that may not move: one more TCP flow there, up
     *                      to this rate
     */
    record Scenario(int pool, long ownKbps, long offerKbps, long windowMs, long ownLimitKbps, long viaLimitKbps,
                    long sizeKbit, long setupMs, long fixedKbps) {

        long pathKbps() {
            return LendingSession.sustainedKbps(offerKbps, windowMs);
        }

        static Scenario random(Random r) {
            long own = 2_000 + r.nextInt(48_000);
            long ownLimit = Math.max(200, own / (1 + r.nextInt(8)));
            long viaLimit = Math.max(200, ownLimit * (20 + r.nextInt(130)) / 100);
            return new Scenario(4 + r.nextInt(45), own, 1_000 + r.nextInt(20_000), r.nextBoolean() ? 1_000 : 10_000,
                    ownLimit, viaLimit, 500 + r.nextInt(20_000), 20 + r.nextInt(300),
                    r.nextInt(4) == 0 ? own * r.nextInt(50) / 100 : 0);
        }

        @Override
        public String toString() {
            return "pool " + pool + ", own " + ownKbps + " kbit/s (" + fixedKbps + " not movable), offer " + offerKbps
                    + " (path " + pathKbps() + ") per " + windowMs + " ms, a session at most " + ownLimitKbps
                    + " at home and " + viaLimitKbps + " through the sharer, " + sizeKbit + " kbit after " + setupMs
                    + " ms";
        }
    }

    /** Steps of the simulation. */
    private static final int STEP_MS = 50;
    /** The service's sample: a quarter of T, at most 0.25 s (SharingService). */
    private static final int SAMPLE_MS = 250;

    private final Scenario s;
    private final Random draws;

    ClosedLoopLan(Scenario s, long seed) {
        this.s = s;
        this.draws = new Random(seed);
    }

    /** The LAN's goodput (kbit/s, both paths, the pool's sessions only) from second {@code fromS} to {@code toS}, the split decided each sample. */
    long goodput(NewSessionShare share, int fromS, int toS) {
        return run(share, null, fromS, toS);
    }

    /** The same with a split fixed at {@code perMille}. */
    long goodputFixed(int perMille, int fromS, int toS) {
        return run(null, () -> perMille, fromS, toS);
    }

    private long run(NewSessionShare share, IntSupplier fixed, int fromS, int toS) {
        int n = s.pool();
        boolean[] via = new boolean[n];
        long[] left = new long[n]; // kbit left to transfer (x1000: bits)
        long[] setup = new long[n];
        long[] id = new long[n]; // each connection's session, and the bits it received so far
        long[] got = new long[n];
        long nextId = 0;
        // the conntrack readings the service takes: each path's sessions with their bytes, those
        // that ended since the last reading included (conntrack keeps a closed connection a while)
        List<SharingPaths.MovedSession> ended = new ArrayList<>();
        List<SharingPaths.MovedSession> viaBefore = List.of();
        List<SharingPaths.MovedSession> homeBefore = List.of();
        long path = s.pathKbps();
        int perMille = fixed != null ? fixed.getAsInt() : 0;
        NewSessionShare.Learned learned = NewSessionShare.Learned.NONE;
        for (int i = 0; i < n; i++) {
            // the pool starts in every phase of its sessions
            setup[i] = draws.nextInt((int) s.setupMs() + 1);
            left[i] = 1 + (long) (draws.nextDouble() * size(s.sizeKbit()));
            id[i] = nextId++;
        }
        List<long[]> samples = new ArrayList<>(); // {own kbit/s, via kbit/s} per sample, the fixed traffic included in own
        long delivered = 0;
        long started = 0;
        long ownBits = 0;
        long viaBits = 0;
        int stepsPerSecond = 1000 / STEP_MS;
        int stepsPerSample = SAMPLE_MS / STEP_MS;
        for (int step = 0; step < toS * stepsPerSecond; step++) {
            int nOwn = 0;
            int nVia = 0;
            for (int i = 0; i < n; i++) {
                if (setup[i] <= 0) {
                    if (via[i]) {
                        nVia++;
                    } else {
                        nOwn++;
                    }
                }
            }
            // the download that may not move is one more TCP flow at home, up to its own rate: the
            // line's fair share is filled as water fills (the slower of the two kinds first)
            long fixedRate = s.fixedKbps() == 0 ? 0 : nOwn == 0 ? Math.min(s.fixedKbps(), s.ownKbps())
                    : Math.min(s.fixedKbps(), Math.max(s.ownKbps() / (nOwn + 1),
                            s.ownKbps() - nOwn * Math.min(s.ownLimitKbps(), s.ownKbps() / (nOwn + 1))));
            long ownRoom = Math.max(0, s.ownKbps() - fixedRate);
            long ownRate = nOwn == 0 ? 0 : Math.min(s.ownLimitKbps(), ownRoom / nOwn);
            long viaRate = nVia == 0 ? 0 : Math.min(s.viaLimitKbps(), path / nVia);
            ownBits += fixedRate * STEP_MS;
            for (int i = 0; i < n; i++) {
                if (setup[i] > 0) {
                    setup[i] -= STEP_MS;
                    continue;
                }
                long bits = Math.min(left[i], (via[i] ? viaRate : ownRate) * STEP_MS);
                left[i] -= bits;
                got[i] += bits;
                if (via[i]) {
                    viaBits += bits;
                } else {
                    ownBits += bits;
                }
                if (step >= fromS * stepsPerSecond) {
                    delivered += bits;
                }
                if (left[i] <= 0) {
                    ended.add(session(id[i], via[i], got[i]));
                    // the next session of this connection: the split in force picks its path
                    id[i] = nextId++;
                    got[i] = 0;
                    left[i] = size(s.sizeKbit());
                    setup[i] = s.setupMs();
                    via[i] = draws.nextInt(1000) < perMille;
                    started++;
                }
            }
            if ((step + 1) % stepsPerSample != 0) {
                continue;
            }
            samples.add(new long[] {ownBits / SAMPLE_MS, viaBits / SAMPLE_MS});
            List<SharingPaths.MovedSession> viaNow = new ArrayList<>();
            List<SharingPaths.MovedSession> homeNow = new ArrayList<>();
            for (SharingPaths.MovedSession e : ended) {
                (e.flow().startsWith("via") ? viaNow : homeNow).add(e);
            }
            for (int i = 0; i < n; i++) {
                (via[i] ? viaNow : homeNow).add(session(id[i], via[i], got[i]));
            }
            ended.clear();
            if (share != null) {
                // as SessionReadings takes them, a transfer's least rate as the service gives it
                SessionGoodput.PerSession moved = SessionGoodput.between(viaBefore, viaNow, SAMPLE_MS * 1_000_000L,
                        NewSessionShare.transferKbps(path));
                SessionGoodput.PerSession home = SessionGoodput.between(homeBefore, homeNow, SAMPLE_MS * 1_000_000L,
                        NewSessionShare.transferKbps(s.ownKbps()));
                NewSessionShare.Decision d = share.decide(inputs(samples, moved, home, started, learned));
                learned = d.learned();
                perMille = d.perMille();
            }
            viaBefore = viaNow;
            homeBefore = homeNow;
            started = 0;
            ownBits = 0;
            viaBits = 0;
        }
        return delivered / 1000 / (toS - fromS);
    }

    /** A session's size, bits: half to one and a half times the scenario's. */
    private long size(long kbit) {
        return (long) (kbit * 1000 * (0.5 + draws.nextDouble()));
    }

    /**
     * A session as conntrack shows it: its path in its name, the bytes it received (down) and a
     * thirtieth of them sent (its acknowledgements, up).
     */
    private static SharingPaths.MovedSession session(long id, boolean via, long bits) {
        long bytes = bits / 8;
        return new SharingPaths.MovedSession((via ? "via" : "home") + id, 0, bytes / 30, bytes);
    }

    private NewSessionShare.Inputs inputs(List<long[]> samples, SessionGoodput.PerSession moved,
            SessionGoodput.PerSession home, long started, NewSessionShare.Learned learned) {
        // over the window T and over the recent span (a fifth of T, at least a second), as the service
        long ownWindow = mean(samples, s.windowMs(), 0);
        long viaWindow = mean(samples, s.windowMs(), 1);
        long ownRecent = mean(samples, Math.max(1000, s.windowMs() / 5), 0);
        long viaRecent = mean(samples, Math.max(1000, s.windowMs() / 5), 1);
        NewSessionShare.Direction down = new NewSessionShare.Direction(s.offerKbps(), s.ownKbps(), ownWindow, ownRecent,
                viaWindow, viaRecent, moved.downKbps(), home.downKbps(), moved.sessions(), home.sessions(),
                moved.downTotalKbps(), home.downTotalKbps());
        // up: the acknowledgements, a thirtieth of the down, on a line as fast as the down
        NewSessionShare.Direction up = new NewSessionShare.Direction(s.offerKbps(), s.ownKbps(), ownWindow / 30,
                ownRecent / 30, viaWindow / 30, viaRecent / 30, moved.upKbps(), home.upKbps(), moved.sessions(),
                home.sessions(), moved.upTotalKbps(), home.upTotalKbps());
        return new NewSessionShare.Inputs(down, up, s.windowMs(), learned, started);
    }

    /** The mean of the last {@code spanMs} of samples ({@code k}: 0 own, 1 through the sharer). */
    private static long mean(List<long[]> samples, long spanMs, int k) {
        int n = (int) Math.max(1, Math.min(samples.size(), spanMs / SAMPLE_MS));
        long sum = 0;
        for (int i = samples.size() - n; i < samples.size(); i++) {
            sum += samples.get(i)[k];
        }
        return sum / n;
    }
}
