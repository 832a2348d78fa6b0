package net.coopwan.webui.pages;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.Response;

import net.coopwan.webui.http.Public;

/** The style sheet, read from the jar once. Public: the login page needs it too. */
@Path("/static")
@Public
public final class StaticResource {

    private final byte[] css;

    public StaticResource() {
        try (InputStream in = StaticResource.class.getResourceAsStream("static/style.css")) {
            if (in == null) {
                throw new IllegalStateException("style.css missing from the jar");
            }
            css = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @GET
    @Path("style.css")
    @Produces("text/css;charset=UTF-8")
    public Response css() {
        CacheControl cc = new CacheControl();
        cc.setMaxAge(3600);
        return Response.ok(css).cacheControl(cc).build();
    }
}
