package org.trustquorum.runtime.cli;

/** The exit codes every {@code tq} command uses. */
public final class ExitCodes {
    private ExitCodes() {}

    /** The command did what it was asked; every check held. */
    public static final int OK = 0;
    /** A check failed, or the node stopped because continuing was unsafe. */
    public static final int CHECK_FAILED = 1;
    /** The command line or a file it names is wrong, or a node could not start with it. */
    public static final int USAGE = 2;
    /** A bug or an unexpected failure inside tq. */
    public static final int INTERNAL_ERROR = 3;
}
