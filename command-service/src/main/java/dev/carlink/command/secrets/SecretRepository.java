package dev.carlink.command.secrets;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** SQL for the start-up pass over the secret columns of {@link SecretColumn}. */
final class SecretRepository {

    /** How many values of one column are encrypted under one KEK (null: stored in clear). */
    record KekCount(String kekId, long values) {}

    /** One row's secret, as stored. */
    record Row(String key, StoredSecret stored) {}

    /** Arbitrary, fixed: the advisory lock that lets one instance at a time run the pass. */
    private static final long PASS_LOCK = 0x6361726c696e6b01L;

    /** Serializes the passes of instances starting together, for the rest of the transaction. */
    void lockPass(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            ps.setLong(1, PASS_LOCK);
            ps.execute();
        }
    }

    List<KekCount> countByKek(Connection c, SecretColumn column) throws SQLException {
        List<KekCount> out = new ArrayList<>();
        try (PreparedStatement ps =
                        c.prepareStatement("SELECT " + column.kekColumn() + ", count(*) FROM " + column.table()
                                + " WHERE " + column.column() + " IS NOT NULL GROUP BY 1 ORDER BY 1 NULLS FIRST");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new KekCount(rs.getString(1), rs.getLong(2)));
            }
        }
        return out;
    }

    /** Up to {@code limit} values not encrypted under {@code kekId}, locked for the rest of the transaction. */
    List<Row> notUnder(Connection c, SecretColumn column, String kekId, int limit) throws SQLException {
        List<Row> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + column.keyColumn() + ", " + column.column() + ", "
                + column.kekColumn() + " FROM " + column.table() + " WHERE " + column.column() + " IS NOT NULL AND "
                + column.kekColumn() + " IS DISTINCT FROM ? ORDER BY 1 LIMIT ? FOR UPDATE")) {
            ps.setString(1, kekId);
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Row(rs.getString(1), new StoredSecret(rs.getBytes(2), rs.getString(3))));
                }
            }
        }
        return out;
    }

    void update(Connection c, SecretColumn column, List<Row> rows) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + column.table() + " SET " + column.column() + " = ?, "
                + column.kekColumn() + " = ? WHERE " + column.keyColumn() + " = ?")) {
            for (Row row : rows) {
                ps.setBytes(1, row.stored().value());
                ps.setString(2, row.stored().kekId());
                ps.setString(3, row.key());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
