package net.coopwan.daemon.uplink.failure;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.function.LongConsumer;

/**
 * What {@link IcmpProber} and {@link UdpProber} share: one {@link ProbeSocket} bound to the
 * uplink device, a random token that marks our probes, fixed buffers (no allocation per probe
 * or reply), and the counting of failures and foreign replies.
 */
abstract class SocketProber implements Prober {

    /** Large enough for our replies with any IP options; longer datagrams are truncated and fail the checks. */
    static final int RECEIVE_BUFFER = 576;
    private static final SecureRandom RANDOM = new SecureRandom();

    protected final ProbeTarget target;
    protected final int targetBits;
    protected final byte[] token = new byte[8];
    protected final byte[] out = new byte[64];
    private final byte[] in = new byte[RECEIVE_BUFFER];
    private final ProbeSocket socket;
    private long ignored;
    private long sendFailures;
    private volatile String lastError = "";

    SocketProber(ProbeTarget target, ProbeSocket socket) {
        this.target = target;
        this.targetBits = ProbeSocket.addressBits(target.address());
        this.socket = socket;
        RANDOM.nextBytes(token);
    }

    static int randomId() {
        return RANDOM.nextInt(0x10000);
    }

    @Override
    public ProbeTarget target() {
        return target;
    }

    /** Writes probe {@code seq} into {@link #out}; returns its length. */
    abstract int packet(long seq);

    /** The probe number of the datagram just read, or -1 when it is not a reply to us. */
    abstract long match(byte[] buf, int len, int fromAddress, int fromPort);

    @Override
    public boolean send(long seq) {
        try {
            if (socket.sendTo(out, packet(seq), target.address(), target.port())) {
                return true;
            }
            lastError = "send queue full";
        } catch (IOException e) {
            lastError = e.getMessage();
        }
        sendFailures++;
        return false;
    }

    @Override
    public int drain(LongConsumer replies, int max) {
        int read = 0;
        try {
            while (read < max) {
                int n = socket.receive(in);
                if (n < 0) {
                    break;
                }
                read++;
                long seq = match(in, n, socket.fromAddress(), socket.fromPort());
                if (seq < 0) {
                    ignored++;
                } else {
                    replies.accept(seq);
                }
            }
        } catch (IOException e) {
            lastError = e.getMessage();
        }
        return read;
    }

    @Override
    public long ignored() {
        return ignored;
    }

    @Override
    public long sendFailures() {
        return sendFailures;
    }

    @Override
    public String lastError() {
        return lastError;
    }

    @Override
    public void close() {
        socket.close();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + " " + target;
    }
}
