package app.kindred.web;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import gg.jte.output.Utf8ByteOutput;
import io.javalin.http.Context;
import java.util.Map;

/**
 * Renders the precompiled jte templates (src/main/jte, compiled at build time) and sends them with
 * the headers every page carries: a strict Content-Security-Policy, no sniffing, no referrer
 * beyond this site, and no indexing.
 */
public final class Renderer {
    public static final String CSP =
            "default-src 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'; " + "form-action 'self'";
    private final TemplateEngine engine = TemplateEngine.createPrecompiled(ContentType.Html);

    /** Renders {@code template} with its two parameters: the layout's {@code chrome} and the page's own record. */
    public String render(String template, Object chrome, Object page) {
        var out = new StringOutput(8192);
        engine.render(template, Map.of("chrome", chrome, "page", page), out);
        return out.toString();
    }

    /**
     * The page as UTF-8 bytes: the templates' static text was encoded at build time
     * ({@code binaryStaticContent}), so only the page's own values are encoded per request.
     */
    public byte[] bytes(String template, Object chrome, Object page) {
        var out = new Utf8ByteOutput(16384);
        engine.render(template, Map.of("chrome", chrome, "page", page), out);
        return out.toByteArray();
    }

    /** A template with parameters of its own (a part of a page rendered once for many: web.pages.RenderedComments). */
    public byte[] fragment(String template, Map<String, Object> params) {
        var out = new Utf8ByteOutput(16384);
        engine.render(template, params, out);
        return out.toByteArray();
    }

    public void send(Context ctx, int status, String template, Object chrome, Object page) {
        send(ctx, status, bytes(template, chrome, page));
    }

    public void send(Context ctx, int status, byte[] html) {
        headers(ctx);
        ctx.status(status).contentType("text/html; charset=utf-8").result(html);
    }

    public static void headers(Context ctx) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "same-origin");
        ctx.header("X-Robots-Tag", "noindex");
        // Pages can hold a member's own state (their name, a form's token): never kept by shared caches.
        ctx.header("Cache-Control", "no-store");
    }
}
