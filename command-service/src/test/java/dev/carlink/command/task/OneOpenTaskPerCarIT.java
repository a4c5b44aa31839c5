package dev.carlink.command.task;

import static org.assertj.core.api.Assertions.assertThat;

import dev.carlink.command.CommandSchema;
import dev.carlink.command.store.Db;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The database, not the application, guarantees one open task per car and type. */
class OneOpenTaskPerCarIT {

    private static final String VIN = "SMCAR000000000042";
    private static EmbeddedPostgres postgres;
    private static DataSource dataSource;
    private static Vertx vertx;

    @BeforeAll
    static void startDatabase() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        dataSource = postgres.getPostgresDatabase();
        CommandSchema.migrate(dataSource);
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement()) {
            st.execute("INSERT INTO command.users (username, password_hash, role, display_name, created_at) "
                    + "VALUES ('olga', 'x', 'OWNER', 'Olga', now())");
            st.execute("INSERT INTO command.vehicles (vin, owner_id, name, secret_hash, enrolled_at) " + "SELECT '"
                    + VIN + "', id, 'car', 'x', now() FROM command.users WHERE username = 'olga'");
        }
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().await();
        postgres.close();
    }

    @Test
    void concurrentTriggers_forOneCarAndType_openExactlyOneTask_andCountEveryTrigger() throws Exception {
        Db db = new Db(vertx, dataSource);
        TaskService tasks = new TaskService(vertx, db, Clock.systemUTC(), new SimpleMeterRegistry());
        int triggers = 8;
        CyclicBarrier start = new CyclicBarrier(triggers);
        ExecutorService pool = Executors.newFixedThreadPool(triggers);
        List<Future<Long>> ids = new ArrayList<>();
        for (int i = 0; i < triggers; i++) {
            int n = i;
            Callable<Long> raise = () -> {
                start.await(10, TimeUnit.SECONDS);
                return db.inTransaction(c -> tasks.raise(c, VIN, TaskType.DRIVER_FATIGUE_CRITICAL, "trigger " + n)
                        .id());
            };
            ids.add(pool.submit(raise));
        }
        List<Long> taskIds = new ArrayList<>();
        for (Future<Long> id : ids) {
            taskIds.add(id.get(30, TimeUnit.SECONDS));
        }
        pool.shutdown();

        assertThat(taskIds).containsOnly(taskIds.get(0));
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT count(*), max(occurrences) FROM command.tasks WHERE vin = '" + VIN + "'")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
            assertThat(rs.getInt(2)).isEqualTo(triggers);
        }
        assertThat(tasks.get(taskIds.get(0)).await().orElseThrow().timeline())
                .filteredOn(e -> e.kind().equals("TRIGGER"))
                .hasSize(triggers);
    }
}
