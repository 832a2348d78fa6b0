package net.coopwan.luci.wire;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.Arrays;

/**
 * Reads newline-terminated lines from a blocking channel without ever holding more than
 * {@code maxLine} bytes of one line, so a peer cannot make the reader buffer without bound.
 * Not thread-safe: one reader per connection.
 */
public final class LineReader {

    /** What {@link #next()} found. */
    public enum Outcome {
        /** A line is ready in {@link #line()}. */
        LINE,
        /** The peer closed its side and no partial line was pending. */
        END,
        /** Nothing arrived within the channel's receive timeout (a read returned 0). */
        IDLE,
        /** The current line passed {@code maxLine} bytes; the reader is unusable afterwards. */
        TOO_LONG
    }

    private static final int CHUNK = 8192;

    private final ReadableByteChannel in;
    private final int maxLine;
    private final ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
    private byte[] pending = new byte[1024];
    private int pendingLength;
    private byte[] line;

    /**
     * @param in      a blocking channel; with SO_RCVTIMEO set a read that times out returns 0
     * @param maxLine most bytes one line may have, without its newline
     */
    public LineReader(ReadableByteChannel in, int maxLine) {
        if (maxLine < 1) {
            throw new IllegalArgumentException("maxLine must be positive, got " + maxLine);
        }
        this.in = in;
        this.maxLine = maxLine;
        chunk.flip(); // starts empty, in "get" mode
    }

    /** Reads until a whole line, the end of input, an idle timeout or an over-long line. */
    public Outcome next() throws IOException {
        while (true) {
            byte[] a = chunk.array();
            int from = chunk.position();
            int to = chunk.limit();
            for (int i = from; i < to; i++) {
                if (a[i] == '\n') {
                    if (!append(a, from, i - from)) {
                        return Outcome.TOO_LONG;
                    }
                    chunk.position(i + 1);
                    finishLine();
                    return Outcome.LINE;
                }
            }
            if (!append(a, from, to - from)) {
                return Outcome.TOO_LONG;
            }
            chunk.clear();
            int n = in.read(chunk);
            chunk.flip();
            if (n < 0) {
                if (pendingLength > 0) {
                    // A last request without its newline (printf '{...}' | socat) is still a request.
                    finishLine();
                    return Outcome.LINE;
                }
                return Outcome.END;
            }
            if (n == 0) {
                return Outcome.IDLE;
            }
        }
    }

    /** The line found by the last {@link #next()} that returned {@link Outcome#LINE}, without "\n" or "\r\n". */
    public byte[] line() {
        return line;
    }

    private boolean append(byte[] a, int off, int len) {
        if (pendingLength + len > maxLine) {
            return false;
        }
        if (pendingLength + len > pending.length) {
            pending = Arrays.copyOf(pending, Math.min(maxLine, Math.max(pending.length * 2, pendingLength + len)));
        }
        System.arraycopy(a, off, pending, pendingLength, len);
        pendingLength += len;
        return true;
    }

    private void finishLine() {
        int end = pendingLength;
        if (end > 0 && pending[end - 1] == '\r') {
            end--;
        }
        line = Arrays.copyOf(pending, end);
        pendingLength = 0;
    }
}
