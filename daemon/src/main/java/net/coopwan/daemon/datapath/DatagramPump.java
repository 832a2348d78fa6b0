package net.coopwan.daemon.datapath;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Iterator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.coopwan.daemon.tunnel.Frame;

/**
 * One receiver thread over several non-blocking UDP channels: waits in a Selector, then drains
 * every ready channel into one reused {@link Frame}. One thread for all links means the reorder
 * buffer behind it needs no lock; draining until empty means one select per burst, not per
 * packet. Between bursts and at the handler's deadline it calls {@link Handler#onIdle}.
 */
final class DatagramPump implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(DatagramPump.class);

    interface Handler {
        /** A datagram of {@link Frame#length()} bytes from {@code source} arrived on channel {@code index}. */
        void onDatagram(int index, Frame frame, SocketAddress source);

        /** Called at least at the returned deadline; returns the next (System.nanoTime()). */
        long onIdle(long nowNanos);
    }

    private final Selector selector;
    private final Handler handler;
    private final Frame frame = new Frame();
    private final String name;
    private volatile boolean running = true;

    DatagramPump(String name, Handler handler) throws IOException {
        this.name = name;
        this.handler = handler;
        this.selector = Selector.open();
    }

    private record Pending(int index, DatagramChannel channel) {
    }

    private final java.util.concurrent.ConcurrentLinkedQueue<Pending> pending = new java.util.concurrent.ConcurrentLinkedQueue<>();

    /**
     * Registers a channel under {@code index}; safe from any thread. The receiver thread does
     * the registration itself between selects (a channel closed later drops out by itself).
     */
    void register(int index, DatagramChannel ch) throws IOException {
        ch.configureBlocking(false);
        pending.add(new Pending(index, ch));
        selector.wakeup();
    }

    void stop() {
        running = false;
        selector.wakeup();
    }

    @Override
    public void run() {
        long deadline = System.nanoTime();
        try {
            while (running) {
                long now = System.nanoTime();
                if (now - deadline >= 0) {
                    deadline = handler.onIdle(now);
                }
                long waitMs = Math.max(1, (deadline - now + 999_999) / 1_000_000);
                for (Pending p; (p = pending.poll()) != null; ) {
                    try {
                        p.channel().register(selector, SelectionKey.OP_READ, p.index());
                    } catch (java.nio.channels.ClosedChannelException e) {
                        // closed before it was registered: nothing to receive from
                    }
                }
                int n = selector.select(Math.min(waitMs, 1000));
                if (n == 0) {
                    continue;
                }
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey k = it.next();
                    it.remove();
                    drain((DatagramChannel) k.channel(), (Integer) k.attachment());
                }
                deadline = handler.onIdle(System.nanoTime());
            }
        } catch (ClosedSelectorException e) {
            // stopping
        } catch (IOException | RuntimeException e) {
            if (running) {
                LOG.error("{}: receiver stopped: {}", name, e.toString(), e);
            }
        } finally {
            try {
                selector.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }

    private void drain(DatagramChannel ch, int index) {
        // Bounded per visit so one busy link cannot starve the others or the deadline.
        for (int i = 0; i < 256 && running; i++) {
            SocketAddress from;
            java.nio.ByteBuffer in = frame.receiveSpace();
            try {
                if (ch.isConnected()) {
                    // a member link's socket: the kernel already filters the source, and read()
                    // makes no address object per packet
                    from = ch.read(in) > 0 || in.position() > 0 ? ch.getRemoteAddress() : null;
                } else {
                    from = ch.receive(in);
                }
            } catch (IOException e) {
                // ICMP port unreachable of a connected socket arrives here: the far end is not
                // listening (yet). Health notices the silence; nothing else to do.
                return;
            }
            if (from == null) {
                return;
            }
            frame.length(in.position());
            handler.onDatagram(index, frame, from);
        }
    }
}
