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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.LoggerFactory;

/**
 * Watches what the system logs during the run: raises the level to WARN (thousands of fuzz connections would
 * otherwise each log at INFO; carlink's own INFO lines are kept when they name a legitimate car), takes the console
 * appenders off (a bad packet that is logged with its stack trace
 * would otherwise bury the progress lines), and counts every WARN and ERROR, grouped by logger, message and
 * exception (digits blanked), keeping the first occurrence of each group in full. An ERROR is, by the house rules,
 * data that may be lost: the fuzz run must cause none. Events on the threads of the test's own clients are listed
 * apart. Closing puts the console and the level back.
 */
final class LogWatch extends AppenderBase<ILoggingEvent> implements AutoCloseable {

    private static final int MAX_GROUPS = 100;
    private static final int MAX_LINES = 200;

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
    /**
     * Events on the threads of the test's own clients (legitimate cars, probes, their Californium endpoints): listed,
     * but not counted against the gateway.
     */
    final AtomicLong fromTestClients = new AtomicLong();
    /** Events whose exception went through carlink's code and was logged by a library: it escaped a handler. */
    final AtomicLong escapedFromCarlink = new AtomicLong();

    private final Map<String, Group> groups = new LinkedHashMap<>();
    /** carlink's INFO lines that name a watched car, with the time. */
    final List<String> aboutWatchedCars = new CopyOnWriteArrayList<>();

    private final List<String> watchedVins;
    private final Logger root;
    private final Logger carlink;
    private final Level previousLevel;
    private final Level previousCarlinkLevel;
    private final List<Appender<ILoggingEvent>> detached = new ArrayList<>();

    /** @param watchedVins cars whose every INFO line from carlink is kept (what happened to the legitimate cars) */
    LogWatch(Collection<String> watchedVins) {
        this.watchedVins = List.copyOf(watchedVins);
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        carlink = context.getLogger("dev.carlink");
        previousLevel = root.getLevel();
        previousCarlinkLevel = carlink.getLevel();
        setContext(context);
        setName("fuzz-log-watch");
        start();
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            detached.add(it.next());
        }
        detached.forEach(root::detachAppender);
        root.addAppender(this);
        root.setLevel(Level.WARN);
        carlink.setLevel(Level.INFO);
    }

    @Override
    protected void append(ILoggingEvent event) {
        if (!event.getLevel().isGreaterOrEqual(Level.WARN)) {
            String message = event.getFormattedMessage();
            if (aboutWatchedCars.size() < MAX_LINES && watchedVins.stream().anyMatch(message::contains)) {
                aboutWatchedCars.add(Instant.ofEpochMilli(event.getTimeStamp()) + " " + event.getLevel() + " "
                        + event.getLoggerName().substring(event.getLoggerName().lastIndexOf('.') + 1) + " "
                        + message);
            }
            return;
        }
        String message = event.getFormattedMessage();
        IThrowableProxy thrown = event.getThrowableProxy();
        boolean client = isTestClient(event.getThreadName());
        if (client) {
            fromTestClients.incrementAndGet();
        } else {
            (event.getLevel().isGreaterOrEqual(Level.ERROR) ? errors : warnings).incrementAndGet();
            if (escapedFromCarlink(event.getLoggerName(), thrown)) {
                escapedFromCarlink.incrementAndGet();
            }
        }
        String logger = (client ? "(test client) " : "")
                + event.getLoggerName().substring(event.getLoggerName().lastIndexOf('.') + 1);
        String key = client ? "client " : "";
        String summary;
        if (thrown == null) {
            String shape = message.replaceAll("[0-9]+", "#");
            key += event.getLevel() + " " + event.getLoggerName() + " "
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
            key += event.getLevel() + " " + event.getLoggerName() + " " + thrown.getClassName() + " " + where;
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

    private static boolean isTestClient(String thread) {
        return thread.startsWith("legit-") || thread.startsWith("fuzz-") || thread.contains(":CoapEndpoint-");
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
        carlink.setLevel(previousCarlinkLevel);
        root.detachAppender(this);
        detached.forEach(root::addAppender);
        stop();
    }
}
