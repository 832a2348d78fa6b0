package net.coopwan.webui.http;

/** Who reads a response: a program under {@code /api} gets JSON, a person gets an HTML page. */
public enum Audience {
    API, PAGE;

    /** By the request path relative to the root, without leading slash, as JAX-RS {@code UriInfo.getPath()} gives it. */
    public static Audience of(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        return p.equals("api") || p.startsWith("api/") ? API : PAGE;
    }
}
