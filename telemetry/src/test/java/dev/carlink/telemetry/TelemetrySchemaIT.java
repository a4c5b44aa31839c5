package dev.carlink.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.carlink.telemetry.store.StorageLayout;
import dev.carlink.telemetry.store.TelemetryRepository;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TelemetrySchemaIT {

    private static TestDatabase db;

    @BeforeAll
    static void startDatabase() {
        db = TestDatabase.startEmpty();
        TelemetrySchema.migrate(db.pool());
    }

    @AfterAll
    static void stopDatabase() {
        db.close();
    }

    @Test
    void migrate_createsTheTablesInTheTelemetrySchemaWithItsOwnHistoryTable() {
        // then
        assertThat(db.queryLong("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'telemetry'"
                        + " AND table_name IN ('telemetry', 'latest_state', 'flyway_schema_history')"))
                .isEqualTo(3);
        assertThat(db.queryLong("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"))
                .as("nothing in the shared public schema")
                .isZero();
        assertThat(db.queryLong("SELECT count(*) FROM telemetry.flyway_schema_history WHERE success"
                        + " AND version IS NOT NULL"))
                .as("V1 tables, V2 TimescaleDB decision, V3 time-series layout, V4 fleet columns")
                .isEqualTo(4);
        assertThat(db.queryLong("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'telemetry'"
                        + " AND table_name IN ('rollup_1m', 'rollup_1h', 'rollup_state', 'rollup_invalidation',"
                        + " 'group_retention')"))
                .isEqualTo(5);
    }

    @Test
    void migrate_runTwice_isANoOpTheSecondTime() {
        // given
        long historyRows = db.queryLong("SELECT count(*) FROM telemetry.flyway_schema_history");

        // when / then
        assertThatCode(() -> TelemetrySchema.migrate(db.pool())).doesNotThrowAnyException();
        assertThat(db.queryLong("SELECT count(*) FROM telemetry.flyway_schema_history"))
                .isEqualTo(historyRows);
    }

    @Test
    void migrate_nextToAnotherModulesSchema_leavesItAlone() {
        // given: another module's schema with its own Flyway history
        db.execute("CREATE SCHEMA IF NOT EXISTS othermodule");
        db.execute("CREATE TABLE IF NOT EXISTS othermodule.flyway_schema_history (installed_rank int)");

        // when
        TelemetrySchema.migrate(db.pool());

        // then
        assertThat(db.queryLong("SELECT count(*) FROM othermodule.flyway_schema_history"))
                .isZero();
    }

    @Test
    void timescaleDecision_onPlainPostgres_reportsNotAvailableAndPartitionsTheTableByDay() throws Exception {
        // when
        String status = db.queryString("SELECT telemetry.timescaledb_status()");
        StorageLayout layout = TelemetryRepository.storageLayout(db.pool());

        // then
        assertThat(status).isEqualTo("not available");
        assertThat(layout).isEqualTo(new StorageLayout("partitioned table", "not available"));
        assertThat(db.queryString("SELECT relkind::text FROM pg_class WHERE oid = 'telemetry.telemetry'::regclass"))
                .as("a partitioned table")
                .isEqualTo("p");
        assertThat(db.queryLong("SELECT count(*) FROM pg_inherits WHERE inhparent = 'telemetry.telemetry'::regclass"))
                .as("today and the days ahead have partitions")
                .isGreaterThanOrEqualTo(1 + dev.carlink.telemetry.series.SeriesConfig.PARTITIONS_AHEAD_DAYS);
        assertThat(db.queryLong("SELECT count(*) FROM pg_extension WHERE extname = 'timescaledb'"))
                .isZero();
    }

    @Test
    void telemetryTable_hasOneIndex_uniquePerSampleAndOrderedForHistory() {
        // then
        assertThat(db.queryString("SELECT pg_get_indexdef('telemetry.telemetry_vin_ts_seq_key'::regclass)"))
                .contains("UNIQUE INDEX")
                .contains("(vin, ts, seq)");
        assertThat(db.queryLong("SELECT count(*) FROM pg_indexes WHERE schemaname = 'telemetry'"
                        + " AND tablename = 'telemetry'"))
                .isEqualTo(1);
    }
}
