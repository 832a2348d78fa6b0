package net.coopwan.daemon.coop.emergency;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import net.coopwan.daemon.api.EmergencyStatus;

/** {@link EmergencyLedger#inMemory()}: the same bookkeeping as the store's, gone with the process. */
final class MemoryLedger implements EmergencyLedger {
    private final Map<String, String[]> running = new LinkedHashMap<>();
    private final Map<String, long[]> totals = new TreeMap<>();

    @Override
    public synchronized void started(String pathName, String peerId, String role) {
        running.put(pathName, new String[] {peerId, role});
        totals.computeIfAbsent(peerId + "\u0000" + role, k -> new long[6])[0]++;
    }

    @Override
    public synchronized void ended(String pathName, EmergencyPaths.PathCounters last) {
        String[] r = running.remove(pathName);
        if (r == null) {
            return;
        }
        long[] t = totals.computeIfAbsent(r[0] + "\u0000" + r[1], k -> new long[6]);
        t[1] += last.bytesOut();
        t[2] += last.bytesIn();
        t[3] += last.bytesDropped();
        t[4] += last.packetsRefused();
        t[5] += last.sessions();
    }

    @Override
    public synchronized List<String> running() {
        return List.copyOf(running.keySet());
    }

    @Override
    public synchronized List<EmergencyStatus.Total> totals() {
        List<EmergencyStatus.Total> out = new ArrayList<>();
        totals.forEach((k, t) -> {
            String[] pr = k.split("\u0000");
            out.add(new EmergencyStatus.Total(pr[0], pr[1], t[0], t[1], t[2], t[3], t[4], t[5]));
        });
        return out;
    }
}
