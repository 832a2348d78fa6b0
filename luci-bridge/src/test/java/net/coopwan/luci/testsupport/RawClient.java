package net.coopwan.luci.testsupport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;

import jnr.unixsocket.UnixSocketChannel;
import net.coopwan.luci.rpc.Json;
import net.coopwan.luci.wire.LineReader;
import net.coopwan.luci.wire.UnixSockets;

/** Sends raw bytes to the control socket and reads answer lines, for tests of bad input. */
public final class RawClient implements AutoCloseable {

    /** Long enough for a loaded 2-core machine, short enough that a missing answer fails fast. */
    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final UnixSocketChannel channel;
    private final LineReader reader;

    private RawClient(UnixSocketChannel channel) {
        this.channel = channel;
        this.reader = new LineReader(channel, 16 << 20);
    }

    public static RawClient connect(Path socket) throws IOException {
        return new RawClient(UnixSockets.connect(socket, TIMEOUT));
    }

    public void send(byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            if (channel.write(b) == 0) {
                throw new IOException("server not reading");
            }
        }
    }

    /** Sends text plus a newline. */
    public void sendLine(String line) throws IOException {
        send((line + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Half-closes: the server sees end of input. */
    public void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }

    /** The next answer line parsed, or null when the server closed the connection. */
    public JsonNode read() throws IOException {
        LineReader.Outcome o = reader.next();
        switch (o) {
            case LINE:
                return Json.mapper().readTree(reader.line());
            case END:
                return null;
            default:
                throw new IOException("no answer: " + o);
        }
    }

    /** Sends a line and reads one answer. */
    public JsonNode ask(String line) throws IOException {
        sendLine(line);
        JsonNode r = read();
        if (r == null) {
            throw new IOException("connection closed instead of an answer to " + line);
        }
        return r;
    }

    /** The result of a well-formed call, failing on an error answer. */
    public JsonNode call(String method, String paramsJson) throws IOException {
        JsonNode r = ask("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"" + method + "\""
                + (paramsJson == null ? "" : ",\"params\":" + paramsJson) + "}");
        if (r.has("error")) {
            throw new IOException(method + " failed: " + r);
        }
        return r.get("result");
    }

    /** True when the server has closed: a read gives end of stream or a reset. */
    public boolean closedByServer() {
        try {
            while (true) {
                JsonNode n = read();
                if (n == null) {
                    return true;
                }
            }
        } catch (IOException e) {
            return e.getMessage() != null && !e.getMessage().startsWith("no answer");
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
