package org.trustquorum.sim;

import org.trustquorum.sim.view.CpSnapshot;
import org.trustquorum.sim.view.NodeSnapshot;

/**
 * Read-only access to a running simulation's state, for tools that record a run (the timeline
 * page, the step debugger). Reading never changes the run.
 */
public interface RunProbe {
    int nodes();

    /** Node {@code index} as it is now. */
    NodeSnapshot node(int index);

    /** The control plane as it is now. */
    CpSnapshot controlPlane();
}
