package net.coopwan.luci.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

import org.junit.jupiter.api.Test;

import net.coopwan.luci.wire.LineReader.Outcome;

class LineReaderTest {

    /** Hands out scripted reads: a string is what one read returns, null a read that timed out (0). */
    static final class Script implements ReadableByteChannel {
        final Deque<byte[]> reads = new ArrayDeque<>();
        int calls;

        Script add(String s) {
            reads.add(s == null ? new byte[0] : s.getBytes(StandardCharsets.ISO_8859_1));
            return this;
        }

        @Override
        public int read(ByteBuffer dst) {
            calls++;
            if (reads.isEmpty()) {
                return -1;
            }
            byte[] b = reads.peek();
            int n = Math.min(b.length, dst.remaining());
            dst.put(b, 0, n);
            reads.pop();
            if (n < b.length) {
                byte[] rest = new byte[b.length - n];
                System.arraycopy(b, n, rest, 0, rest.length);
                reads.push(rest);
            }
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    static String line(LineReader r) {
        return new String(r.line(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void linesSplitAcrossReadsAndSeveralInOneRead() throws Exception {
        LineReader r = new LineReader(new Script().add("ab").add("c\nde\r\nf").add("g\n"), 100);
        assertEquals(Outcome.LINE, r.next());
        assertEquals("abc", line(r));
        assertEquals(Outcome.LINE, r.next());
        assertEquals("de", line(r));
        assertEquals(Outcome.LINE, r.next());
        assertEquals("fg", line(r));
        assertEquals(Outcome.END, r.next());
    }

    @Test
    void anUnterminatedLastLineIsALineAtEndOfInput() throws Exception {
        LineReader r = new LineReader(new Script().add("x\nlast"), 100);
        assertEquals(Outcome.LINE, r.next());
        assertEquals(Outcome.LINE, r.next());
        assertEquals("last", line(r));
        assertEquals(Outcome.END, r.next());
    }

    @Test
    void aReadOfZeroIsIdleAndReadingCanGoOn() throws Exception {
        LineReader r = new LineReader(new Script().add("par").add(null).add("t\n"), 100);
        assertEquals(Outcome.IDLE, r.next());
        assertEquals(Outcome.LINE, r.next());
        assertEquals("part", line(r));
    }

    @Test
    void exactlyTheLimitIsALineOneMoreIsTooLongEvenWithoutNewline() throws Exception {
        String max = "a".repeat(10);
        LineReader ok = new LineReader(new Script().add(max + "\n"), 10);
        assertEquals(Outcome.LINE, ok.next());
        assertArrayEquals(max.getBytes(StandardCharsets.ISO_8859_1), ok.line());

        Script endless = new Script();
        for (int i = 0; i < 1000; i++) {
            endless.add("b".repeat(7));
        }
        LineReader tooLong = new LineReader(endless, 10);
        assertEquals(Outcome.TOO_LONG, tooLong.next());
        // It stops as soon as the limit is passed instead of reading on for a newline.
        assertEquals(2, endless.calls);
    }

    @Test
    void aLongLineGrowsTheBufferUpToTheLimit() throws Exception {
        String big = "z".repeat(50_000);
        LineReader r = new LineReader(new Script().add(big).add("\n"), 64 * 1024);
        assertEquals(Outcome.LINE, r.next());
        assertEquals(big, line(r));
    }

    @Test
    void aLimitBelowOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new LineReader(new Script(), 0));
    }
}
