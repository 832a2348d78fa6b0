package net.coopwan.daemon.datapath;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import net.coopwan.daemon.coop.sharing.SessionPreference;
import net.coopwan.daemon.coop.sharing.hosts.DownloadHosts;
import net.coopwan.daemon.nflog.NflogReader;
import net.coopwan.daemon.steer.SharingHostRules;

/**
 * The borrower's learning of download hosts, put together: {@link SharingHostRules} copies DNS
 * answers and first web data to an NFLOG group, {@link NflogReader} reads them, {@link DownloadHosts}
 * decides, and its batches go to {@code avoid} (the {@link DownloadHosts.AvoidSet} given). Runs from
 * {@link #start} to {@link #stop}, while this router may borrow; {@link #stop} also removes what a
 * killed run left, so it is called at every start of sharing first.
 */
public final class HostLearning {

    /** Datagrams per wake-up, then a flush; a second's wait at most, so expiry and stop are that prompt. */
    static final int MAX_PER_WAKE = 64;
    static final int POLL_MS = 1000;

    private final SharingHostRules rules;
    private final List<String> lanDevices;
    private final SessionPreference preference;
    private final DownloadHosts.AvoidSet set;
    private final Clock clock;
    private DownloadHosts hosts;
    private NflogReader reader;

    public HostLearning(SharingHostRules rules, List<String> lanDevices, SessionPreference preference,
            DownloadHosts.AvoidSet set, Clock clock) {
        this.rules = rules;
        this.lanDevices = List.copyOf(lanDevices);
        this.preference = preference;
        this.set = set;
        this.clock = clock;
    }

    /** Copies on, reader started; on failure (no NFLOG, group taken) the rules go again and it says why. */
    public synchronized void start(Consumer<String> log) throws IOException {
        if (reader != null) {
            return;
        }
        DownloadHosts h = new DownloadHosts(preference, DownloadHosts.Settings.DEFAULTS, clock, set, log);
        Set<Integer> ports = preference.ports();
        // the reader first: copies made before anyone listens would be lost
        NflogReader r = NflogReader.start(new NflogReader.Settings(rules.group(), SharingHostRules.SNAPLEN, MAX_PER_WAKE,
                POLL_MS), new NflogReader.Listener() {
                    @Override
                    public void packet(byte[] buf, int off, int len) {
                        h.packet(buf, off, len);
                    }

                    @Override
                    public void batchDone() {
                        h.flush();
                    }
                }, log, "sharing-hosts");
        try {
            rules.apply(lanDevices, ports);
        } catch (RuntimeException e) {
            r.close();
            throw e;
        }
        hosts = h;
        reader = r;
        log.accept("sharing: learning download hosts from DNS answers and first web data on " + lanDevices
                + " (NFLOG group " + rules.group() + ", patterns " + preference.avoid() + ")");
    }

    /** Reader stopped, copies off (also what a killed run left); never throws. */
    public void stop() {
        NflogReader r;
        synchronized (this) {
            r = reader;
            reader = null;
        }
        if (r != null) {
            r.close();
        }
        try {
            rules.removeAll();
        } catch (RuntimeException e) {
            // removed again at the next start
        }
    }

    /** The hosts known now with the time each has left: what a new {@code avoid} set is filled with. */
    public synchronized Map<Integer, Duration> current() {
        return hosts == null ? Map.of() : hosts.current();
    }

    /** Learned and dropped, by kind, above zero. */
    public synchronized Map<String, Long> counters() {
        Map<String, Long> m = new LinkedHashMap<>();
        if (hosts != null) {
            m.putAll(hosts.counters());
        }
        if (reader != null) {
            reader.drops().forEach((k, v) -> m.put(k.name(), v));
        }
        return m;
    }
}
