package net.coopwan.webui.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** One plain HTTP/1.1 GET to this server, for warm-up; the answer is read and dropped. */
final class SelfRequest {

    private static final int TIMEOUT_MS = 10_000;

    private SelfRequest() {
    }

    static void get(String listen, int port, String path) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(target(listen), port), TIMEOUT_MS);
            s.setSoTimeout(TIMEOUT_MS);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            while (in.read(buf) >= 0) {
                // Drain until the server closes.
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The wildcard address is not something to connect to; loopback reaches the same socket. */
    private static InetAddress target(String listen) throws IOException {
        InetAddress a = InetAddress.getByName(listen);
        return a.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : a;
    }
}
