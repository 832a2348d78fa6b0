package net.coopwan.webui.http;

import java.util.Set;

import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.DynamicFeature;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.FeatureContext;
import jakarta.ws.rs.HttpMethod;

import net.coopwan.webui.auth.SessionStore;

/**
 * Puts the access rules on each resource method once, when Jersey builds its model: writes get
 * the origin check; non-{@link Public} methods need a session; non-public writes also need the CSRF
 * token. Unknown paths never reach a filter, so they are a plain 404.
 */
public final class AccessFeature implements DynamicFeature {

    private static final Set<String> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

    private final SessionStore sessions;
    private final Responses responses;

    public AccessFeature(SessionStore sessions, Responses responses) {
        this.sessions = sessions;
        this.responses = responses;
    }

    @Override
    public void configure(ResourceInfo resource, FeatureContext context) {
        boolean isPublic = resource.getResourceMethod().isAnnotationPresent(Public.class)
                || resource.getResourceClass().isAnnotationPresent(Public.class);
        boolean write = !SAFE.contains(httpMethod(resource));
        if (write) {
            context.register(new OriginFilter(responses), Priorities.AUTHENTICATION - 100);
        }
        if (!isPublic) {
            context.register(new SessionFilter(sessions, responses), Priorities.AUTHENTICATION);
            if (write) {
                context.register(new CsrfFilter(responses), Priorities.AUTHORIZATION);
            }
        }
    }

    private static String httpMethod(ResourceInfo resource) {
        for (var a : resource.getResourceMethod().getAnnotations()) {
            HttpMethod m = a.annotationType().getAnnotation(HttpMethod.class);
            if (m != null) {
                return m.value();
            }
        }
        // Sub-resource locators have no HTTP method; treat them as writes so they fail closed.
        return HttpMethod.POST;
    }
}
