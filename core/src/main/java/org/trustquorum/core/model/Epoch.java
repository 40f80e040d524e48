package org.trustquorum.core.model;

/** A configuration epoch: unsigned 64-bit, ordered; {@link #NONE} (0) means "no epoch". */
public record Epoch(long value) implements Comparable<Epoch> {
    public static final Epoch NONE = new Epoch(0);

    public static Epoch of(long value) {
        return new Epoch(value);
    }

    public boolean isNone() {
        return value == 0;
    }

    public Epoch next() {
        if (value == -1L) {
            throw new ArithmeticException("epoch overflow");
        }
        return new Epoch(value + 1);
    }

    public boolean isAfter(Epoch other) {
        return compareTo(other) > 0;
    }

    public boolean isBefore(Epoch other) {
        return compareTo(other) < 0;
    }

    public static Epoch max(Epoch a, Epoch b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    @Override
    public int compareTo(Epoch other) {
        return Long.compareUnsigned(value, other.value);
    }

    @Override
    public String toString() {
        return Long.toUnsignedString(value);
    }
}
