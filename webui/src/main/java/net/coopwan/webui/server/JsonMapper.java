package net.coopwan.webui.server;

import java.time.Instant;

import jakarta.ws.rs.ext.ContextResolver;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;

/**
 * The one ObjectMapper of the API. Instants are written as ISO-8601 strings ({@link Instant#toString()})
 * with a one-line serializer instead of the jsr310 module: the API only writes Instants, and one jar
 * and module fewer is start-up time saved.
 */
public final class JsonMapper implements ContextResolver<ObjectMapper> {

    /** Built on first use (the warm-up thread or the first API call), not during start(); see Templates. */
    private volatile ObjectMapper mapper;

    /** The mapper, configured; also what tests use to read the API's answers. */
    public static ObjectMapper create() {
        SimpleModule time = new SimpleModule("coopwan-time");
        time.addSerializer(Instant.class, ToStringSerializer.instance);
        return new ObjectMapper()
                .registerModule(time)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    }

    @Override
    public ObjectMapper getContext(Class<?> type) {
        ObjectMapper m = mapper;
        if (m == null) {
            synchronized (this) {
                m = mapper;
                if (m == null) {
                    m = create();
                    mapper = m;
                }
            }
        }
        return m;
    }
}
