package dev.carlink.command.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

class DatabaseUnavailableTest {

    @Test
    void noConnectionFromThePool_isTheDatabaseUnavailable() {
        assertThat(ApiRouter.databaseUnavailable(new SQLTransientConnectionException("pool timed out")))
                .isTrue();
    }

    @Test
    void aBrokenConnectionOrAServerShuttingDown_deepInTheCauses_isTheDatabaseUnavailable() {
        assertThat(ApiRouter.databaseUnavailable(
                        new IllegalStateException("store failed", new SQLException("I/O error", "08006"))))
                .isTrue();
        assertThat(ApiRouter.databaseUnavailable(new SQLException("terminating connection", "57P01")))
                .isTrue();
    }

    @Test
    void aConstraintViolationOrABug_isNot() {
        assertThat(ApiRouter.databaseUnavailable(new SQLException("duplicate key", "23505")))
                .isFalse();
        assertThat(ApiRouter.databaseUnavailable(new SQLException("no state"))).isFalse();
        assertThat(ApiRouter.databaseUnavailable(new NullPointerException())).isFalse();
        assertThat(ApiRouter.databaseUnavailable(null)).isFalse();
    }
}
