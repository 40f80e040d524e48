package org.trustquorum.sim.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.trustquorum.core.Mutation;
import org.trustquorum.core.engine.Input;
import org.trustquorum.core.msg.WireMsg;
import org.trustquorum.sim.EngineCallRecorder;
import org.trustquorum.sim.FaultProfile;
import org.trustquorum.sim.RunResult;
import org.trustquorum.sim.RunSpec;
import org.trustquorum.sim.Simulation;
import org.trustquorum.sim.Stat;
import org.trustquorum.sim.scenario.Entry;
import org.trustquorum.sim.scenario.FaultMix;
import org.trustquorum.sim.scenario.Schedule;

/**
 * How the work of one reconfiguration grows with the rack size N: peer messages (frames other
 * than keepalive pings) and engine steps (every {@code step} and accepted connection), counted,
 * not timed, so the figures are exact and the same on every machine.
 *
 * <p>For each N, two quiet scripted runs of every node as a member: one with {@link #RECONFIGURATIONS}
 * reconfigurations of all N nodes after the first configuration, one without. Their difference,
 * divided by the reconfigurations, is the cost of one reconfiguration with the mesh, the pings and
 * the first configuration taken out. The exponent is the slope of a least-squares line through
 * (log N, log cost).
 */
final class CostGrowth {
    /** Reconfigurations measured per N. */
    static final int RECONFIGURATIONS = 4;
    /** Virtual time before the first measured reconfiguration (the first configuration commits by then). */
    static final long FIRST_AT_MS = 20_000;
    /** Virtual time between measured reconfigurations (each commits well within it). */
    static final long SPACING_MS = 10_000;
    /** Safety phase of both runs (the same, so their pings cancel out). */
    static final long SAFETY_MS = FIRST_AT_MS + (RECONFIGURATIONS + 1) * SPACING_MS;
    static final long SEED = 77;

    /** The cost of one reconfiguration of {@code nodes} members. */
    record Cost(int nodes, double messages, double steps) {}

    private CostGrowth() {}

    static Cost measure(int nodes) {
        Counts with = run(nodes, RECONFIGURATIONS);
        Counts without = run(nodes, 0);
        return new Cost(nodes, (with.messages - without.messages) / (double) RECONFIGURATIONS,
                (with.steps - without.steps) / (double) RECONFIGURATIONS);
    }

    private record Counts(long messages, long steps) {}

    private static Counts run(int nodes, int reconfigurations) {
        List<Integer> all = new ArrayList<>();
        long mask = 0;
        for (int i = 0; i < nodes; i++) {
            all.add(i);
            mask |= 1L << i;
        }
        List<Entry> entries = new ArrayList<>();
        for (int r = 0; r < reconfigurations; r++) {
            // Alternate the threshold so every reconfiguration changes the configuration.
            entries.add(new Entry.ReconfigureTo(FIRST_AT_MS + r * SPACING_MS, mask, threshold(nodes) + r % 2));
        }
        RunSpec spec = new RunSpec(SEED, FaultProfile.NONE, Mutation.NONE,
                new Schedule(nodes, FaultMix.quiet(SAFETY_MS).build(), all, threshold(nodes), entries));
        EngineCallRecorder rec = new EngineCallRecorder();
        RunResult r = new Simulation(spec).recordEngineCalls(rec).run();
        if (!r.passed() || r.stat(Stat.FINAL_EPOCH) != 1 + reconfigurations) {
            throw new IllegalStateException("the cost run of " + nodes + " nodes did not commit every reconfiguration: "
                    + (r.passed() ? "final epoch " + r.stat(Stat.FINAL_EPOCH) : r.check() + ": " + r.message()));
        }
        long messages = 0;
        long steps = 0;
        for (EngineCallRecorder.Call c : rec.calls()) {
            if (c.kind() == EngineCallRecorder.BOOT) {
                continue;
            }
            steps++;
            if (c.input() instanceof Input.FrameReceived f && !(f.msg() instanceof WireMsg.Ping)) {
                messages++;
            }
        }
        return new Counts(messages, steps);
    }

    /** A majority. */
    private static int threshold(int nodes) {
        return nodes / 2 + 1;
    }

    /** Slope of the least-squares line through (log x, log y). */
    static double exponent(List<Integer> x, List<Double> y) {
        int n = x.size();
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        for (int i = 0; i < n; i++) {
            double lx = Math.log(x.get(i));
            double ly = Math.log(y.get(i));
            sx += lx;
            sy += ly;
            sxx += lx * lx;
            sxy += lx * ly;
        }
        return (n * sxy - sx * sy) / (n * sxx - sx * sx);
    }

    /** Measures every N that a rack can have and prints the table and the two exponents. */
    static void print(List<Integer> sizes, PrintWriter out) {
        out.println("cost per reconfiguration of all N nodes (quiet network; " + RECONFIGURATIONS
                + " reconfigurations minus none):");
        out.printf("%6s %14s %14s %16s%n", "N", "messages", "engine steps", "messages / N^2");
        List<Integer> ns = new ArrayList<>();
        List<Double> msgs = new ArrayList<>();
        List<Double> steps = new ArrayList<>();
        for (int n : sizes) {
            if (n > Schedule.MAX_NODES) {
                out.printf("%6d   skipped: a configuration has at most %d members%n", n, Schedule.MAX_NODES);
                continue;
            }
            Cost c = measure(n);
            ns.add(n);
            msgs.add(c.messages());
            steps.add(c.steps());
            out.printf("%6d %14.1f %14.1f %16.2f%n", n, c.messages(), c.steps(), c.messages() / ((double) n * n));
            out.flush();
        }
        if (ns.size() >= 2) {
            out.printf("fitted exponent (log-log least squares over N = %s): messages ~ N^%.2f, engine steps ~ N^%.2f%n",
                    ns, exponent(ns, msgs), exponent(ns, steps));
        }
    }
}
