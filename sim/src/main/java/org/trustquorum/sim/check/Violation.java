package org.trustquorum.sim.check;

/** A failed check: stops the run. {@code check} is the stable name shrinking and regression files match on. */
public final class Violation extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String check;

    public Violation(String check, String message) {
        super(message);
        this.check = check;
    }

    public String check() {
        return check;
    }
}
