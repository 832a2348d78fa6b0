package net.coopwan.webui.server;

import java.io.IOException;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Security headers on every response of the context, set before anything else runs so errors,
 * redirects and 404s carry them too. Pages and API answers are never cached (they hold state and
 * tokens); only the style sheet under /static may be.
 */
final class SecurityHeadersFilter implements Filter {

    static final String CSP = "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletResponse r = (HttpServletResponse) res;
        r.setHeader("X-Content-Type-Options", "nosniff");
        r.setHeader("X-Frame-Options", "DENY");
        r.setHeader("Content-Security-Policy", CSP);
        // Not "no-referrer": with it browsers send "Origin: null" on our own form posts, which the
        // origin check must refuse. same-origin keeps URLs from leaking to other sites all the same.
        r.setHeader("Referrer-Policy", "same-origin");
        if (!((HttpServletRequest) req).getRequestURI().startsWith("/static/")) {
            r.setHeader("Cache-Control", "no-store");
        }
        chain.doFilter(req, res);
    }
}
