package net.coopwan.luci.wire;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/** Writes one framed line. */
public final class Lines {

    private Lines() {
    }

    /**
     * Writes {@code data} and a newline completely.
     *
     * @throws IOException when the peer is gone, or stopped reading long enough for the send
     *                     timeout to expire (a write of 0 bytes on a blocking channel)
     */
    public static void write(WritableByteChannel out, byte[] data) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(data.length + 1);
        b.put(data).put((byte) '\n').flip();
        while (b.hasRemaining()) {
            if (out.write(b) == 0) {
                throw new IOException("peer is not reading; gave up writing " + b.remaining() + " bytes");
            }
        }
    }
}
