/**
 * The HTTP rules every resource shares, as JAX-RS providers: who must be logged in (everything not
 * marked {@link net.coopwan.webui.http.Public}), the CSRF token on every write, the same-origin
 * check, the session cookie's attributes, and how errors look (JSON under {@code /api}, an HTML
 * page elsewhere, never a stack trace). Resources stay free of these checks.
 */
package net.coopwan.webui.http;
