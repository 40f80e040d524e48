package org.trustquorum.sim.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.trustquorum.core.Mutation;
import org.trustquorum.sim.FaultProfile;
import org.trustquorum.sim.RunResult;
import org.trustquorum.sim.RunSpec;
import org.trustquorum.sim.Simulation;
import org.trustquorum.sim.shrink.RegressionFile;
import org.trustquorum.sim.shrink.Shrinker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./tq shrink-report}: how well shrinking works. For each mutant, finds its first failing
 * seeds, shrinks each, saves the shrunk run as a regression file, replays that file, and prints a
 * table: events to failure before and after, the median ratio, runs used, wall and CPU time. Exit 0 iff
 * every mutant had its failing seeds, every file replays with the original check, and the median
 * ratio over all shrunk runs is at most {@link #TARGET_RATIO_PERCENT}%.
 */
@Command(name = "shrink-report", mixinStandardHelpOptions = true,
        description = "Shrink the first failing seeds of every mutant, replay each shrunk run from its saved file, "
                + "and print a table of events to failure before and after. Exit 0 iff every mutant had its failing "
                + "seeds, every file replays with the original check and the median ratio over all shrunk runs is at "
                + "most " + ShrinkReportCommand.TARGET_RATIO_PERCENT + "%; 1 otherwise, 2 on a usage error.")
final class ShrinkReportCommand implements Callable<Integer> {
    /** The goal: the median shrunk run has at most this percentage of its original's events to failure. */
    static final int TARGET_RATIO_PERCENT = 10;
    static final int DEFAULT_FAILING_SEEDS = 5;
    /** A mutant whose failing seeds are not found within this many seeds is reported short. */
    static final long DEFAULT_SEED_LIMIT = 5_000;
    private static final double NANOS_PER_SECOND = 1e9;
    private static final double PERCENT = 100.0;

    @Spec
    CommandSpec spec;

    @Option(names = "--mutant", paramLabel = "NAME", converter = SimMain.MutantConverter.class,
            description = "A mutant to measure (repeatable; default: every mutant).")
    List<Mutation> mutants = new ArrayList<>();

    @Option(names = "--failing-seeds", defaultValue = "" + DEFAULT_FAILING_SEEDS, paramLabel = "N",
            description = "Failing seeds per mutant (default: ${DEFAULT-VALUE}).")
    int failingSeeds;

    @Option(names = "--first-seed", defaultValue = "1", paramLabel = "S", converter = SimMain.SeedConverter.class,
            description = "Seeds are searched from S upwards (default: ${DEFAULT-VALUE}).")
    long firstSeed;

    @Option(names = "--seed-limit", defaultValue = "" + DEFAULT_SEED_LIMIT, paramLabel = "N",
            description = "Give up looking for a mutant's failing seeds after N seeds (default: ${DEFAULT-VALUE}).")
    long seedLimit;

    @Option(names = "--nodes", defaultValue = "" + SimMain.DEFAULT_NODES, paramLabel = "N",
            description = "Nodes of the original runs (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--faults", defaultValue = "swarm", paramLabel = "PROFILE", converter = SimMain.ProfileConverter.class,
            description = "Fault profile of the original runs (default: ${DEFAULT-VALUE}).")
    FaultProfile faults;

    @Option(names = "--max-runs", defaultValue = "" + Shrinker.DEFAULT_MAX_RUNS, paramLabel = "N",
            description = "Shrinking budget in runs per seed (default: ${DEFAULT-VALUE}).")
    int maxRuns;

    @Option(names = "--save-dir", paramLabel = "DIR",
            description = "Where the shrunk runs' regression files go (default: a new temporary directory).")
    Path saveDir;

    /** One shrunk seed. */
    record Row(Mutation mutant, long seed, String check, long before, long after, int nodesAfter, int entriesAfter,
            int runs, boolean boundHit, double wallSeconds, double cpuSeconds, boolean replayed) {
        double ratio() {
            return (double) after / before;
        }
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (failingSeeds < 1 || seedLimit < 1 || maxRuns < 1 || nodes < 3 || nodes > 32) {
            throw new ParameterException(spec.commandLine(),
                    "--failing-seeds, --seed-limit and --max-runs must be at least 1, --nodes in 3..32");
        }
        List<Mutation> which = mutants.isEmpty() ? everyMutant() : mutants;
        Path dir = saveDir != null ? saveDir : Files.createTempDirectory("tq-shrink-report");
        out.println("tq shrink-report: " + which.size() + " mutants x " + failingSeeds + " failing seeds, "
                + SimMain.describeOptions(nodes, faults, Mutation.NONE) + ", budget " + maxRuns + " runs; files in " + dir);
        out.flush();
        List<Row> rows = new ArrayList<>();
        for (Mutation m : which) {
            for (RunResult failure : failures(m)) {
                long seed = failure.seed();
                Row row = shrinkOne(m, failure, dir);
                rows.add(row);
                out.printf(Locale.ROOT, "%s seed %s: %s %d -> %d events (%.1f%%), %d nodes, %d entries, %d runs%s, "
                        + "%.1f s (%.1f s CPU), %s%n", m.cliName(), Long.toUnsignedString(seed), row.check(), row.before(), row.after(),
                        PERCENT * row.ratio(), row.nodesAfter(), row.entriesAfter(), row.runs(),
                        row.boundHit() ? " (bound hit)" : "", row.wallSeconds(), row.cpuSeconds(),
                        row.replayed() ? "replays from its file" : "DOES NOT REPLAY from its file");
                out.flush();
            }
        }
        return printTable(out, which, rows) ? SimMain.EXIT_OK : SimMain.EXIT_FAILED;
    }

    private static List<Mutation> everyMutant() {
        List<Mutation> all = new ArrayList<>();
        for (Mutation m : Mutation.values()) {
            if (m != Mutation.NONE) {
                all.add(m);
            }
        }
        return all;
    }

    /** The first failing runs of the mutant (at most --failing-seeds, within --seed-limit seeds). */
    private List<RunResult> failures(Mutation m) {
        List<RunResult> found = new ArrayList<>();
        for (long i = 0; i < seedLimit && found.size() < failingSeeds; i++) {
            RunResult r = new Simulation(RunSpec.generate(firstSeed + i, nodes, faults, m)).run();
            if (!r.passed()) {
                found.add(r);
            }
        }
        return found;
    }

    private Row shrinkOne(Mutation m, RunResult failure, Path dir) {
        long seed = failure.seed();
        RunSpec original = RunSpec.generate(seed, nodes, faults, m);
        String check = failure.check();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpuStart = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        Shrinker.Outcome o = Shrinker.shrink(original, check, maxRuns, null);
        double wall = (System.nanoTime() - start) / NANOS_PER_SECOND;
        double cpu = (threads.getCurrentThreadCpuTime() - cpuStart) / NANOS_PER_SECOND;
        Path file = dir.resolve(m.cliName() + "-seed-" + Long.toUnsignedString(seed) + ".json");
        try {
            RegressionFile.shrunk(m.cliName() + "-seed-" + Long.toUnsignedString(seed), original, o).write(file);
            RunResult again = new Simulation(RegressionFile.read(file).spec()).run();
            boolean replayed = check.equals(again.check()) && again.events() == o.after().events();
            return new Row(m, seed, check, o.before().events(), o.after().events(), o.after().nodes(),
                    o.after().entries(), o.runs(), o.boundHit(), wall, cpu, replayed);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Prints the Markdown table; true iff every mutant had its seeds, every file replayed and the target is met. */
    private boolean printTable(PrintWriter out, List<Mutation> which, List<Row> rows) {
        out.println();
        out.println("| mutant | seeds | events before | events after | median ratio | runs | wall time (CPU) |");
        out.println("| --- | --- | --- | --- | --- | --- | --- |");
        boolean ok = true;
        List<Double> allRatios = new ArrayList<>();
        for (Mutation m : which) {
            List<Row> mine = rows.stream().filter(r -> r.mutant() == m).toList();
            if (mine.size() < failingSeeds) {
                ok = false;
            }
            if (mine.isEmpty()) {
                out.println("| `" + m.cliName() + "` | none failing in " + seedLimit + " | | | | | |");
                continue;
            }
            List<Double> ratios = mine.stream().map(Row::ratio).toList();
            allRatios.addAll(ratios);
            double median = median(ratios);
            out.printf(Locale.ROOT, "| `%s` | %s | %s | %s | %.1f%% | %s | %.1f s (%.1f s) |%n", m.cliName(),
                    join(mine, r -> Long.toUnsignedString(r.seed())), join(mine, r -> String.format(Locale.ROOT, "%,d",
                            r.before())), join(mine, r -> String.format(Locale.ROOT, "%,d", r.after())),
                    PERCENT * median, join(mine, r -> r.runs() + (r.boundHit() ? "*" : "")),
                    mine.stream().mapToDouble(Row::wallSeconds).sum(), mine.stream().mapToDouble(Row::cpuSeconds).sum());
        }
        out.println();
        long replayed = rows.stream().filter(Row::replayed).count();
        double overall = allRatios.isEmpty() ? 1 : median(allRatios);
        long withinTarget = allRatios.stream().filter(r -> r * PERCENT <= TARGET_RATIO_PERCENT).count();
        ok &= replayed == rows.size() && overall * PERCENT <= TARGET_RATIO_PERCENT;
        out.printf(Locale.ROOT, "%d shrunk runs, %d replay from their files with the original check; median ratio "
                + "%.1f%% over all of them (%d at most %d%%): %s%n", rows.size(), replayed, PERCENT * overall,
                withinTarget, TARGET_RATIO_PERCENT, ok ? "target met" : "TARGET MISSED");
        out.flush();
        return ok;
    }

    private static String join(List<Row> rows, java.util.function.Function<Row, String> f) {
        return String.join(", ", rows.stream().map(f).toList());
    }

    static double median(List<Double> xs) {
        List<Double> s = xs.stream().sorted().toList();
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
