package net.coopwan.lab;

import java.io.BufferedWriter;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

/**
 * A paced, numbered UDP stream (a game's or a call's 50 packets a second) and its receiver, run
 * inside namespaces by the lab. The receiver writes one line per datagram, {@code NANOS SOURCE
 * SEQ}, with {@link System#nanoTime()}: CLOCK_MONOTONIC, the same clock in every namespace of the
 * machine, so a test can compare arrival times with the moment it cut a link.
 *
 * <pre>
 * UdpStream send --target ADDR:PORT --pps N --seconds S [--size BYTES]
 * UdpStream sink --bind ADDR:PORT --seconds S --out FILE [--with-size]   (prints "ready" once bound)
 * </pre>
 *
 * {@code --size} sets the UDP payload (16-1472 bytes, default 64); with {@code --with-size} the
 * sink appends the payload's length as a fourth field, {@code NANOS SOURCE SEQ BYTES} (readers of
 * the three-field lines are not given it unless they ask).
 */
public final class UdpStream {
    private UdpStream() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "";
        String addr = null;
        String out = null;
        int pps = 50;
        double seconds = 10;
        int size = 64;
        boolean withSize = false;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--target", "--bind" -> addr = args[++i];
                case "--pps" -> pps = Math.max(1, Math.min(10_000, Integer.parseInt(args[++i])));
                case "--seconds" -> seconds = Math.min(3600, Double.parseDouble(args[++i]));
                case "--out" -> out = args[++i];
                case "--size" -> size = Math.max(16, Math.min(1472, Integer.parseInt(args[++i])));
                case "--with-size" -> withSize = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (addr == null) {
            throw new IllegalArgumentException("usage: UdpStream send --target ADDR:PORT | sink --bind ADDR:PORT --out FILE");
        }
        int colon = addr.lastIndexOf(':');
        InetSocketAddress sa = new InetSocketAddress(InetAddress.getByName(addr.substring(0, colon)),
                Integer.parseInt(addr.substring(colon + 1)));
        long end = System.nanoTime() + (long) (seconds * 1e9);
        if (mode.equals("send")) {
            send(sa, pps, size, end);
        } else if (mode.equals("sink") && out != null) {
            sink(sa, Path.of(out), withSize, end);
        } else {
            throw new IllegalArgumentException("mode must be send or sink (with --out)");
        }
    }

    private static void send(InetSocketAddress target, int pps, int size, long end) throws IOException {
        long interval = 1_000_000_000L / pps;
        byte[] b = new byte[size];
        try (DatagramSocket s = new DatagramSocket()) {
            long next = System.nanoTime();
            for (long seq = 0; System.nanoTime() < end; seq++) {
                ByteBuffer.wrap(b).putLong(seq).putLong(System.nanoTime());
                try {
                    s.send(new DatagramPacket(b, b.length, target));
                } catch (IOException e) {
                    // no route for a moment (the path is changing): the datagram is lost, as on a real line
                }
                next += interval;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
        }
    }

    private static void sink(InetSocketAddress bind, Path out, boolean withSize, long end) throws IOException {
        try (DatagramSocket s = new DatagramSocket(bind); BufferedWriter w = Files.newBufferedWriter(out)) {
            s.setSoTimeout(100);
            System.out.println("ready");
            System.out.flush();
            byte[] b = new byte[2048];
            DatagramPacket p = new DatagramPacket(b, b.length);
            while (System.nanoTime() < end) {
                try {
                    s.receive(p);
                } catch (SocketTimeoutException e) {
                    w.flush();
                    continue;
                }
                long now = System.nanoTime();
                long seq = p.getLength() >= 8 ? ByteBuffer.wrap(b).getLong() : -1;
                w.write(now + " " + p.getAddress().getHostAddress() + " " + seq + (withSize ? " " + p.getLength() : "") + "\n");
                if (!withSize) {
                    w.flush(); // a test reads the file while the stream runs; at 50 pps this costs nothing
                }
            }
        }
    }
}
