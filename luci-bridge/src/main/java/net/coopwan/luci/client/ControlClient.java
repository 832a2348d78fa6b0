package net.coopwan.luci.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import jnr.unixsocket.UnixSocketChannel;
import net.coopwan.luci.rpc.Json;
import net.coopwan.luci.rpc.JsonRpc;
import net.coopwan.luci.rpc.RpcException;
import net.coopwan.luci.wire.LineReader;
import net.coopwan.luci.wire.Lines;
import net.coopwan.luci.wire.UnixSockets;

/**
 * One connection to the control socket; calls are sequential. Not thread-safe.
 */
public final class ControlClient implements AutoCloseable {

    /** How long a call may wait for its answer; a reload re-reads a file, nothing takes longer. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    /** Largest answer accepted: 1000 events or a few hundred interfaces are well below it. */
    public static final int MAX_RESPONSE_BYTES = 16 << 20;

    private final UnixSocketChannel channel;
    private final LineReader reader;
    private final ObjectMapper mapper = Json.mapper();
    private final Path path;
    private long nextId = 1;

    private ControlClient(UnixSocketChannel channel, Path path) {
        this.channel = channel;
        this.path = path;
        this.reader = new LineReader(channel, MAX_RESPONSE_BYTES);
    }

    /**
     * Connects.
     *
     * @throws java.nio.file.NoSuchFileException nothing at the path
     * @throws java.net.ConnectException         a socket file nobody listens on
     * @throws IOException                       anything else (permission denied, ...)
     */
    public static ControlClient connect(Path socket, Duration timeout) throws IOException {
        return new ControlClient(UnixSockets.connect(socket, timeout), socket);
    }

    /**
     * Calls a method and waits for its answer.
     *
     * @param params null for none, else an object or array
     * @return the {@code result} member
     * @throws RpcException the daemon answered with a JSON-RPC error
     * @throws IOException  the connection failed, timed out or the answer was not JSON-RPC
     */
    public JsonNode call(String method, JsonNode params) throws IOException, RpcException {
        long id = nextId++;
        Lines.write(channel, mapper.writeValueAsBytes(JsonRpc.request(id, method, params)));
        while (true) {
            switch (reader.next()) {
                case LINE:
                    break;
                case END:
                    throw new IOException(path + ": the daemon closed the connection without answering");
                case IDLE:
                    throw new IOException(path + ": no answer from the daemon in time");
                default:
                    throw new IOException(path + ": answer longer than " + MAX_RESPONSE_BYTES + " bytes");
            }
            byte[] line = reader.line();
            if (line.length == 0) {
                continue;
            }
            return unwrap(id, line);
        }
    }

    private JsonNode unwrap(long id, byte[] line) throws IOException, RpcException {
        JsonNode response;
        try {
            response = mapper.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IOException(path + ": answer is not JSON: " + e.getOriginalMessage(), e);
        }
        JsonNode error = response.get("error");
        JsonNode rid = response.get("id");
        boolean ours = rid != null && rid.canConvertToLong() && rid.asLong() == id;
        // An error with id null is the server talking about the connection (busy, line too long).
        if (error != null && error.isObject() && (ours || rid == null || rid.isNull())) {
            JsonNode reason = error.path("data").path("reason");
            throw new RpcException(error.path("code").asInt(JsonRpc.INTERNAL_ERROR), error.path("message").asText(""),
                    reason.isTextual() ? reason.asText() : null);
        }
        if (!ours || !response.has("result")) {
            throw new IOException(path + ": unexpected answer: " + new String(line, 0, Math.min(line.length, 200),
                    StandardCharsets.UTF_8));
        }
        return response.get("result");
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // Nothing left to do with a connection that cannot even close.
        }
    }
}
