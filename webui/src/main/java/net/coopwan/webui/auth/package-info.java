/**
 * Who is logged in: password check, login throttling per client address, and the small in-memory
 * session store with its CSRF tokens. Knows nothing about HTTP beyond plain strings, so it is
 * tested without a server.
 */
package net.coopwan.webui.auth;
