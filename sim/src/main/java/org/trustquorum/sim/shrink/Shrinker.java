package org.trustquorum.sim.shrink;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntSupplier;
import org.trustquorum.sim.RunResult;
import org.trustquorum.sim.RunSpec;
import org.trustquorum.sim.Simulation;
import org.trustquorum.sim.check.EventBound;
import org.trustquorum.sim.scenario.Entry;
import org.trustquorum.sim.scenario.Schedule;

/**
 * Reduces a failing run to a shorter one that fails the same check. The objective is the run's
 * {@link RunSize}: events to the failure, then schedule entries, then virtual time. A candidate is
 * kept only when it fails with the same check and is strictly smaller in that order.
 *
 * <p>A run is a function of (seed, schedule, mutant), so a candidate is an edited schedule. Each
 * pass tries, in order: cutting the safety phase after the failure; switching each fault kind off,
 * then making it milder; fewer nodes (delta debugging over the nodes, renumbering the entries);
 * fewer entries (delta debugging); entries pulled earlier and the gaps between them closed; a
 * smaller initial configuration and threshold; simpler entries. Passes repeat until one changes
 * nothing or the budget of runs is spent. Network timing is drawn from the seed for each
 * candidate, so every edit can move it; the search stays deterministic (same input, same result).
 */
public final class Shrinker {
    /** Default budget of candidate runs. */
    public static final int DEFAULT_MAX_RUNS = 600;
    /** The safety phase is never cut below this. */
    public static final long MIN_SAFETY_MS = 1_000;
    /** A move earlier is halved down to this before it is given up. */
    public static final long MIN_MOVE_MS = 50;

    private final String check;
    private final int maxRuns;
    private final Consumer<String> progress;
    /** Every schedule already run, with its result (a candidate seen again costs no run). */
    private final Map<Schedule, RunResult> tried = new HashMap<>();
    private int runs;
    private boolean boundHit;
    private RunSpec best;
    private RunResult bestResult;
    private RunSize bestSize;

    /**
     * The result of shrinking.
     *
     * @param spec   the smallest failing run found
     * @param result its run
     * @param runs   candidate runs used (the original run included)
     * @param before the original run's size
     * @param after  the shrunk run's size
     * @param boundHit true if the budget of runs stopped the search before it converged
     */
    public record Outcome(RunSpec spec, RunResult result, int runs, RunSize before, RunSize after, boolean boundHit) {}

    private Shrinker(String check, int maxRuns, Consumer<String> progress) {
        this.check = check;
        this.maxRuns = maxRuns;
        this.progress = progress;
    }

    /** Shrinks {@code failing}, whose run fails {@code check}, within {@code maxRuns} runs. */
    public static Outcome shrink(RunSpec failing, String check, int maxRuns, Consumer<String> progress) {
        Shrinker s = new Shrinker(Objects.requireNonNull(check), maxRuns, progress);
        return s.run(failing);
    }

    private Outcome run(RunSpec start) {
        runs++;
        RunResult first = new Simulation(start).run();
        if (!check.equals(first.check())) {
            throw new IllegalArgumentException("the run to shrink does not fail " + check);
        }
        best = start;
        bestResult = first;
        bestSize = RunSize.of(start, first);
        tried.put(start.schedule(), first);
        RunSize before = bestSize;
        while (!boundHit) {
            RunSize passStart = bestSize;
            cutSafety();
            faultKinds();
            nodes();
            entries();
            times();
            initialConfiguration();
            simplify();
            if (bestSize.equals(passStart)) {
                break;
            }
        }
        return new Outcome(best, bestResult, runs, before, bestSize, boundHit);
    }

    /** Runs {@code candidate} (unless null or seen) and keeps it if it is a smaller run failing the check. */
    private boolean accept(Schedule candidate, String what) {
        if (candidate == null) {
            return false;
        }
        RunResult r = tried.get(candidate);
        if (r == null) {
            if (runs >= maxRuns) {
                boundHit = true;
                return false;
            }
            runs++;
            // A candidate longer than the best run cannot be kept: stop it there (best only shrinks,
            // so a stopped candidate stays useless and may be remembered as it is). Not when the
            // failure to keep is that bound itself.
            Simulation sim = new Simulation(best.withSchedule(candidate));
            r = (EventBound.NAME.equals(check) ? sim : sim.withEventLimit(bestSize.events())).run();
            tried.put(candidate, r);
        }
        RunSpec spec = best.withSchedule(candidate);
        RunSize size = RunSize.of(spec, r);
        if (!check.equals(r.check()) || size.compareTo(bestSize) >= 0) {
            return false;
        }
        best = spec;
        bestResult = r;
        bestSize = size;
        note(what);
        return true;
    }

    private Schedule schedule() {
        return best.schedule();
    }

    /**
     * Ends the safety phase right after the failure (the run up to the failure is unchanged), or
     * else right after the last entry.
     */
    private void cutSafety() {
        Schedule s = schedule();
        List<Entry> es = s.entries();
        long last = es.isEmpty() ? 0 : es.get(es.size() - 1).atMs();
        long[] targets = {Math.max(MIN_SAFETY_MS, Math.max(last, bestResult.failedAtMs()) + 1),
            Math.max(MIN_SAFETY_MS, last + 1)};
        for (long target : targets) {
            if (target < schedule().mix().safetyMs()) {
                accept(schedule().withSafetyMs(target), "safety phase cut to " + target + " ms");
            }
        }
    }

    /** Each fault kind off; then each kind still on at a lower rate, as long as that helps. */
    private void faultKinds() {
        for (FaultKind k : FaultKind.values()) {
            if (k.active(schedule())) {
                accept(k.off(schedule()), k.label() + " off");
            }
        }
        for (FaultKind k : FaultKind.values()) {
            while (k.active(schedule()) && accept(k.milder(schedule()), k.label() + " milder")) {
                // keep lowering while each step still fails and shrinks the run
            }
        }
    }

    /**
     * Fewer nodes: first only the initial configuration's members, then delta debugging over the
     * nodes (drop a group, renumbering the rest). Each removal is tried as it is and, if that run
     * does not fail, with the per-connection fault chances raised by the drop in connections.
     */
    private void nodes() {
        boolean[] outsiders = new boolean[schedule().nodes()];
        Arrays.fill(outsiders, true);
        for (int i : schedule().initialMembers()) {
            outsiders[i] = false;
        }
        for (Schedule candidate : withoutNodes(outsiders)) {
            if (accept(candidate, "only the initial configuration's " + candidate.nodes() + " nodes left")) {
                break;
            }
        }
        ddmin(() -> schedule().nodes(), this::withoutNodes, "nodes");
    }

    private List<Schedule> withoutNodes(boolean[] removed) {
        Schedule fewer = ScheduleEdits.withoutNodes(schedule(), removed);
        if (fewer == null) {
            return List.of();
        }
        double before = schedule().nodes() * (schedule().nodes() - 1.0);
        Schedule raised = FaultKind.compensated(fewer, before / (fewer.nodes() * (fewer.nodes() - 1.0)));
        return raised == null ? List.of(fewer) : List.of(fewer, raised);
    }

    /** Delta debugging over the entries. */
    private void entries() {
        ddmin(() -> schedule().entries().size(), removed -> {
            List<Entry> kept = new ArrayList<>();
            List<Entry> es = schedule().entries();
            for (int i = 0; i < es.size(); i++) {
                if (!removed[i]) {
                    kept.add(es.get(i));
                }
            }
            return List.of(schedule().withEntries(kept));
        }, "entries");
    }

    /**
     * Classic delta debugging: try removing each of n chunks of the items (n = 2, then doubling up
     * to one item per chunk); after a success start again from fewer chunks.
     *
     * @param size   how many items the current best schedule has
     * @param remove the current best schedule without the items marked true: candidates to try in order
     */
    private void ddmin(IntSupplier size, Function<boolean[], List<Schedule>> remove, String items) {
        int n = 2;
        while (size.getAsInt() >= 1 && !boundHit) {
            int total = size.getAsInt();
            int chunks = Math.min(n, total);
            boolean reduced = false;
            for (int i = 0; i < chunks && !boundHit; i++) {
                int from = i * total / chunks;
                int to = (i + 1) * total / chunks;
                boolean[] removed = new boolean[total];
                Arrays.fill(removed, from, to, true);
                String what = "removed " + (to - from) + " " + items + ", " + (total - (to - from)) + " left";
                for (Schedule candidate : remove.apply(removed)) {
                    if (!reduced && accept(candidate, what)) {
                        reduced = true;
                    }
                }
                if (reduced) {
                    n = Math.max(2, chunks - 1);
                    break;
                }
            }
            if (!reduced) {
                if (chunks >= total) {
                    return;
                }
                n = Math.min(total, 2 * chunks);
            }
        }
    }

    /** The whole schedule pulled earlier, then each gap between entries closed (fully, else halved). */
    private void times() {
        for (int i = 0; i < schedule().entries().size() && !boundHit; i++) {
            for (long delta = ScheduleEdits.gapBefore(schedule(), i); delta >= MIN_MOVE_MS; delta /= 2) {
                String what = i == 0 ? "entries pulled " + delta + " ms earlier"
                        : "gap before entry " + i + " closed by " + delta + " ms";
                if (accept(ScheduleEdits.earlier(schedule(), i, delta), what)) {
                    break;
                }
            }
        }
    }

    /** Each initial member out (keeping at least the minimum), then a lower threshold. */
    private void initialConfiguration() {
        for (int i = schedule().initialMembers().size() - 1; i >= 0 && !boundHit; i--) {
            List<Integer> members = new ArrayList<>(schedule().initialMembers());
            if (i >= members.size()) {
                continue;
            }
            int gone = members.remove(i);
            int k = Math.min(schedule().initialThreshold(), members.size() - 1);
            accept(ScheduleEdits.withInitial(schedule(), members, k), "node " + gone + " out of the initial configuration");
        }
        for (int k = ScheduleEdits.MIN_THRESHOLD; k < schedule().initialThreshold() && !boundHit; k++) {
            if (accept(ScheduleEdits.withInitial(schedule(), schedule().initialMembers(), k),
                    "initial threshold " + k)) {
                break;
            }
        }
    }

    /** A simpler version of each entry. */
    private void simplify() {
        for (int i = 0; i < schedule().entries().size() && !boundHit; i++) {
            for (Entry simpler : EntryEdits.simpler(schedule().entries().get(i))) {
                List<Entry> candidate = new ArrayList<>(schedule().entries());
                candidate.set(i, simpler);
                if (accept(schedule().withEntries(candidate), "simplified entry " + i + " to " + simpler)) {
                    break;
                }
            }
        }
    }

    private void note(String what) {
        if (progress != null) {
            progress.accept("shrink: " + what + " -> " + bestSize.events() + " events (" + runs + " runs)");
        }
    }
}
