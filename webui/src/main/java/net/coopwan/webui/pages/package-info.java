/**
 * The HTML pages a person uses: login, the status page with its reload button, logout, the style
 * sheet. Freemarker templates from the classpath, auto-escaped as HTML, loaded once and cached;
 * Java code prepares display strings so templates only lay them out.
 */
package net.coopwan.webui.pages;
