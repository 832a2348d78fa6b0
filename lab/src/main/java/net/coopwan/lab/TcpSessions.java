package net.coopwan.lab;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Long and short TCP connections for the failover benchmark, run inside namespaces by the lab: an
 * echo server, and a client that keeps {@code --long N} connections open, each sending 16 bytes
 * every {@code --every-ms} and reading them back, and meanwhile opens a short connection every
 * {@code --short-ms} (connect, 16 bytes there and back, close). A long connection that fails is
 * logged and opened again (as an application reconnects), so the return to the first path meets
 * connections started on the second one.
 *
 * <p>The client writes one line per event with {@link System#nanoTime()} (CLOCK_MONOTONIC, the
 * same clock in every namespace):
 * <pre>
 * NANOS long SLOT GEN open
 * NANOS long SLOT GEN end REASON          (reset, eof, timeout, other: a message)
 * NANOS long SLOT GEN alive               (still open when the client stopped)
 * NANOS short ok MILLIS | NANOS short fail REASON     (NANOS: when the short connection started)
 *
 * TcpSessions server --bind ADDR:PORT --seconds S
 * TcpSessions client --target ADDR:PORT --seconds S --out FILE [--long 4] [--every-ms 100]
 *                    [--short-ms 200] [--timeout-ms 10000]
 * </pre>
 * Every loop is bounded by {@code --seconds} (at most an hour).
 */
public final class TcpSessions {
    private TcpSessions() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "";
        String addr = null;
        String out = null;
        double seconds = 10;
        int longCount = 4;
        int everyMs = 100;
        int shortMs = 200;
        int timeoutMs = 10_000;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--target", "--bind" -> addr = args[++i];
                case "--seconds" -> seconds = Math.min(3600, Double.parseDouble(args[++i]));
                case "--out" -> out = args[++i];
                case "--long" -> longCount = Math.max(0, Math.min(64, Integer.parseInt(args[++i])));
                case "--every-ms" -> everyMs = Math.max(10, Integer.parseInt(args[++i]));
                case "--short-ms" -> shortMs = Math.max(0, Integer.parseInt(args[++i]));
                case "--timeout-ms" -> timeoutMs = Math.max(100, Integer.parseInt(args[++i]));
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (addr == null) {
            throw new IllegalArgumentException("usage: TcpSessions server --bind ADDR:PORT | client --target ADDR:PORT --out FILE");
        }
        int colon = addr.lastIndexOf(':');
        InetSocketAddress sa = new InetSocketAddress(InetAddress.getByName(addr.substring(0, colon)),
                Integer.parseInt(addr.substring(colon + 1)));
        long end = System.nanoTime() + (long) (seconds * 1e9);
        if (mode.equals("server")) {
            server(sa, end);
        } else if (mode.equals("client") && out != null) {
            client(sa, Path.of(out), end, longCount, everyMs, shortMs, timeoutMs);
        } else {
            throw new IllegalArgumentException("mode must be server or client (with --out)");
        }
    }

    private static void server(InetSocketAddress bind, long end) throws IOException {
        try (ServerSocket ss = new ServerSocket()) {
            ss.setReuseAddress(true);
            ss.bind(bind, 128);
            ss.setSoTimeout(200);
            System.out.println("ready");
            System.out.flush();
            while (System.nanoTime() < end) {
                Socket s;
                try {
                    s = ss.accept();
                } catch (SocketTimeoutException e) {
                    continue;
                }
                Thread t = new Thread(() -> echo(s, end), "echo");
                t.setDaemon(true);
                t.start();
            }
        }
    }

    private static void echo(Socket s, long end) {
        try (s) {
            s.setSoTimeout(1000);
            InputStream in = s.getInputStream();
            OutputStream o = s.getOutputStream();
            byte[] b = new byte[4096];
            while (System.nanoTime() < end) {
                int n;
                try {
                    n = in.read(b);
                } catch (SocketTimeoutException e) {
                    continue;
                }
                if (n < 0) {
                    return;
                }
                o.write(b, 0, n);
            }
        } catch (IOException e) {
            // the peer went away (reset or moved): nothing to echo any more
        }
    }

    private static final class Log {
        private final BufferedWriter w;

        Log(Path out) throws IOException {
            w = Files.newBufferedWriter(out);
        }

        void line(String s) {
            line(System.nanoTime(), s);
        }

        synchronized void line(long nanos, String s) {
            try {
                w.write(nanos + " " + s + "\n");
                w.flush();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        synchronized void close() throws IOException {
            w.close();
        }
    }

    private static void client(InetSocketAddress target, Path out, long end, int longCount, int everyMs, int shortMs,
            int timeoutMs) throws Exception {
        Log log = new Log(out);
        List<Thread> threads = new ArrayList<>();
        for (int slot = 0; slot < longCount; slot++) {
            int sl = slot;
            threads.add(new Thread(() -> longSlot(target, log, end, sl, everyMs, timeoutMs), "long-" + slot));
        }
        if (shortMs > 0) {
            threads.add(new Thread(() -> shortLoop(target, log, end, shortMs), "short"));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join(Math.max(1, (end - System.nanoTime()) / 1_000_000 + 2L * timeoutMs + 5000));
        }
        log.close();
        System.exit(0);
    }

    private static void longSlot(InetSocketAddress target, Log log, long end, int slot, int everyMs, int timeoutMs) {
        byte[] msg = new byte[16];
        byte[] back = new byte[16];
        for (int gen = 0; System.nanoTime() < end; gen++) {
            boolean opened = false;
            try (Socket s = new Socket()) {
                s.connect(target, 1000);
                s.setSoTimeout(timeoutMs);
                s.setTcpNoDelay(true);
                opened = true;
                log.line("long " + slot + " " + gen + " open");
                InputStream in = s.getInputStream();
                OutputStream o = s.getOutputStream();
                while (System.nanoTime() < end) {
                    o.write(msg);
                    int got = 0;
                    while (got < msg.length) {
                        int n = in.read(back, got, back.length - got);
                        if (n < 0) {
                            throw new IOException("eof");
                        }
                        got += n;
                    }
                    Thread.sleep(everyMs);
                }
                log.line("long " + slot + " " + gen + " alive");
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (IOException e) {
                if (opened) {
                    log.line("long " + slot + " " + gen + " end " + reason(e));
                }
            }
            sleepQuietly(opened ? 100 : 300);
        }
    }

    private static void shortLoop(InetSocketAddress target, Log log, long end, int shortMs) {
        byte[] msg = new byte[16];
        byte[] back = new byte[16];
        while (System.nanoTime() < end) {
            long t0 = System.nanoTime();
            try (Socket s = new Socket()) {
                s.connect(target, 1000);
                s.setSoTimeout(1000);
                s.getOutputStream().write(msg);
                int got = 0;
                InputStream in = s.getInputStream();
                while (got < msg.length) {
                    int n = in.read(back, got, back.length - got);
                    if (n < 0) {
                        throw new IOException("eof");
                    }
                    got += n;
                }
                log.line(t0, "short ok " + (System.nanoTime() - t0) / 1_000_000);
            } catch (IOException e) {
                log.line(t0, "short fail " + reason(e));
            }
            long wait = shortMs - (System.nanoTime() - t0) / 1_000_000;
            if (wait > 0) {
                sleepQuietly(wait);
            }
        }
    }

    static String reason(IOException e) {
        String m = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
        if (m.contains("reset")) {
            return "reset";
        }
        if (e instanceof SocketTimeoutException || m.contains("timed out")) {
            return "timeout";
        }
        if (m.contains("eof")) {
            return "eof";
        }
        if (m.contains("refused")) {
            return "refused";
        }
        return "other:" + m.replace(' ', '_');
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
