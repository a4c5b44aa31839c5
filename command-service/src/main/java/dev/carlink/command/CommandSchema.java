package dev.carlink.command;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/** The command-service's tables, in schema {@code command}, migrated by Flyway with their own history. */
public final class CommandSchema {

    public static final String SCHEMA = "command";

    private CommandSchema() {}

    /** Creates or upgrades the schema; safe to run at every start. */
    public static void migrate(DataSource dataSource) {
        Flyway.configure()
                .dataSource(dataSource)
                .schemas(SCHEMA)
                .table("flyway_history")
                .locations("classpath:db/command")
                .load()
                .migrate();
    }
}
