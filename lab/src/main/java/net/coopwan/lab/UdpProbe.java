package net.coopwan.lab;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends numbered, time-stamped UDP datagrams to an echo at a fixed pace and measures what comes
 * back: loss, round-trip times, throughput of the replies, and whether replies come from the very
 * address and port it sent to. Run inside a namespace by the lab; prints one line of
 * {@code key=value} pairs. With {@code --garbage} it sends random bytes of random length instead.
 */
public final class UdpProbe {
    private static final int MAGIC = 0x43574c50; // "CWLP"
    private static final int HEADER = 16;

    private UdpProbe() {
    }

    public static void main(String[] args) throws Exception {
        InetSocketAddress target = null;
        int count = 100;
        long intervalUs = 10_000;
        int size = 64;
        long waitMs = 2000;
        boolean garbage = false;
        long seed = 1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--target" -> {
                    String v = args[++i];
                    int colon = v.lastIndexOf(':');
                    target = new InetSocketAddress(InetAddress.getByName(v.substring(0, colon)),
                            Integer.parseInt(v.substring(colon + 1)));
                }
                case "--count" -> count = Integer.parseInt(args[++i]);
                case "--interval-us" -> intervalUs = Long.parseLong(args[++i]);
                case "--size" -> size = Math.max(HEADER, Integer.parseInt(args[++i]));
                case "--wait-ms" -> waitMs = Long.parseLong(args[++i]);
                case "--garbage" -> garbage = true;
                case "--seed" -> seed = Long.parseLong(args[++i]);
                default -> throw new IllegalArgumentException("usage: UdpProbe --target ADDR:PORT [--count N]"
                        + " [--interval-us N] [--size N] [--wait-ms N] [--garbage] [--seed N]");
            }
        }
        if (target == null) {
            throw new IllegalArgumentException("--target is required");
        }
        count = Math.min(count, 1_000_000);
        run(target, count, intervalUs, size, waitMs, garbage, seed);
    }

    private static void run(InetSocketAddress target, int count, long intervalUs, int size, long waitMs,
                            boolean garbage, long seed) throws Exception {
        Map<String, Object> out = new HashMap<>();
        try (DatagramSocket s = new DatagramSocket()) {
            s.setReceiveBufferSize(4 << 20);
            s.setSendBufferSize(4 << 20);
            Receiver rx = new Receiver(s, target, count);
            Thread t = new Thread(rx, "probe-rx");
            t.setDaemon(true);
            t.start();
            Random random = new Random(seed);
            byte[] buf = new byte[garbage ? 65507 : size];
            long start = System.nanoTime();
            int sent = 0;
            for (int seq = 0; seq < count; seq++) {
                long due = start + seq * intervalUs * 1000;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                int len;
                if (garbage) {
                    // Mostly small, sometimes up to the largest UDP payload.
                    len = random.nextInt(10) == 0 ? random.nextInt(65508) : random.nextInt(1500);
                    random.nextBytes(buf);
                } else {
                    len = size;
                    ByteBuffer.wrap(buf).putInt(MAGIC).putInt(seq).putLong(System.nanoTime());
                }
                try {
                    s.send(new DatagramPacket(buf, len, target));
                    sent++;
                } catch (java.io.IOException e) {
                    out.merge("send-errors", 1, (a, b) -> (Integer) a + 1);
                }
            }
            long sendEnd = System.nanoTime();
            t.join(Math.max(1, waitMs));
            rx.stop = true;
            t.join(1000);
            out.put("sent", sent);
            out.put("send-ms", (sendEnd - start) / 1_000_000);
            rx.report(out, garbage);
        }
        StringBuilder sb = new StringBuilder();
        out.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> sb.append(e.getKey()).append('=').append(e.getValue()).append(' '));
        System.out.println(sb.toString().strip());
    }

    /** Receives replies until all came back or it has been idle for a while. */
    private static final class Receiver implements Runnable {
        final DatagramSocket socket;
        final InetSocketAddress expected;
        final boolean[] seen;
        volatile boolean stop;
        int received;
        int duplicates;
        int wrongSource;
        int foreign;
        long rxBytes;
        long firstRx;
        long lastRx;
        double rttSum;
        double rttMin = Double.MAX_VALUE;
        double rttMax;
        int rttCount;
        int reordered;
        int highestSeq = -1;

        Receiver(DatagramSocket socket, InetSocketAddress expected, int count) {
            this.socket = socket;
            this.expected = expected;
            this.seen = new boolean[count];
        }

        @Override
        public void run() {
            byte[] buf = new byte[65536];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.setSoTimeout(100);
            } catch (java.net.SocketException ignored) {
                return;
            }
            while (!stop && received < seen.length) {
                p.setData(buf);
                try {
                    socket.receive(p);
                } catch (SocketTimeoutException idle) {
                    continue;
                } catch (java.io.IOException e) {
                    continue;
                }
                long now = System.nanoTime();
                synchronized (this) {
                    if (!expected.equals(p.getSocketAddress())) {
                        wrongSource++;
                    }
                    if (firstRx == 0) {
                        firstRx = now;
                    }
                    lastRx = now;
                    rxBytes += p.getLength();
                    ByteBuffer b = ByteBuffer.wrap(buf, 0, p.getLength());
                    if (p.getLength() < HEADER || b.getInt() != MAGIC) {
                        foreign++;
                        received++;
                        continue;
                    }
                    int seq = b.getInt();
                    long sentAt = b.getLong();
                    if (seq < 0 || seq >= seen.length) {
                        foreign++;
                        continue;
                    }
                    if (seen[seq]) {
                        duplicates++;
                        continue;
                    }
                    seen[seq] = true;
                    received++;
                    if (seq < highestSeq) {
                        reordered++;
                    }
                    highestSeq = Math.max(highestSeq, seq);
                    double rtt = (now - sentAt) / 1e6;
                    rttSum += rtt;
                    rttCount++;
                    rttMin = Math.min(rttMin, rtt);
                    rttMax = Math.max(rttMax, rtt);
                }
            }
        }

        synchronized void report(Map<String, Object> out, boolean garbage) {
            out.put("received", received);
            out.put("wrong-source", wrongSource);
            out.put("rx-bytes", rxBytes);
            if (garbage) {
                return;
            }
            out.put("duplicates", duplicates);
            out.put("foreign", foreign);
            out.put("reordered", reordered);
            out.put("rtt-min-ms", fmt(rttCount == 0 ? 0 : rttMin));
            out.put("rtt-avg-ms", fmt(rttCount == 0 ? 0 : rttSum / rttCount));
            out.put("rtt-max-ms", fmt(rttMax));
            long span = lastRx - firstRx;
            out.put("rx-span-ms", fmt(span / 1e6));
            // Throughput over the span between first and last reply: (n-1) datagrams' worth.
            out.put("rx-kbps", fmt(span <= 0 || received < 2 ? 0 : (rxBytes - rxBytes / received) * 8.0 / (span / 1e9) / 1000));
        }

        private static String fmt(double v) {
            return String.format(Locale.ROOT, "%.3f", v);
        }
    }

    /** Parses the probe's output line into numbers. */
    public static Map<String, Double> parse(String line) {
        Map<String, Double> m = new HashMap<>();
        for (String kv : line.strip().split("\\s+")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                m.put(kv.substring(0, eq), Double.parseDouble(kv.substring(eq + 1)));
            }
        }
        return m;
    }
}
