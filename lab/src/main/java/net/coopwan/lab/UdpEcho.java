package net.coopwan.lab;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;

/**
 * Echoes every UDP datagram back to its sender from the socket it arrived on, for a bounded time.
 * Run inside a namespace by the lab ({@code --bind 198.18.0.1:4791 --lifetime-ms 60000}); prints
 * {@code ready} once bound.
 */
public final class UdpEcho {
    private UdpEcho() {
    }

    public static void main(String[] args) throws Exception {
        String bind = "0.0.0.0:4791";
        long lifetimeMs = 60_000;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--bind" -> bind = args[++i];
                case "--lifetime-ms" -> lifetimeMs = Long.parseLong(args[++i]);
                default -> throw new IllegalArgumentException("usage: UdpEcho --bind ADDR:PORT --lifetime-ms N");
            }
        }
        int colon = bind.lastIndexOf(':');
        long end = System.nanoTime() + lifetimeMs * 1_000_000L;
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(bind.substring(0, colon)),
                Integer.parseInt(bind.substring(colon + 1))))) {
            s.setReceiveBufferSize(4 << 20);
            s.setSendBufferSize(4 << 20);
            s.setSoTimeout(200);
            System.out.println("ready " + s.getLocalSocketAddress());
            System.out.flush();
            byte[] buf = new byte[65536];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            long echoed = 0;
            while (System.nanoTime() < end) {
                p.setData(buf);
                try {
                    s.receive(p);
                } catch (SocketTimeoutException idle) {
                    continue;
                }
                try {
                    s.send(p);
                    echoed++;
                } catch (java.io.IOException e) {
                    System.err.println("echo: send failed: " + e);
                }
            }
            System.out.println("echoed=" + echoed);
        }
    }
}
