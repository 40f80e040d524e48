package org.trustquorum.core.api;

/** Outcome of a commit or prepare-and-commit that did not fail. */
public enum CommitStatus {
    /** The node has committed the epoch (durably, once the step's persist completes). */
    COMMITTED,
    /** The node is still collecting shares to compute its own key share. */
    PENDING
}
