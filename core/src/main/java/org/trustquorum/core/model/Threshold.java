package org.trustquorum.core.model;

/** K: how many shares reconstruct a secret. Validity against a membership is checked by the API. */
public record Threshold(int value) {
    public static final int MIN = 2;
    public static final int MAX = 31;

    public static Threshold of(int value) {
        return new Threshold(value);
    }

    public boolean isValid() {
        return value >= MIN && value <= MAX;
    }

    @Override
    public String toString() {
        return Integer.toString(value);
    }
}
