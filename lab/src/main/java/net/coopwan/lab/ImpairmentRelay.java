package net.coopwan.lab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A user-space UDP relay that impairs a link (the kernel here has no netem): delay, jitter, loss
 * (Bernoulli, bursty per packet as Gilbert-Elliott, or in fades of time), rate limit with a bounded
 * queue, delay steps on a schedule and outages, each per direction (up = client to upstream, down =
 * upstream to client), modelled by one {@link LinkImpairment} per direction.
 *
 * <p><b>How it sits transparently on an ISP.</b> In the ISP namespace, nftables redirects the
 * tunnel's UDP port arriving from the router side to the relay's listening port:
 * {@code iifname "down0" udp dport 4791 redirect to :14791} in a nat prerouting chain. Redirect is a
 * DNAT to the ISP's own address, and conntrack remembers the original destination (198.18.0.1:4791).
 * The relay sends each client's datagrams upstream from its own socket, one connected channel per
 * client address and port (so the upstream sees one flow per client, as through a NAT), and sends
 * the replies back from its listening socket. That reply matches the conntrack entry's reply
 * direction, so the kernel rewrites its source back to 198.18.0.1:4791: the router sees exactly the
 * address it sent to. The lab's tests verify this in real namespaces (ImpairmentRelayTest).
 *
 * <p><b>Scheduling.</b> One selector thread receives on all sockets, asks the direction's model for
 * a release time and puts the datagram into that direction's priority queue; one thread per
 * direction sends datagrams when their release time comes. Memory is bounded: each direction holds
 * at most {@value #MAX_QUEUED} datagrams and {@value #MAX_QUEUED_BYTES} bytes, beyond that a
 * datagram counts as dropped-queue. Datagrams are relayed as bytes, never parsed; any size up to
 * 65535 works. Nothing a peer sends can stop the relay; errors are counted and logged to stderr.
 *
 * <p><b>Control.</b> Lines on stdin, and on TCP 127.0.0.1:control-port when given, each answered by
 * one line: {@code set up|down|both delay|jitter|loss|ge|gemean|fades|rate|queue|reorder|steps VALUE},
 * {@code outage MS [up|down|both]}, {@code stats}, {@code show}, {@code reset}, {@code ping}. A
 * {@code steps} schedule set by a control line counts its offsets from that line (one given at
 * start, from the relay's start) and replaces the steps still to come. On start it prints
 * {@code ready ...} on stdout.
 */
public final class ImpairmentRelay implements AutoCloseable {
    static final int MAX_QUEUED = 20_000;
    static final long MAX_QUEUED_BYTES = 64L << 20;
    static final int MAX_CLIENTS = 1024;

    private final DatagramChannel listen;
    private final InetSocketAddress upstream;
    private final Selector selector;
    private final Map<SocketAddress, Client> clients = new HashMap<>();
    private final Direction up;
    private final Direction down;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;
    private ServerSocket control;

    private record Client(InetSocketAddress address, DatagramChannel channel) {
    }

    /** One direction: its model and release queue, sent by one thread of its own. */
    private final class Direction {
        final String name;
        final LinkImpairment model;
        final ReleaseQueue<Client> queue;

        Direction(String name, LinkImpairment model, boolean towardsUpstream) {
            this.name = name;
            this.model = model;
            this.queue = new ReleaseQueue<>(name, model, (b, client) -> {
                int size = b.remaining();
                int sent = towardsUpstream ? client.channel.write(b) : listen.send(b, client.address);
                return sent == size;
            }, MAX_QUEUED, MAX_QUEUED_BYTES);
        }

        void offer(ByteBuffer data, Client client) {
            queue.offer(data, client);
        }

        int queued() {
            return queue.queued();
        }

        void clear() {
            queue.clear();
        }

        void pump() {
            queue.pump(() -> running);
        }
    }

    public ImpairmentRelay(int listenPort, InetSocketAddress upstream, long seed) throws IOException {
        this.upstream = upstream;
        long start = System.nanoTime();
        this.up = new Direction("up", new LinkImpairment(seed, start), true);
        this.down = new Direction("down", new LinkImpairment(seed + 1_000_003L, start), false);
        this.selector = Selector.open();
        this.listen = DatagramChannel.open();
        listen.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        listen.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
        listen.setOption(StandardSocketOptions.SO_SNDBUF, 4 << 20);
        listen.bind(new InetSocketAddress(listenPort));
        listen.configureBlocking(false);
        listen.register(selector, SelectionKey.OP_READ, null);
    }

    public LinkImpairment up() {
        return up.model;
    }

    public LinkImpairment down() {
        return down.model;
    }

    public int listenPort() {
        return listen.socket().getLocalPort();
    }

    /** Starts the receive and the two send threads. */
    public void start() {
        threads.add(daemon("relay-receive", this::receiveLoop));
        threads.add(daemon("relay-up", up::pump));
        threads.add(daemon("relay-down", down::pump));
    }

    private static Thread daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private void receiveLoop() {
        ByteBuffer buf = ByteBuffer.allocateDirect(65536);
        while (running) {
            try {
                selector.select(500);
                var keys = selector.selectedKeys();
                for (SelectionKey key : keys) {
                    Client client = (Client) key.attachment();
                    if (client == null) {
                        drainListen(buf);
                    } else {
                        drainUpstream(buf, client);
                    }
                }
                keys.clear();
            } catch (IOException | RuntimeException e) {
                log("receive: " + e);
            }
        }
    }

    private void drainListen(ByteBuffer buf) {
        for (int i = 0; i < 256; i++) {
            SocketAddress from;
            try {
                buf.clear();
                from = listen.receive(buf);
            } catch (IOException e) {
                up.model.error();
                log("receive from clients: " + e);
                continue;
            }
            if (from == null) {
                return;
            }
            buf.flip();
            Client c = clients.get(from);
            if (c == null) {
                c = newClient((InetSocketAddress) from);
                if (c == null) {
                    up.model.dropOverflow();
                    continue;
                }
            }
            up.offer(buf, c);
        }
    }

    private Client newClient(InetSocketAddress from) {
        if (clients.size() >= MAX_CLIENTS) {
            return null;
        }
        try {
            DatagramChannel ch = DatagramChannel.open();
            ch.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
            ch.setOption(StandardSocketOptions.SO_SNDBUF, 4 << 20);
            ch.connect(upstream);
            ch.configureBlocking(false);
            Client c = new Client(from, ch);
            ch.register(selector, SelectionKey.OP_READ, c);
            clients.put(from, c);
            log("client " + from + " via " + ch.getLocalAddress());
            return c;
        } catch (IOException e) {
            log("cannot open upstream channel for " + from + ": " + e);
            return null;
        }
    }

    private void drainUpstream(ByteBuffer buf, Client client) {
        for (int i = 0; i < 256; i++) {
            try {
                buf.clear();
                if (client.channel.receive(buf) == null) {
                    return;
                }
            } catch (IOException e) {
                // A connected UDP socket reports an earlier ICMP port unreachable here; keep going.
                down.model.error();
                continue;
            }
            buf.flip();
            down.offer(buf, client);
        }
    }

    // ---------------------------------------------------------------- control

    /** Executes one control line and returns the one-line answer. */
    public String command(String line) {
        String[] w = line.strip().toLowerCase(Locale.ROOT).split("\\s+");
        try {
            switch (w[0]) {
                case "ping":
                    return "pong";
                case "stats":
                    return statsLine();
                case "show":
                    return "up " + up.model.settings() + " | down " + down.model.settings();
                case "reset":
                    up.clear();
                    down.clear();
                    return "ok";
                case "outage": {
                    long ms = Long.parseLong(w[1]);
                    long now = System.nanoTime();
                    for (Direction d : directions(w.length > 2 ? w[2] : "both")) {
                        d.model.outageNow(now, ms);
                    }
                    return "ok";
                }
                case "set": {
                    if (w.length != 4) {
                        return "error usage: set up|down|both delay|jitter|loss|ge|gemean|fades|rate|queue|reorder|steps VALUE";
                    }
                    if (w[2].equals("steps")) {
                        // at run time the schedule starts now, as "outage MS" does
                        List<LinkImpairment.DelayStep> steps = LinkImpairment.DelayStep.parseList(w[3]);
                        long now = System.nanoTime();
                        for (Direction d : directions(w[1])) {
                            d.model.setDelaySteps(now, steps);
                        }
                        return "ok";
                    }
                    for (Direction d : directions(w[1])) {
                        set(d.model, w[2], w[3]);
                    }
                    return "ok";
                }
                default:
                    return "error unknown command " + w[0];
            }
        } catch (RuntimeException e) {
            return "error " + e.getMessage();
        }
    }

    private List<Direction> directions(String which) {
        switch (which) {
            case "up":
                return List.of(up);
            case "down":
                return List.of(down);
            case "both":
                return List.of(up, down);
            default:
                throw new IllegalArgumentException("direction must be up, down or both, got " + which);
        }
    }

    /**
     * Applies one setting ({@code delay}, {@code jitter}, {@code loss}, {@code ge}, {@code gemean},
     * {@code fades}, {@code rate}, {@code queue}, {@code reorder}, {@code steps}) to a model; the
     * offsets of {@code steps} count from the model's start (the relay's control line counts them
     * from the line instead).
     */
    public static void set(LinkImpairment m, String what, String value) {
        switch (what) {
            case "delay":
                m.setDelayMs(Double.parseDouble(value));
                break;
            case "jitter":
                m.setJitterMs(Double.parseDouble(value));
                break;
            case "loss":
                m.setLossPct(Double.parseDouble(value));
                break;
            case "ge":
                m.setGilbertElliott(LinkImpairment.GilbertElliott.parse(value));
                break;
            case "gemean":
                m.setGilbertElliott(LinkImpairment.GilbertElliott.parseMean(value));
                break;
            case "steps":
                m.scheduleDelaySteps(LinkImpairment.DelayStep.parseList(value));
                break;
            case "fades":
                m.setFades(LinkImpairment.Fades.parse(value));
                break;
            case "rate":
                m.setRateKbps(Long.parseLong(value));
                break;
            case "queue":
                m.setQueueMs(Double.parseDouble(value));
                break;
            case "reorder":
                m.setReorder(value.equals("on") || value.equals("true") || value.equals("1"));
                break;
            default:
                throw new IllegalArgumentException("unknown setting " + what);
        }
    }

    private String statsLine() {
        StringBuilder sb = new StringBuilder();
        for (Direction d : List.of(up, down)) {
            LinkImpairment.Stats s = d.model.stats(d.queued());
            sb.append(d.name).append(".received=").append(s.received())
                    .append(' ').append(d.name).append(".forwarded=").append(s.forwarded())
                    .append(' ').append(d.name).append(".dropped-loss=").append(s.droppedLoss())
                    .append(' ').append(d.name).append(".dropped-queue=").append(s.droppedQueue())
                    .append(' ').append(d.name).append(".dropped-outage=").append(s.droppedOutage())
                    .append(' ').append(d.name).append(".errors=").append(s.errors())
                    .append(' ').append(d.name).append(".queued=").append(s.queued()).append(' ');
        }
        return sb.append("clients=").append(clients.size()).toString();
    }

    /** Serves control lines on TCP 127.0.0.1:port, one answer line per line, a few clients at once. */
    public void serveControl(int port) throws IOException {
        control = new ServerSocket(port, 8, InetAddress.getLoopbackAddress());
        AtomicInteger open = new AtomicInteger();
        threads.add(daemon("relay-control", () -> {
            while (running) {
                try {
                    Socket s = control.accept();
                    if (open.incrementAndGet() > 8) {
                        open.decrementAndGet();
                        s.close();
                        continue;
                    }
                    daemon("relay-control-conn", () -> {
                        try (s; BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                                StandardCharsets.UTF_8)); PrintWriter out = new PrintWriter(s.getOutputStream(), true,
                                StandardCharsets.UTF_8)) {
                            s.setSoTimeout(600_000);
                            String line;
                            while ((line = readBounded(in)) != null) {
                                if (!line.isBlank()) {
                                    out.println(command(line));
                                }
                            }
                        } catch (IOException | RuntimeException ignored) {
                            // client went away
                        } finally {
                            open.decrementAndGet();
                        }
                    });
                } catch (IOException e) {
                    if (running) {
                        log("control: " + e);
                    }
                }
            }
        }));
    }

    /** Serves control lines on stdin, answers on stdout; at end of input the relay keeps running. */
    public void serveStdin(PrintStream out) {
        threads.add(daemon("relay-stdin", () -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = readBounded(in)) != null) {
                    if (!line.isBlank()) {
                        out.println(command(line));
                        out.flush();
                    }
                }
            } catch (IOException | RuntimeException ignored) {
                // owner went away; keep relaying until killed
            }
        }));
    }

    private static String readBounded(BufferedReader in) throws IOException {
        String line = in.readLine();
        return line == null ? null : line.length() > 1000 ? "error-line-too-long" : line;
    }

    @Override
    public void close() {
        running = false;
        try {
            selector.wakeup();
            listen.close();
            for (Client c : clients.values()) {
                c.channel.close();
            }
            if (control != null) {
                control.close();
            }
            selector.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        threads.forEach(Thread::interrupt);
    }

    private static void log(String message) {
        System.err.println("relay: " + message);
    }

    // ---------------------------------------------------------------- main

    /**
     * {@code --listen PORT --upstream ADDR:PORT [--delay-ms N] [--jitter-ms N] [--loss-pct N] [--ge P,R,H[,K]]
     * [--gemean LOSS_PCT,BURST_PACKETS] [--fades GOOD_MS,BAD_MS,H[,K]] [--rate-kbps N] [--queue-ms N] [--reorder]
     * [--steps AT_MS:DELAY_MS[:JITTER_MS],...] [--outage START:DUR]... [--control-port N] [--seed N]
     * [--lifetime-ms N]}; each impairment flag also as {@code --up-...} and {@code --down-...}.
     */
    public static void main(String[] args) throws Exception {
        Options o;
        ImpairmentRelay relay;
        try {
            o = Options.parse(args);
            relay = o.create();
        } catch (IllegalArgumentException e) {
            System.err.println("relay: " + e.getMessage());
            System.exit(2);
            return;
        }
        relay.start();
        if (o.controlPort != null) {
            relay.serveControl(o.controlPort);
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        relay.serveStdin(out);
        out.println("ready listen=" + relay.listenPort() + " upstream=" + o.upstream.getAddress().getHostAddress()
                + ":" + o.upstream.getPort() + (o.controlPort == null ? "" : " control=127.0.0.1:" + o.controlPort));
        if (o.lifetimeMs > 0) {
            Thread.sleep(o.lifetimeMs);
            relay.close();
            System.exit(0);
        }
        Thread.currentThread().join();
    }

    /** The command line, parsed; {@link #create()} makes the relay with its impairments set. */
    static final class Options {
        int listenPort = -1;
        InetSocketAddress upstream;
        Integer controlPort;
        long seed = 1;
        long lifetimeMs;
        final List<String[]> settings = new ArrayList<>();
        final List<String[]> outages = new ArrayList<>();

        static Options parse(String[] args) {
            Options o = new Options();
            try {
                for (int i = 0; i < args.length; i++) {
                    String a = args[i];
                    switch (a) {
                        case "--listen" -> o.listenPort = Integer.parseInt(args[++i]);
                        case "--upstream" -> o.upstream = address(args[++i]);
                        case "--control-port" -> o.controlPort = Integer.parseInt(args[++i]);
                        case "--seed" -> o.seed = Long.parseLong(args[++i]);
                        case "--lifetime-ms" -> o.lifetimeMs = Long.parseLong(args[++i]);
                        default -> i = o.impairment(args, i);
                    }
                }
            } catch (ArrayIndexOutOfBoundsException | NumberFormatException e) {
                throw usage("bad or missing value: " + e.getMessage());
            }
            if (o.listenPort < 0 || o.upstream == null) {
                throw usage("--listen and --upstream are required");
            }
            return o;
        }

        /** An impairment flag, plain (both directions) or with an up-/down- prefix. */
        private int impairment(String[] args, int i) {
            String a = args[i];
            String dir = "both";
            String flag = a;
            if (flag.startsWith("--up-")) {
                dir = "up";
                flag = "--" + flag.substring(5);
            } else if (flag.startsWith("--down-")) {
                dir = "down";
                flag = "--" + flag.substring(7);
            }
            String setting = switch (flag) {
                case "--delay-ms" -> "delay";
                case "--jitter-ms" -> "jitter";
                case "--loss-pct" -> "loss";
                case "--ge" -> "ge";
                case "--gemean" -> "gemean";
                case "--steps" -> "steps";
                case "--fades" -> "fades";
                case "--rate-kbps" -> "rate";
                case "--queue-ms" -> "queue";
                case "--reorder" -> "reorder";
                case "--outage" -> "outage";
                default -> throw usage("unknown flag " + a);
            };
            if (setting.equals("reorder")) {
                settings.add(new String[] {dir, setting, "on"});
                return i;
            }
            String value = args[++i];
            if (setting.equals("outage")) {
                String[] p = value.split(":");
                if (p.length != 2) {
                    throw usage("--outage wants START_MS:DURATION_MS, got " + value);
                }
                outages.add(new String[] {dir, p[0], p[1]});
            } else {
                settings.add(new String[] {dir, setting, value});
            }
            return i;
        }

        private static InetSocketAddress address(String v) {
            int colon = v.lastIndexOf(':');
            if (colon < 0) {
                throw usage("address wants ADDR:PORT, got " + v);
            }
            return new InetSocketAddress(v.substring(0, colon), Integer.parseInt(v.substring(colon + 1)));
        }

        ImpairmentRelay create() throws IOException {
            ImpairmentRelay relay = new ImpairmentRelay(listenPort, upstream, seed);
            try {
                for (String[] s : settings) {
                    for (Direction d : relay.directions(s[0])) {
                        set(d.model, s[1], s[2]);
                    }
                }
                for (String[] o : outages) {
                    for (Direction d : relay.directions(o[0])) {
                        d.model.scheduleOutage(Long.parseLong(o[1]), Long.parseLong(o[2]));
                    }
                }
            } catch (RuntimeException e) {
                relay.close();
                throw usage(e.getMessage());
            }
            return relay;
        }
    }

    private static IllegalArgumentException usage(String why) {
        return new IllegalArgumentException(why + "\nusage: ImpairmentRelay --listen PORT --upstream ADDR:PORT"
                + " [--[up-|down-]delay-ms N] [--[up-|down-]jitter-ms N] [--[up-|down-]loss-pct N] [--[up-|down-]ge P,R,LOSS_BAD[,LOSS_GOOD]] [--[up-|down-]gemean LOSS_PCT,BURST_PACKETS]"
                + " [--[up-|down-]fades GOOD_MS,BAD_MS,LOSS_BAD[,LOSS_GOOD]]"
                + " [--[up-|down-]rate-kbps N] [--[up-|down-]queue-ms N] [--[up-|down-]reorder]"
                + " [--[up-|down-]steps AT_MS:DELAY_MS[:JITTER_MS],...]"
                + " [--[up-|down-]outage START:DUR]... [--control-port N] [--seed N] [--lifetime-ms N]");
    }
}
