package net.coopwan.webui;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A plain HTTP client for the tests: no redirects followed and no cookie jar, so tests see
 * exactly the status codes and Set-Cookie headers the server sends.
 */
final class Http {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private final URI base;

    Http(URI base) {
        this.base = base;
    }

    /** A logged-in API client: its session cookie and CSRF token. */
    record Login(String cookie, String csrf) {
        String cookieHeader() {
            return "coopwan_session=" + cookie;
        }
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10));
    }

    HttpResponse<String> send(HttpRequest.Builder b) {
        try {
            return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> get(String path) {
        return send(request(path).GET());
    }

    HttpResponse<String> get(String path, Login login) {
        return send(request(path).header("Cookie", login.cookieHeader()).GET());
    }

    HttpResponse<String> postJson(String path, String json) {
        return send(request(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    HttpResponse<String> postForm(String path, String form, Login login) {
        HttpRequest.Builder b = request(path).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (login != null) {
            b.header("Cookie", login.cookieHeader());
        }
        return send(b);
    }

    /** POST with no body, the session cookie and, when not null, the X-CSRF-Token header. */
    HttpResponse<String> post(String path, Login login, String csrf) {
        HttpRequest.Builder b = request(path).POST(HttpRequest.BodyPublishers.noBody());
        if (login != null) {
            b.header("Cookie", login.cookieHeader());
        }
        if (csrf != null) {
            b.header("X-CSRF-Token", csrf);
        }
        return send(b);
    }

    /**
     * Any method with an optional JSON body, the session cookie (when login is not null) and the
     * X-CSRF-Token header (when csrf is not null).
     */
    HttpResponse<String> call(String method, String path, Login login, String csrf, String json) {
        HttpRequest.Builder b = request(path).method(method,
                json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        if (login != null) {
            b.header("Cookie", login.cookieHeader());
        }
        if (csrf != null) {
            b.header("X-CSRF-Token", csrf);
        }
        return send(b);
    }

    /** {@link #call} with the login's own CSRF token. */
    HttpResponse<String> write(String method, String path, Login login, String json) {
        return call(method, path, login, login.csrf(), json);
    }

    HttpResponse<String> apiLoginResponse(String user, String password) {
        return postJson("/api/v1/login", json(user, password));
    }

    /** Logs in through the API; fails the test unless it succeeds. */
    Login apiLogin(String user, String password) {
        HttpResponse<String> r = apiLoginResponse(user, password);
        if (r.statusCode() != 200) {
            throw new AssertionError("login failed: " + r.statusCode() + " " + r.body());
        }
        return new Login(sessionCookie(r).orElseThrow(() -> new AssertionError("no session cookie")),
                json(r).get("csrfToken").asText());
    }

    static String json(String user, String password) {
        try {
            return JSON.writeValueAsString(new java.util.LinkedHashMap<>(java.util.Map.of("user", user, "password", password)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode json(HttpResponse<String> r) {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON (" + r.statusCode() + "): " + r.body(), e);
        }
    }

    /** The whole Set-Cookie header for the session cookie, if the response has one. */
    static Optional<String> sessionSetCookie(HttpResponse<String> r) {
        return r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("coopwan_session=")).findFirst();
    }

    /** The session id the response sets, if any (empty value = cleared = none). */
    static Optional<String> sessionCookie(HttpResponse<String> r) {
        return sessionSetCookie(r).map(c -> c.substring("coopwan_session=".length(), c.indexOf(';')))
                .filter(v -> !v.isEmpty());
    }

    /** The CSRF token in a page's hidden form field. */
    static String csrfField(String html) {
        String marker = "name=\"csrf\" value=\"";
        int i = html.indexOf(marker);
        if (i < 0) {
            throw new AssertionError("no csrf field in page");
        }
        int start = i + marker.length();
        return html.substring(start, html.indexOf('"', start));
    }
}
