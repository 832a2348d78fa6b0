package net.coopwan.daemon.bond;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import net.coopwan.config.Bond;
import net.coopwan.config.ConfigException;
import net.coopwan.config.CoopwanConfig;
import net.coopwan.config.uci.UciDocument;
import net.coopwan.daemon.api.BondRequest;
import net.coopwan.daemon.api.BondStatus;
import net.coopwan.daemon.api.BondUpdate;
import net.coopwan.daemon.api.ControlException;
import net.coopwan.daemon.api.ControlException.Reason;
import net.coopwan.daemon.kernel.KernelInterfaces;
import net.coopwan.daemon.main.ConfigHolder;
import net.coopwan.daemon.main.ValidatedConfig;
import net.coopwan.daemon.store.EventLog;
import net.coopwan.daemon.tun.TunDevice;
import net.coopwan.daemon.tun.TunDevices;

/**
 * Owns the virtual bonded interfaces: one TUN per configured bond, and every change to the
 * {@code config bond} sections of the file. The ControlApi, and through it every front-end, calls
 * this one implementation.
 *
 * <p>The file is the truth about which bonds exist; this class keeps only the open interfaces and
 * what went wrong with them. A change reads the file, edits it, validates the whole result with
 * the config loader, makes the kernel change, writes the file atomically and then installs the new
 * configuration in the {@link ConfigHolder}: if the interface cannot be made nothing is written, and
 * if the file cannot be written the kernel change is undone. A refused change throws {@link
 * ControlException} and leaves file, kernel and event log as they were; a change that happened
 * records exactly one event.
 *
 * <p>On embedded defaults (no {@code --config FILE}) there is no file to keep bonds in, and a bond
 * that vanishes at the next restart surprises whoever made it over SNMP; changes are refused with
 * RESOURCE_UNAVAILABLE and a message saying how to fix it.
 *
 * <p>Thread-safe: every operation holds this object's monitor, which {@link
 * net.coopwan.daemon.main.Daemon#reload()} also holds while it re-reads the file and calls {@link
 * #reconcile}, so a reload and a bond change never interleave their read-modify-write.
 */
public final class BondManager implements AutoCloseable {

    /** Writes a validated document to the file; the default is {@link UciDocument#write(Path)} (atomic). */
    @FunctionalInterface
    public interface ConfigWriter {
        void write(UciDocument document, Path file) throws IOException;
    }

    /** The runtime side of one bond: its interface, or why it has none. */
    private static final class Live {
        TunDevice tun;
        /** The MTU last set on {@link #tun}. */
        int mtu;
        boolean inactive;
        String problem = "";
    }

    private final ConfigHolder config;
    private final TunDevices tuns;
    private final KernelInterfaces kernel;
    private final EventLog events;
    private final ConfigWriter writer;
    private volatile BondRuntime runtime = BondRuntime.NONE;
    private final Map<String, Live> live = new LinkedHashMap<>();
    private boolean closed;

    public BondManager(ConfigHolder config, TunDevices tuns, KernelInterfaces kernel, EventLog events) {
        this(config, tuns, kernel, events, UciDocument::write);
    }

    public BondManager(ConfigHolder config, TunDevices tuns, KernelInterfaces kernel, EventLog events,
                       ConfigWriter writer) {
        this.config = Objects.requireNonNull(config);
        this.tuns = Objects.requireNonNull(tuns);
        this.kernel = Objects.requireNonNull(kernel);
        this.events = Objects.requireNonNull(events);
        this.writer = Objects.requireNonNull(writer);
    }

    /** Sets what runs behind the interfaces (the data paths); before the first reconcile. */
    public synchronized void runtime(BondRuntime runtime) {
        this.runtime = Objects.requireNonNull(runtime);
    }

    /** Stops the bond's data path, then removes its interface. */
    private void closeTun(String name, Live l) {
        runtime.detach(name);
        l.tun.close();
    }

    // ---- queries ----

    public synchronized List<BondStatus> list() {
        List<BondStatus> out = new ArrayList<>();
        for (Bond b : config.current().bonds()) {
            out.add(status(b));
        }
        return out;
    }

    public synchronized Optional<BondStatus> get(String name) {
        return find(config.current(), name).map(this::status);
    }

    private BondStatus status(Bond b) {
        Live l = live.get(b.name());
        BondStatus.State state;
        int ifIndex = 0;
        String problem = "";
        if (l != null && l.tun != null) {
            state = BondStatus.State.ACTIVE;
            ifIndex = l.tun.ifIndex();
        } else if (l != null && l.inactive) {
            state = BondStatus.State.INACTIVE;
        } else {
            state = BondStatus.State.FAILED;
            problem = l == null || l.problem.isEmpty() ? "no interface" : l.problem;
        }
        return new BondStatus(b.name(), b.mode().uciName(), b.mtu(), b.members(), ifIndex, state, problem,
                runtime.describe(b.name()));
    }

    private static Optional<Bond> find(CoopwanConfig c, String name) {
        return c.bonds().stream().filter(b -> b.name().equals(name)).findFirst();
    }

    private Bond require(CoopwanConfig c, String name) {
        return find(c, name).orElseThrow(() -> new ControlException(Reason.NOT_FOUND, "no bond named '" + name + "'"));
    }

    // ---- changes ----

    /**
     * A checked create: every check {@link #create} makes before it touches the kernel or the file
     * (values, limits, names of bonds, uplinks, sections and kernel interfaces, the whole file
     * validated), so a dry run and the real call refuse the same request the same way.
     */
    private record CreatePlan(String name, Bond.Mode mode, int mtu, List<String> members, Path file,
                              ValidatedConfig next) {
    }

    private CreatePlan planCreate(BondRequest request) {
        Objects.requireNonNull(request, "request");
        String name = BondRules.checkName(request.name());
        Bond.Mode mode = BondRules.checkMode(request.mode());
        int mtu = BondRules.checkMtu(request.mtu());
        CoopwanConfig now = config.current();
        Path file = requireFile();
        BondRules.checkNameFree(name, now);
        List<String> members = BondRules.checkMembers(name, request.members(), now);
        if (kernel.byName(name).isPresent() && !live.containsKey(name)) {
            throw new ControlException(Reason.INCONSISTENT, "an interface named '" + name
                    + "' exists already and is not a coopwan bond");
        }
        UciDocument doc = readFile(file);
        if (doc.section(name).isPresent()) {
            throw new ControlException(Reason.INCONSISTENT, "'" + name + "' is already the name of a '"
                    + doc.section(name).get().type() + "' section in " + file);
        }
        UciDocument edited = doc.withSection("bond", name)
                .withOption(name, "mode", mode.uciName())
                .withOption(name, "mtu", Integer.toString(mtu))
                .withList(name, "member", members);
        return new CreatePlan(name, mode, mtu, members, file, validate(edited));
    }

    /**
     * Dry run of {@link #create}: throws what it would throw, changes nothing. Only what needs the
     * change itself can still fail the real call: the TUN device refused, the file not writable.
     */
    public synchronized void checkCreate(BondRequest request) {
        planCreate(request);
    }

    public synchronized BondStatus create(BondRequest request) {
        CreatePlan plan = planCreate(request);
        String name = plan.name();
        Bond.Mode mode = plan.mode();
        int mtu = plan.mtu();
        List<String> members = plan.members();
        Path file = plan.file();
        ValidatedConfig next = plan.next();
        TunDevice tun;
        try {
            tun = openUp(name, mtu);
        } catch (IOException e) {
            throw new ControlException(Reason.RESOURCE_UNAVAILABLE, e.getMessage(), e);
        }
        try {
            write(next, file);
        } catch (ControlException e) {
            tun.close();
            throw e;
        }
        Live l = new Live();
        l.tun = tun;
        l.mtu = mtu;
        live.put(name, l);
        config.install(next);
        events.record(source(name), "created (" + mode.uciName() + ", mtu " + mtu + ", " + members(members)
                + ") as ifindex " + tun.ifIndex());
        reconcileQuietly();
        return status(require(config.current(), name));
    }

    public synchronized void destroy(String name) {
        Path file = requireFile();
        Bond b = require(config.current(), name);
        UciDocument doc = readFile(file);
        if (doc.sections("bond").stream().noneMatch(s -> s.name().filter(name::equals).isPresent())) {
            throw new ControlException(Reason.INCONSISTENT, "bond '" + name + "' is no longer in " + file
                    + "; reload to catch up with the file");
        }
        ValidatedConfig next = validate(doc.withoutSection(name));
        write(next, file);
        config.install(next);
        Live l = live.remove(name);
        int ifIndex = 0;
        if (l != null && l.tun != null) {
            ifIndex = l.tun.ifIndex();
            closeTun(name, l);
        }
        events.record(source(name), "destroyed (" + b.mode().uciName() + ", mtu " + b.mtu() + ", "
                + members(b.members()) + ")" + (ifIndex > 0 ? ", interface ifindex " + ifIndex + " removed" : ""));
        reconcileQuietly();
    }

    /** A checked update; {@code next} is null when it changes nothing. */
    private record UpdatePlan(Bond bond, Integer mtu, List<String> changes, Path file, ValidatedConfig next) {
    }

    private UpdatePlan planUpdate(String name, BondUpdate update) {
        Objects.requireNonNull(update, "update");
        Bond.Mode mode = update.mode() == null ? null : BondRules.checkMode(update.mode());
        Integer mtu = update.mtu() == null ? null : BondRules.checkMtu(update.mtu());
        Path file = requireFile();
        Bond b = require(config.current(), name);
        UciDocument doc = bondSection(readFile(file), name, file);
        UciDocument edited = doc;
        if (mode != null) {
            edited = edited.withOption(name, "mode", mode.uciName());
            if (mode != Bond.Mode.ADAPTIVE && b.scheduler() == Bond.Scheduler.EARLIEST) {
                // scheduler 'earliest' needs mode adaptive: leaving that mode takes the option with it
                edited = edited.withoutOption(name, "scheduler");
            }
        }
        if (mtu != null) {
            edited = edited.withOption(name, "mtu", Integer.toString(mtu));
        }
        List<String> changes = new ArrayList<>();
        if (mode != null && mode != b.mode()) {
            changes.add("mode " + b.mode().uciName() + " -> " + mode.uciName());
        }
        if (mtu != null && mtu != b.mtu()) {
            changes.add("mtu " + b.mtu() + " -> " + mtu);
        }
        return new UpdatePlan(b, mtu, changes, file, changes.isEmpty() ? null : validate(edited));
    }

    /** Dry run of {@link #update}: throws what it would throw (all but a refused MTU or file write), changes nothing. */
    public synchronized void checkUpdate(String name, BondUpdate update) {
        planUpdate(name, update);
    }

    public synchronized BondStatus update(String name, BondUpdate update) {
        UpdatePlan plan = planUpdate(name, update);
        Bond b = plan.bond();
        Integer mtu = plan.mtu();
        List<String> changes = plan.changes();
        Path file = plan.file();
        if (plan.next() == null) {
            return status(b);
        }
        ValidatedConfig next = plan.next();
        Live l = live.get(name);
        boolean mtuApplied = false;
        if (mtu != null && mtu != b.mtu() && l != null && l.tun != null) {
            try {
                l.tun.setMtu(mtu);
                l.mtu = mtu;
                mtuApplied = true;
            } catch (IOException e) {
                throw new ControlException(Reason.RESOURCE_UNAVAILABLE, e.getMessage(), e);
            }
        }
        try {
            write(next, file);
        } catch (ControlException e) {
            if (mtuApplied) {
                try {
                    l.tun.setMtu(b.mtu());
                    l.mtu = b.mtu();
                } catch (IOException undo) {
                    e.addSuppressed(undo);
                }
            }
            throw e;
        }
        config.install(next);
        events.record(source(name), String.join(", ", changes));
        reconcileQuietly();
        return status(require(config.current(), name));
    }

    /** A checked member change: the bond, its new member list and the validated file. */
    private record MembersPlan(Bond bond, List<String> members, Path file, ValidatedConfig next) {
    }

    private MembersPlan planAddMember(String bond, String uplink) {
        Path file = requireFile();
        Bond b = require(config.current(), bond);
        BondRules.checkAddMember(bond, b.members(), uplink, config.current());
        List<String> members = new ArrayList<>(b.members());
        members.add(uplink);
        return planMembers(b, members, file);
    }

    /** Dry run of {@link #addMember}: throws what it would throw (all but a file write), changes nothing. */
    public synchronized void checkAddMember(String bond, String uplink) {
        planAddMember(bond, uplink);
    }

    public synchronized BondStatus addMember(String bond, String uplink) {
        return changeMembers(planAddMember(bond, uplink), "member " + uplink + " added");
    }

    public synchronized BondStatus removeMember(String bond, String uplink) {
        Path file = requireFile();
        Bond b = require(config.current(), bond);
        BondRules.checkRemoveMember(bond, b.members(), uplink);
        List<String> members = new ArrayList<>(b.members());
        members.remove(uplink);
        return changeMembers(planMembers(b, members, file), "member " + uplink + " removed");
    }

    private MembersPlan planMembers(Bond b, List<String> members, Path file) {
        UciDocument doc = bondSection(readFile(file), b.name(), file);
        return new MembersPlan(b, members, file, validate(doc.withList(b.name(), "member", members)));
    }

    private BondStatus changeMembers(MembersPlan plan, String what) {
        Bond b = plan.bond();
        write(plan.next(), plan.file());
        config.install(plan.next());
        events.record(source(b.name()), what + " (" + members(plan.members()) + ")");
        reconcileQuietly();
        return status(require(config.current(), b.name()));
    }

    /**
     * Removes (false) or makes (true) the bond's interface, keeping the bond configured. Not
     * written to the file: a restart makes every configured bond active again.
     */
    public synchronized BondStatus setActive(String name, boolean active) {
        Bond b = require(config.current(), name);
        Live l = live.computeIfAbsent(name, n -> new Live());
        if (!active) {
            if (l.tun != null || !l.inactive) {
                int ifIndex = l.tun == null ? 0 : l.tun.ifIndex();
                if (l.tun != null) {
                    closeTun(name, l);
                    l.tun = null;
                }
                l.inactive = true;
                l.problem = "";
                events.record(source(name), "taken out of service" + (ifIndex > 0 ? ", interface ifindex " + ifIndex + " removed" : ""));
            }
            return status(b);
        }
        if (l.tun == null) {
            try {
                l.tun = openUp(name, b.mtu());
                l.mtu = b.mtu();
            } catch (IOException e) {
                throw new ControlException(Reason.RESOURCE_UNAVAILABLE, e.getMessage(), e);
            }
            l.inactive = false;
            l.problem = "";
            events.record(source(name), "in service as ifindex " + l.tun.ifIndex());
            syncRuntime(b, l, config.current(), new ArrayList<>());
        }
        return status(b);
    }

    // ---- start, reload, stop ----

    /**
     * Brings the interfaces in line with CONFIG: makes the missing ones (not those taken out of
     * service), removes those of bonds no longer configured, sets changed MTUs. A bond whose
     * interface cannot be made is recorded (event, state FAILED with the reason) and the others go
     * on: a router without one bond is better than a router without its daemon.
     *
     * @return what changed, one phrase per bond, empty when nothing did
     */
    public synchronized List<String> reconcile(CoopwanConfig target) {
        List<String> done = new ArrayList<>();
        if (closed) {
            return done;
        }
        for (var it = live.entrySet().iterator(); it.hasNext();) {
            var e = it.next();
            if (find(target, e.getKey()).isEmpty()) {
                it.remove();
                if (e.getValue().tun != null) {
                    int ifIndex = e.getValue().tun.ifIndex();
                    closeTun(e.getKey(), e.getValue());
                    events.record(source(e.getKey()), "no longer configured, interface ifindex " + ifIndex + " removed");
                    done.add(e.getKey() + " removed");
                }
            }
        }
        for (Bond b : target.bonds()) {
            Live l = live.computeIfAbsent(b.name(), n -> new Live());
            if (l.inactive) {
                continue;
            }
            if (l.tun == null) {
                try {
                    l.tun = openUp(b.name(), b.mtu());
                    l.mtu = b.mtu();
                    l.problem = "";
                    events.record(source(b.name()), "interface up (" + b.mode().uciName() + ", mtu " + b.mtu()
                            + ", " + members(b.members()) + ") as ifindex " + l.tun.ifIndex());
                    done.add(b.name() + " created");
                } catch (IOException | RuntimeException e) {
                    String why = e.getMessage() == null ? e.toString() : e.getMessage();
                    if (!why.equals(l.problem)) {
                        events.record(source(b.name()), "no interface: " + why);
                    }
                    l.problem = why;
                    done.add(b.name() + " failed");
                }
            } else {
                try {
                    if (l.mtu != b.mtu()) {
                        l.tun.setMtu(b.mtu());
                        l.mtu = b.mtu();
                        events.record(source(b.name()), "mtu " + b.mtu());
                        done.add(b.name() + " mtu " + b.mtu());
                    }
                } catch (IOException e) {
                    events.record(source(b.name()), "cannot set mtu " + b.mtu() + ": " + e.getMessage());
                    done.add(b.name() + " mtu failed");
                }
            }
            syncRuntime(b, l, target, done);
        }
        return done;
    }

    private void syncRuntime(Bond b, Live l, CoopwanConfig target, List<String> done) {
        if (l.tun == null) {
            return;
        }
        String change = runtime.sync(b, l.tun, target);
        if (change != null) {
            events.record(source(b.name()), change);
            done.add(b.name() + " data path");
        }
    }

    /**
     * After a change the installed file may carry other edits made by hand since the last reload
     * (the change re-read the file); bring the interfaces in line with it too.
     */
    private void reconcileQuietly() {
        reconcile(config.current());
    }

    /** Removes every interface (the daemon stops); the bonds stay configured. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (var e : live.entrySet()) {
            TunDevice t = e.getValue().tun;
            if (t != null) {
                int ifIndex = t.ifIndex();
                closeTun(e.getKey(), e.getValue());
                events.record(source(e.getKey()), "interface ifindex " + ifIndex + " removed (daemon stopping)");
            }
        }
        live.clear();
        runtime.close();
    }

    // ---- helpers ----

    private TunDevice openUp(String name, int mtu) throws IOException {
        if (closed) {
            throw new IOException("cannot create interface '" + name + "': the daemon is stopping");
        }
        TunDevice tun = tuns.open(name);
        try {
            tun.setMtu(mtu);
            tun.setUp(true);
            return tun;
        } catch (IOException | RuntimeException e) {
            tun.close();
            throw e;
        }
    }

    private Path requireFile() {
        Path file = config.file();
        if (file == null) {
            throw new ControlException(Reason.RESOURCE_UNAVAILABLE,
                    "running on embedded defaults; start with --config FILE to manage bonds");
        }
        return file;
    }

    private static UciDocument readFile(Path file) {
        try {
            return UciDocument.read(file);
        } catch (ConfigException e) {
            throw new ControlException(Reason.RESOURCE_UNAVAILABLE, "cannot change bonds: " + e.getMessage(), e);
        }
    }

    private static UciDocument bondSection(UciDocument doc, String name, Path file) {
        if (doc.sections("bond").stream().noneMatch(s -> s.name().filter(name::equals).isPresent())) {
            throw new ControlException(Reason.INCONSISTENT, "bond '" + name + "' is no longer in " + file
                    + "; reload to catch up with the file");
        }
        return doc;
    }

    private static ValidatedConfig validate(UciDocument edited) {
        try {
            return ValidatedConfig.of(edited);
        } catch (ConfigException e) {
            throw new ControlException(Reason.INCONSISTENT, "the configuration would not be valid: " + e.getMessage(), e);
        }
    }

    private void write(ValidatedConfig next, Path file) {
        try {
            writer.write(next.document(), file);
        } catch (IOException e) {
            throw new ControlException(Reason.RESOURCE_UNAVAILABLE, "cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static String source(String name) {
        return "bond " + name;
    }

    /** "members wan, lte", or "no members" for a bond that carries nothing yet. */
    private static String members(List<String> members) {
        return members.isEmpty() ? "no members" : "members " + String.join(", ", members);
    }
}
