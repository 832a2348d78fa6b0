package net.coopwan.webui.server;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import net.coopwan.daemon.api.Event;
import net.coopwan.daemon.api.InterfaceCounters;
import net.coopwan.daemon.api.NetInterface;
import net.coopwan.daemon.api.ReloadResult;
import net.coopwan.daemon.api.Status;
import net.coopwan.daemon.api.UplinkStatus;

/**
 * Serializes one of each API record once with the API's own mapper, so Jackson builds and caches
 * their serializers at start-up on a spare thread instead of in the first API call.
 */
final class JsonWarmUp {

    private JsonWarmUp() {
    }

    static void run(ObjectMapper m) {
        NetInterface lo = new NetInterface(1, "lo", 772, "", 65536, true, "unknown", 0, InterfaceCounters.ZERO);
        try {
            m.writeValueAsBytes(List.of(
                    new Status("", "", "", Instant.EPOCH, 0, "", 0, 0, List.of()),
                    new UplinkStatus("", "lo", true, UplinkStatus.State.UP, lo),
                    new Event(0, Instant.EPOCH, "", ""),
                    new ReloadResult(true, "")));
            m.readValue("{\"user\":\"\",\"password\":\"\"}", net.coopwan.webui.api.LoginRequest.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
