package org.trustquorum.sim.shrink;

import java.util.List;
import org.trustquorum.sim.RunResult;
import org.trustquorum.sim.RunSpec;

/**
 * How big a failing run is, in the dimensions a person reading or stepping through it cares about.
 * Runs are ordered by events to the failure, then schedule entries, then virtual time: the order
 * the shrinker minimises. Ties go to fewer fault kinds, then fewer nodes, then the shorter safety
 * phase (so cutting the safety phase after the failure, which changes nothing before it, counts).
 *
 * @param events     events processed up to and including the failing check
 * @param nodes      simulated nodes
 * @param entries    schedule entries
 * @param faultKinds the kinds of fault the run holds ({@link FaultKind} labels)
 * @param virtualMs  virtual time of the failure
 * @param safetyMs   length of the safety phase
 */
public record RunSize(long events, int nodes, int entries, List<String> faultKinds, long virtualMs, long safetyMs)
        implements Comparable<RunSize> {
    public RunSize {
        faultKinds = List.copyOf(faultKinds);
    }

    /** The size of {@code spec}'s run, which ended as {@code result}. */
    public static RunSize of(RunSpec spec, RunResult result) {
        return new RunSize(result.events(), spec.schedule().nodes(), spec.schedule().entries().size(),
                FaultKind.activeLabels(spec.schedule()), result.failedAtMs(),
                spec.schedule().mix().safetyMs());
    }

    @Override
    public int compareTo(RunSize o) {
        int c = Long.compare(events, o.events);
        if (c == 0) {
            c = Integer.compare(entries, o.entries);
        }
        if (c == 0) {
            c = Long.compare(virtualMs, o.virtualMs);
        }
        if (c == 0) {
            c = Integer.compare(faultKinds.size(), o.faultKinds.size());
        }
        if (c == 0) {
            c = Integer.compare(nodes, o.nodes);
        }
        return c != 0 ? c : Long.compare(safetyMs, o.safetyMs);
    }

    /** One line: "8269 events to failure, 8 nodes, 73 entries, 2 fault kinds (...), 48683 ms virtual". */
    public String describe() {
        return events + " events to failure, " + nodes + " nodes, " + entries + " entries, " + faultKinds.size()
                + " fault kinds" + (faultKinds.isEmpty() ? "" : " (" + String.join(", ", faultKinds) + ")") + ", "
                + virtualMs + " ms virtual";
    }
}
