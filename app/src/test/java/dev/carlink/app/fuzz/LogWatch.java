package dev.carlink.app.fuzz;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.LoggerFactory;

/**
 * Watches what the system logs during the run: raises the level to WARN (thousands of fuzz connections would
 * otherwise each log at INFO), takes the console appenders off (a bad packet that is logged with its stack trace
 * would otherwise bury the progress lines), and counts every WARN and ERROR, grouped by logger, message and
 * exception (digits blanked), keeping the first occurrence of each group in full. An ERROR is, by the house rules,
 * data that may be lost: the fuzz run must cause none. Closing puts the console and the level back.
 */
final class LogWatch extends AppenderBase<ILoggingEvent> implements AutoCloseable {

    private static final int MAX_GROUPS = 100;

    /** One kind of event: how often, a one-line description, and the first occurrence in full. */
    static final class Group {
        final Level level;
        final String summary;
        final String first;
        final AtomicLong count = new AtomicLong();

        Group(Level level, String summary, String first) {
            this.level = level;
            this.summary = summary;
            this.first = first;
        }
    }

    final AtomicLong warnings = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    /** Events whose exception went through carlink's code and was logged by a library: it escaped a handler. */
    final AtomicLong escapedFromCarlink = new AtomicLong();

    private final Map<String, Group> groups = new LinkedHashMap<>();
    private final Logger root;
    private final Level previousLevel;
    private final List<Appender<ILoggingEvent>> detached = new ArrayList<>();

    LogWatch() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        previousLevel = root.getLevel();
        setContext(context);
        setName("fuzz-log-watch");
        start();
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            detached.add(it.next());
        }
        detached.forEach(root::detachAppender);
        root.addAppender(this);
        root.setLevel(Level.WARN);
    }

    @Override
    protected void append(ILoggingEvent event) {
        if (!event.getLevel().isGreaterOrEqual(Level.WARN)) {
            return;
        }
        (event.getLevel().isGreaterOrEqual(Level.ERROR) ? errors : warnings).incrementAndGet();
        String message = event.getFormattedMessage();
        IThrowableProxy thrown = event.getThrowableProxy();
        if (escapedFromCarlink(event.getLoggerName(), thrown)) {
            escapedFromCarlink.incrementAndGet();
        }
        String logger = event.getLoggerName().substring(event.getLoggerName().lastIndexOf('.') + 1);
        String key;
        String summary;
        if (thrown == null) {
            String shape = message.replaceAll("[0-9]+", "#");
            key = event.getLevel() + " " + event.getLoggerName() + " "
                    + shape.substring(0, Math.min(80, shape.length()));
            String text = message.replaceAll("\\s+", " ");
            summary = logger + ": " + text.substring(0, Math.min(160, text.length()));
        } else { // grouped by where the exception was thrown: its message often carries the input
            String where = thrown.getStackTraceElementProxyArray().length == 0
                    ? "?"
                    : thrown.getStackTraceElementProxyArray()[0]
                                    .getStackTraceElement()
                                    .getClassName() + "."
                            + thrown.getStackTraceElementProxyArray()[0]
                                    .getStackTraceElement()
                                    .getMethodName();
            key = event.getLevel() + " " + event.getLoggerName() + " " + thrown.getClassName() + " " + where;
            String text = String.valueOf(thrown.getMessage()).replaceAll("\\s+", " ");
            summary = logger + ": " + thrown.getClassName() + ": " + text.substring(0, Math.min(120, text.length()))
                    + " (thrown at " + where + ")";
        }
        synchronized (groups) {
            Group group = groups.get(key);
            if (group == null && groups.size() < MAX_GROUPS) {
                String first = event.getLevel() + " [" + event.getThreadName() + "] " + event.getLoggerName() + " "
                        + message
                        + (thrown == null ? "" : System.lineSeparator() + ThrowableProxyUtil.asString(thrown));
                group = new Group(event.getLevel(), summary, first);
                groups.put(key, group);
            }
            if (group != null) {
                group.count.incrementAndGet();
            }
        }
    }

    /**
     * Whether an exception went through carlink's code and was caught and logged by a library: a carlink handler
     * let it escape. (An exception carlink logs itself is judged by its level; the blocked-thread checker's is
     * only a snapshot of a busy thread.)
     */
    private static boolean escapedFromCarlink(String logger, IThrowableProxy thrown) {
        if (logger.startsWith("dev.carlink.") || logger.endsWith("BlockedThreadChecker")) {
            return false;
        }
        for (IThrowableProxy t = thrown; t != null; t = t.getCause()) {
            for (StackTraceElementProxy frame : t.getStackTraceElementProxyArray()) {
                if (frame.getStackTraceElement().getClassName().startsWith("dev.carlink.")) {
                    return true;
                }
            }
        }
        return false;
    }

    Map<String, Group> groups() {
        synchronized (groups) {
            return new LinkedHashMap<>(groups);
        }
    }

    /** Restores the log level and detaches. */
    @Override
    public void close() {
        root.setLevel(previousLevel);
        root.detachAppender(this);
        detached.forEach(root::addAppender);
        stop();
    }
}
