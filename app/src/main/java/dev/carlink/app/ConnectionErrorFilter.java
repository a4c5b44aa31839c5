package dev.carlink.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * Takes Vert.x's ERROR line for a failed connection that has no exception handler yet down to DEBUG, and counts
 * it ({@code carlink.connections.errors}, registered by {@link CarlinkServer}).
 *
 * <p>vertx-mqtt hands a socket's exceptions to the gateway only once the CONNECT is decoded. Before that, a
 * client that sends a malformed CONNECT (bad flags, an unknown property, a remaining length over the limit) or
 * resets the connection makes Vert.x's {@code ConnectionBase} log ERROR, and any client can do that as fast as it
 * can open connections: the fuzz run counted hundreds (docs/fuzz.md). By the house rules ERROR means data may be
 * lost; a connection refused for what its peer sent loses nothing of ours, so it is DEBUG, with a count, like every
 * other refusal at the edge. Nothing else is touched: only that one logger, only at ERROR.
 */
public final class ConnectionErrorFilter extends TurboFilter {

    static final String VERTX_CONNECTION_LOGGER = "io.vertx.core.net.impl.ConnectionBase";

    private static final LongAdder FILTERED = new LongAdder();
    private static final org.slf4j.Logger log = LoggerFactory.getLogger(ConnectionErrorFilter.class);

    @Override
    public FilterReply decide(
            Marker marker, Logger logger, Level level, String format, Object[] params, Throwable error) {
        if (level != Level.ERROR || logger == null || !VERTX_CONNECTION_LOGGER.equals(logger.getName())) {
            return FilterReply.NEUTRAL;
        }
        FILTERED.increment();
        if (log.isDebugEnabled()) {
            log.debug("connection failed before a handler was set [error: {}]", format, error);
        }
        return FilterReply.DENY;
    }

    /** Connection errors taken down to DEBUG since the JVM started. */
    public static long filtered() {
        return FILTERED.sum();
    }
}
