package org.trustquorum.core.protocol;

/** Successful outcomes of {@code coordinateReconfiguration}. */
public enum ReconfigureOutcome {
    /** This node started coordinating the new epoch. */
    STARTED,
    /** The same request was already accepted (at any phase); nothing changed. */
    ALREADY_STARTED
}
