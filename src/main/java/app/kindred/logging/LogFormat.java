package app.kindred.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import org.slf4j.LoggerFactory;

/**
 * Plain lines (logback.xml, the default) or JSON lines for a log collector: one object per event
 * with its time, level, logger, thread, the request id (mdc.request_id) and the formatted message.
 * The logger context's properties and the raw arguments are left out; what is logged says no more
 * than the plain line does, and neither ever carries an address, a token, a password or a key.
 */
public final class LogFormat {
    /** The name of the console appender in logback.xml, replaced in place. */
    private static final String APPENDER = "STDERR";

    private static final String PLAIN_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSX} %-5level %logger{0} - %msg%n";
    private static String current = "plain";

    private LogFormat() {}

    /** Switches every log line of this process to {@code format} ("plain" or "json"); nothing when it is already so. */
    public static synchronized void apply(String format) {
        if (format.equals(current)) return;
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) return;
        var root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        var appender = new ConsoleAppender<ILoggingEvent>();
        appender.setContext(context);
        appender.setName(APPENDER);
        appender.setTarget("System.err");
        appender.setEncoder(format.equals("json") ? json(context) : plain(context));
        appender.start();
        var previous = root.getAppender(APPENDER);
        root.addAppender(appender);
        if (previous != null) {
            root.detachAppender(previous);
            previous.stop();
        }
        current = format;
    }

    private static Encoder<ILoggingEvent> json(LoggerContext context) {
        var encoder = new JsonEncoder();
        encoder.setContext(context);
        encoder.setWithContext(false);
        encoder.setWithSequenceNumber(false);
        encoder.setWithNanoseconds(false);
        encoder.setWithArguments(false);
        encoder.setWithMessage(false);
        encoder.setWithFormattedMessage(true);
        encoder.start();
        return encoder;
    }

    private static Encoder<ILoggingEvent> plain(LoggerContext context) {
        var encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PLAIN_PATTERN);
        encoder.start();
        return encoder;
    }
}
