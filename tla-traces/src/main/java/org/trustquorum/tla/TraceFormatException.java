package org.trustquorum.tla;

/** A trace file that does not follow the event format; names the 1-based line. */
public final class TraceFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int line;

    public TraceFormatException(int line, String message) {
        super("line " + line + ": " + message);
        this.line = line;
    }

    /** 1-based line of the offending event. */
    public int line() {
        return line;
    }
}
