package net.coopwan.luci.testsupport;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import net.coopwan.daemon.api.ControlApi;
import net.coopwan.daemon.api.ControlException;
import net.coopwan.daemon.api.SharingStatus;

/**
 * A ControlApi that lends to {@link #BORROWER} and borrows from {@link #SHARER}, with counters (a
 * test daemon's peer link cannot share): {@code stopLending} and {@code resumeLending} record the
 * call and flip that borrower's {@code stopped}, or refuse as the daemon does (NOT_FOUND) for a
 * neighbour that is no borrower. Every other call goes to {@code real} (a proxy, so nothing of
 * ControlApi is written out twice).
 */
public final class SharingApi {

    public static final String BORROWER = "coop-b01";
    public static final String SHARER = "coop-s02";

    private final List<String> changes = new CopyOnWriteArrayList<>();
    private volatile SharingStatus status = sample();
    private final ControlApi api;

    public SharingApi(ControlApi real) {
        api = (ControlApi) Proxy.newProxyInstance(ControlApi.class.getClassLoader(), new Class<?>[] {ControlApi.class},
                (proxy, m, args) -> switch (m.getName()) {
                    case "sharing" -> status;
                    case "stopLending", "resumeLending" -> {
                        change((String) args[0], (String) args[1], m.getName().equals("stopLending"));
                        yield null;
                    }
                    default -> {
                        try {
                            yield m.invoke(real, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    }
                });
    }

    /** The ControlApi to serve. */
    public ControlApi api() {
        return api;
    }

    /** Lends to BORROWER (3 sessions, 2 MiB down and 200 KiB up in all), borrows from SHARER (2 now, 9 moved). */
    public static SharingStatus sample() {
        return new SharingStatus(true, true, 7000, 900,
                List.of(new SharingStatus.Lending(BORROWER, 5000, 450, "LENDING", 625_000, false, 3, 1500, 150,
                        2L * 1024 * 1024, 200L * 1024)),
                List.of(new SharingStatus.Borrowing(SHARER, "BORROWING", 4000, 400, 833, 2, 9, 3000, 200,
                        5L * 1024 * 1024, 300L * 1024)),
                Map.of("SHARING_REFUSED_STOPPED", 1L), new SharingStatus.Totals(3, 2, 9, 2L * 1024 * 1024, 200L * 1024,
                        5L * 1024 * 1024, 300L * 1024));
    }

    /** "stop PEER via VIA" or "resume PEER via VIA" per change, in order. */
    public List<String> changes() {
        return List.copyOf(changes);
    }

    /** Back to {@link #sample()} with no change recorded. */
    public synchronized void reset() {
        changes.clear();
        status = sample();
    }

    private synchronized void change(String peer, String via, boolean stop) {
        SharingStatus s = status;
        List<SharingStatus.Lending> rows = new ArrayList<>();
        boolean found = false;
        for (SharingStatus.Lending l : s.lending()) {
            if (l.peerId().equals(peer)) {
                found = true;
                l = new SharingStatus.Lending(l.peerId(), l.offerDownKbps(), l.offerUpKbps(), l.state(), l.quotaBytes(),
                        stop, l.sessions(), l.rateDownKbps(), l.rateUpKbps(), l.bytesDown(), l.bytesUp());
            }
            rows.add(l);
        }
        if (!found) {
            throw new ControlException(ControlException.Reason.NOT_FOUND, "'" + peer + "' borrows nothing from this router");
        }
        changes.add((stop ? "stop " : "resume ") + peer + " via " + via);
        status = new SharingStatus(s.lend(), s.borrow(), s.spareDownKbps(), s.spareUpKbps(), rows, s.borrowing(),
                s.counters(), s.totals());
    }
}
