package dev.carlink.gateway.mqtt;

import java.util.Objects;

/**
 * The outcome of decoding car input: a valid value or a typed {@link Rejection}, never null.
 *
 * @param <T> the type of the valid value
 */
sealed interface Parsed<T> permits Parsed.Valid, Parsed.Rejected {

    static <T> Parsed<T> valid(T value) {
        return new Valid<>(value);
    }

    static <T> Parsed<T> rejected(RejectReason reason, String detail) {
        return new Rejected<>(new Rejection(reason, detail));
    }

    /** A value that passed every check. */
    record Valid<T>(T value) implements Parsed<T> {
        public Valid {
            Objects.requireNonNull(value, "value");
        }
    }

    /** Input refused, with the reason. */
    record Rejected<T>(Rejection rejection) implements Parsed<T> {
        public Rejected {
            Objects.requireNonNull(rejection, "rejection");
        }
    }
}
