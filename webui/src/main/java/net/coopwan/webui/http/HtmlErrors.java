package net.coopwan.webui.http;

/** Renders an error as an HTML page for a person; the pages package supplies it. */
@FunctionalInterface
public interface HtmlErrors {

    /** A full HTML document saying what went wrong and what to do. */
    String render(int status, String title, String message);
}
