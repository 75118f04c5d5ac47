package app.kindred.web;

import java.text.MessageFormat;
import java.text.NumberFormat;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.MissingResourceException;
import java.util.ResourceBundle;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The interface text for one reader: words from the message bundle in the best language we have
 * (English first), dates and numbers formatted for the language the reader's browser asks for.
 */
public final class Messages {
    static final String BUNDLE = "app.kindred.web.messages";
    private static final ResourceBundle.Control NO_FALLBACK =
            ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES);
    private static final List<Locale> KNOWN = Arrays.asList(Locale.getAvailableLocales());

    private final ResourceBundle bundle;
    private final Locale format;
    private final DateTimeFormatter dates;
    private final Language language;
    /** Parsed patterns, per reader (one request): a long thread says "n replies" a hundred times. */
    private final Map<String, MessageFormat> formats = new HashMap<>();

    /**
     * What an Accept-Language header resolves to, shared by every request that sends the same header (issue 14:
     * matching it against every locale the JDK knows, finding the bundle and parsing the date and message
     * patterns again was a visible part of each page). All of it is immutable or only read, except the parsed
     * message patterns, which a MessageFormat cannot share between threads: each request formats with its own
     * copy of them.
     */
    private record Language(
            ResourceBundle bundle,
            Locale format,
            DateTimeFormatter dates,
            ConcurrentHashMap<String, MessageFormat> patterns) {
        MessageFormat copyOf(String key, String pattern) {
            return (MessageFormat) patterns.computeIfAbsent(key, k -> new MessageFormat(pattern, format))
                    .clone();
        }
    }

    /** Headers remembered at once; past it, all are forgotten (a bound on memory: browsers send a few dozen forms). */
    private static final int LANGUAGES = 256;

    private static final ConcurrentHashMap<String, Language> LANGUAGE_OF = new ConcurrentHashMap<>();

    private Messages(Language language) {
        this.language = language;
        this.bundle = language.bundle();
        this.format = language.format();
        this.dates = language.dates();
    }

    /** For an Accept-Language header (null or unreadable: English). */
    public static Messages forAcceptLanguage(String header) {
        var key = header == null ? "" : header;
        var language = LANGUAGE_OF.get(key);
        if (language == null) {
            language = language(header);
            if (LANGUAGE_OF.size() >= LANGUAGES) LANGUAGE_OF.clear();
            LANGUAGE_OF.put(key, language);
        }
        return new Messages(language);
    }

    private static Language language(String header) {
        var locale = Locale.ENGLISH;
        if (header != null && !header.isBlank()) {
            try {
                var ranges = Locale.LanguageRange.parse(header);
                var match = Locale.lookup(ranges, KNOWN);
                if (match != null && !match.getLanguage().isEmpty()) locale = match;
            } catch (IllegalArgumentException e) {
                // An unreadable header is the reader's browser's business; English it is.
            }
        }
        return new Language(
                ResourceBundle.getBundle(BUNDLE, locale, NO_FALLBACK),
                locale,
                DateTimeFormatter.ofLocalizedDateTime(FormatStyle.MEDIUM, FormatStyle.SHORT)
                        .withLocale(locale)
                        .withZone(ZoneOffset.UTC),
                new ConcurrentHashMap<>());
    }

    /** The language the words are in, for {@code <html lang>}: the bundle's, not the date format's. */
    public String lang() {
        var l = bundle.getLocale();
        return l == null || l.getLanguage().isEmpty() ? "en" : l.toLanguageTag();
    }

    /** The words' language and the dates' and numbers' format: what a page rendered for this reader depends on. */
    public String languages() {
        return lang() + "/" + format.toLanguageTag();
    }

    public String t(String key, Object... args) {
        String pattern;
        try {
            pattern = bundle.getString(key);
        } catch (MissingResourceException e) {
            // A missing key shows itself rather than failing the page; MessagesTest keeps the bundle complete.
            return key;
        }
        // Without arguments no MessageFormat runs, so a doubled quote (written so for messages that take
        // arguments, and by habit in the rest) is undone here: "moderators'' note" reads "moderators' note".
        if (args.length == 0) return pattern.indexOf("''") < 0 ? pattern : pattern.replace("''", "'");
        return formats.computeIfAbsent(key, k -> language.copyOf(k, pattern)).format(args);
    }

    /** A date and time as the reader's language writes it, in UTC (we do not know the reader's zone). */
    public String date(Instant at) {
        return at == null ? "" : dates.format(at) + " UTC";
    }

    /** For {@code <time datetime>}: to the second, which is all a reader needs. */
    public String iso(Instant at) {
        return at == null ? "" : at.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    public String number(long n) {
        return NumberFormat.getIntegerInstance(format).format(n);
    }

    /** Every key of the bundle, for the test that checks templates name only keys that exist. */
    static ResourceBundle bundle() {
        return ResourceBundle.getBundle(BUNDLE, Locale.ROOT, NO_FALLBACK);
    }
}
