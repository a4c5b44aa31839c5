package dev.carlink.app.bench;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.FileAppender;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Sends this JVM's log to a file instead of the console while a benchmark runs, as a deployed server's log
 * goes to a file: a backend in the test JVM logs a few lines per car, and the console of a forked test JVM is
 * a pipe to Maven that costs far more per line than a file does.
 */
final class LogToFile implements AutoCloseable {

    private final Logger root;
    private final FileAppender<ILoggingEvent> file;
    private final List<Appender<ILoggingEvent>> detached = new ArrayList<>();

    private LogToFile(Logger root, FileAppender<ILoggingEvent> file) {
        this.root = root;
        this.file = file;
    }

    static LogToFile start(Path path) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{HH:mm:ss.SSS} %-5level %logger{0} %msg%n");
        encoder.start();
        FileAppender<ILoggingEvent> file = new FileAppender<>();
        file.setContext(context);
        file.setName("bench-file");
        file.setFile(path.toAbsolutePath().toString());
        file.setAppend(false);
        file.setEncoder(encoder);
        file.start();
        LogToFile redirect = new LogToFile(root, file);
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            redirect.detached.add(it.next());
        }
        root.addAppender(file);
        redirect.detached.forEach(root::detachAppender);
        return redirect;
    }

    /** The console again. */
    @Override
    public void close() {
        detached.forEach(root::addAppender);
        root.detachAppender(file);
        file.stop();
    }
}
