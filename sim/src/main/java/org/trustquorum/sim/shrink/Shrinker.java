package org.trustquorum.sim.shrink;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.trustquorum.sim.RunResult;
import org.trustquorum.sim.RunSpec;
import org.trustquorum.sim.Simulation;
import org.trustquorum.sim.scenario.Entry;
import org.trustquorum.sim.scenario.Schedule;

/**
 * Reduces a failing run to a shorter one that fails the same check. The run is a function of
 * (seed, schedule), so a candidate is just an edited schedule: delta debugging removes entries
 * (halves, quarters, ... single entries), the safety phase is cut right after the last entry that
 * is left, and entries are simplified one by one (milder crash points, shorter outages). A
 * candidate is kept when its run fails with the same check.
 */
public final class Shrinker {
    /** Default budget of candidate runs. */
    public static final int DEFAULT_MAX_RUNS = 600;
    /** The safety phase is never cut below this. */
    public static final long MIN_SAFETY_MS = 1_000;

    private final String check;
    private final int maxRuns;
    private final Consumer<String> progress;
    private int runs;
    private RunResult lastFailure;

    /** The result of shrinking: the smallest failing spec found and its run. */
    public record Outcome(RunSpec spec, RunResult result, int runs, int entriesBefore, long safetyBeforeMs) {}

    private Shrinker(String check, int maxRuns, Consumer<String> progress) {
        this.check = check;
        this.maxRuns = maxRuns;
        this.progress = progress;
    }

    /** Shrinks {@code failing}, whose run fails {@code check}. */
    public static Outcome shrink(RunSpec failing, String check, int maxRuns, Consumer<String> progress) {
        Shrinker s = new Shrinker(Objects.requireNonNull(check), maxRuns, progress);
        return s.run(failing);
    }

    private Outcome run(RunSpec start) {
        int before = start.schedule().entries().size();
        long safetyBefore = start.schedule().mix().safetyMs();
        RunSpec best = start;
        if (!fails(best)) {
            throw new IllegalArgumentException("the run to shrink does not fail " + check);
        }
        RunResult bestResult = lastFailure;
        boolean changed = true;
        while (changed && runs < maxRuns) {
            changed = false;
            RunSpec cut = cutSafety(best, bestResult);
            if (cut != best) {
                best = cut;
                bestResult = lastFailure;
                changed = true;
            }
            RunSpec dd = ddmin(best);
            if (dd != best) {
                best = dd;
                bestResult = lastFailure;
                changed = true;
            }
            RunSpec simple = simplify(best);
            if (simple != best) {
                best = simple;
                bestResult = lastFailure;
                changed = true;
            }
        }
        if (bestResult == null) {
            bestResult = new Simulation(best).run();
        }
        return new Outcome(best, bestResult, runs, before, safetyBefore);
    }

    private boolean fails(RunSpec spec) {
        if (runs >= maxRuns) {
            return false;
        }
        runs++;
        RunResult r = new Simulation(spec).run();
        boolean same = check.equals(r.check());
        if (same) {
            lastFailure = r;
        }
        return same;
    }

    /**
     * Ends the safety phase right after the failure (everything before the heal is unchanged, so a
     * failure inside the safety phase stays put), or else right after the last entry.
     */
    private RunSpec cutSafety(RunSpec spec, RunResult failure) {
        Schedule s = spec.schedule();
        List<Entry> es = s.entries();
        long last = es.isEmpty() ? 0 : es.get(es.size() - 1).atMs();
        long[] targets = {Math.max(MIN_SAFETY_MS, Math.max(last, failure.failedAtMs()) + 1),
            Math.max(MIN_SAFETY_MS, last + 1)};
        for (long target : targets) {
            if (target < s.mix().safetyMs()) {
                RunSpec c = spec.withSchedule(s.withSafetyMs(target));
                if (fails(c)) {
                    note("safety phase cut to " + target + " ms");
                    return c;
                }
            }
        }
        return spec;
    }

    /** Classic delta debugging over the entries (complements of n chunks, n doubling). */
    private RunSpec ddmin(RunSpec spec) {
        List<Entry> entries = new ArrayList<>(spec.schedule().entries());
        RunSpec best = spec;
        int n = 2;
        while (entries.size() >= 1 && runs < maxRuns) {
            int size = entries.size();
            int chunks = Math.min(n, size);
            boolean reduced = false;
            for (int i = 0; i < chunks && runs < maxRuns; i++) {
                int from = i * size / chunks;
                int to = (i + 1) * size / chunks;
                List<Entry> complement = new ArrayList<>(entries.subList(0, from));
                complement.addAll(entries.subList(to, size));
                RunSpec c = spec.withSchedule(spec.schedule().withEntries(complement));
                if (fails(c)) {
                    entries = complement;
                    spec = c;
                    best = c;
                    n = Math.max(2, chunks - 1);
                    reduced = true;
                    note("removed " + (to - from) + " entries, " + entries.size() + " left");
                    break;
                }
            }
            if (!reduced) {
                if (chunks >= size) {
                    break;
                }
                n = Math.min(size, 2 * chunks);
            }
        }
        return best;
    }

    /** Tries a simpler version of each entry. */
    private RunSpec simplify(RunSpec spec) {
        List<Entry> entries = new ArrayList<>(spec.schedule().entries());
        RunSpec best = spec;
        for (int i = 0; i < entries.size() && runs < maxRuns; i++) {
            for (Entry simpler : simpler(entries.get(i))) {
                List<Entry> candidate = new ArrayList<>(entries);
                candidate.set(i, simpler);
                RunSpec c = best.withSchedule(best.schedule().withEntries(candidate));
                if (fails(c)) {
                    entries = candidate;
                    best = c;
                    note("simplified entry " + i + " to " + simpler);
                    break;
                }
            }
        }
        return best;
    }

    private static List<Entry> simpler(Entry e) {
        List<Entry> out = new ArrayList<>();
        switch (e) {
            case Entry.Crash c -> {
                if (c.point() != Entry.CrashPoint.BETWEEN_EVENTS) {
                    out.add(new Entry.Crash(c.atMs(), c.node(), c.downMs(), Entry.CrashPoint.BETWEEN_EVENTS));
                }
                if (c.point() == Entry.CrashPoint.TORN_PERSIST) {
                    out.add(new Entry.Crash(c.atMs(), c.node(), c.downMs(), Entry.CrashPoint.AFTER_PERSIST));
                }
                if (c.downMs() > 200) {
                    out.add(new Entry.Crash(c.atMs(), c.node(), c.downMs() / 2, c.point()));
                }
            }
            case Entry.CrashControlPlane c -> {
                if (c.downMs() > 200) {
                    out.add(new Entry.CrashControlPlane(c.atMs(), c.downMs() / 2));
                }
            }
            case Entry.Partition p -> {
                if (p.durationMs() > 200) {
                    out.add(new Entry.Partition(p.atMs(), p.a(), p.b(), p.durationMs() / 2));
                }
                out.add(new Entry.AbortConnection(p.atMs(), p.a(), p.b()));
            }
            case Entry.OneWayPartition p -> {
                if (p.durationMs() > 200) {
                    out.add(new Entry.OneWayPartition(p.atMs(), p.from(), p.to(), p.durationMs() / 2));
                }
            }
            case Entry.Isolate p -> {
                if (p.durationMs() > 200) {
                    out.add(new Entry.Isolate(p.atMs(), p.node(), p.durationMs() / 2));
                }
            }
            case Entry.Stall s -> {
                if (s.durationMs() > 200) {
                    out.add(new Entry.Stall(s.atMs(), s.from(), s.to(), s.durationMs() / 2));
                }
            }
            case Entry.Freeze f -> {
                if (f.durationMs() > 200) {
                    out.add(new Entry.Freeze(f.atMs(), f.node(), f.durationMs() / 2));
                }
            }
            case Entry.LoadSecret l -> {
                if (l.olderEpoch()) {
                    out.add(new Entry.LoadSecret(l.atMs(), l.node(), false));
                }
            }
            case Entry.Reconfigure r -> { }
            case Entry.ReconfigureTo r -> { }
            case Entry.ClearSecrets c -> { }
            case Entry.AbortReconfiguration a -> { }
            case Entry.ProxyStatus p -> { }
            case Entry.UpdateNetworkConfig u -> { }
            case Entry.OperatorCommit o -> { }
            case Entry.AbortConnection a -> { }
            case Entry.HandlerException h -> { }
        }
        return out;
    }

    private void note(String what) {
        if (progress != null) {
            progress.accept("shrink: " + what + " (" + runs + " runs)");
        }
    }
}
