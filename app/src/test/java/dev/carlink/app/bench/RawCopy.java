package dev.carlink.app.bench;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * The baseline every telemetry benchmark compares with: rows as COPY text, loaded with {@code COPY FROM STDIN},
 * a transaction per chunk. What PostgreSQL takes at its fastest, with no idempotence, no latest state and no
 * decoding of protobuf.
 */
final class RawCopy {

    private RawCopy() {}

    /** The rows of {@code table} as COPY text, cut into chunks of {@code chunkRows} rows (not timed). */
    static List<byte[]> export(DataSource pool, String table, int chunkRows) throws Exception {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        try (Connection c = pool.getConnection()) {
            c.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY (SELECT * FROM " + table + ") TO STDOUT", all);
        }
        byte[] bytes = all.toByteArray();
        List<byte[]> chunks = new ArrayList<>();
        int start = 0;
        int rows = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n' && ++rows == chunkRows) {
                chunks.add(Arrays.copyOfRange(bytes, start, i + 1));
                start = i + 1;
                rows = 0;
            }
        }
        if (start < bytes.length) {
            chunks.add(Arrays.copyOfRange(bytes, start, bytes.length));
        }
        return chunks;
    }

    /** Rows per second loading the chunks into {@code table}, one transaction per chunk. */
    static double load(DataSource pool, String table, List<byte[]> chunks) throws Exception {
        try (Connection c = pool.getConnection()) {
            CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
            c.setAutoCommit(false);
            long rows = 0;
            long start = System.nanoTime();
            for (byte[] chunk : chunks) {
                rows += copy.copyIn("COPY " + table + " FROM STDIN", new ByteArrayInputStream(chunk));
                c.commit();
            }
            double perSecond = rows / Units.seconds(System.nanoTime() - start);
            c.setAutoCommit(true);
            return perSecond;
        }
    }
}
