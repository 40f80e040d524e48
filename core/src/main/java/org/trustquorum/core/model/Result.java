package org.trustquorum.core.model;

import java.util.function.Function;

/** A value or a typed error. */
public sealed interface Result<T, E> {
    record Ok<T, E>(T value) implements Result<T, E> {}

    record Err<T, E>(E error) implements Result<T, E> {}

    static <T, E> Result<T, E> ok(T value) {
        return new Ok<>(value);
    }

    static <T, E> Result<T, E> err(E error) {
        return new Err<>(error);
    }

    default boolean isOk() {
        return this instanceof Ok<T, E>;
    }

    default T orElseThrow() {
        return switch (this) {
            case Ok<T, E> ok -> ok.value();
            case Err<T, E> err -> throw new IllegalStateException("expected a value, got error " + err.error());
        };
    }

    default E errorOrThrow() {
        return switch (this) {
            case Ok<T, E> ok -> throw new IllegalStateException("expected an error, got " + ok.value());
            case Err<T, E> err -> err.error();
        };
    }

    default <U> Result<U, E> map(Function<T, U> f) {
        return switch (this) {
            case Ok<T, E> ok -> new Ok<>(f.apply(ok.value()));
            case Err<T, E> err -> new Err<>(err.error());
        };
    }
}
