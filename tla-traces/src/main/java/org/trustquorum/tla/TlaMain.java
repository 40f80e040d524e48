package org.trustquorum.tla;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.trustquorum.core.Mutation;
import org.trustquorum.sim.FaultProfile;
import org.trustquorum.sim.RunResult;
import org.trustquorum.sim.RunSpec;
import org.trustquorum.sim.shrink.RegressionFile;
import org.trustquorum.sim.cli.SimMain;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./tq tla}: checks simulator runs against the Quint spec ({@code check}) and explores
 * the spec on its own ({@code run}).
 */
@Command(name = "tq tla", mixinStandardHelpOptions = true, version = "tq tla 0.1",
        description = "Validate simulator traces against the Quint spec (tla-traces/spec).",
        subcommands = {TlaMain.Check.class, TlaMain.Explore.class})
public final class TlaMain implements Callable<Integer> {
    public static final int EXIT_OK = 0;
    public static final int EXIT_REJECTED = 1;
    public static final int EXIT_USAGE = 2;
    /** An unexpected exception: a bug or an environment failure, not the user's input. */
    public static final int EXIT_INTERNAL_ERROR = 3;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line (tests call {@code execute} on it). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new TlaMain());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("tq tla: " + "internal error: " + ex);
            ex.printStackTrace(cmd.getErr());
            return EXIT_INTERNAL_ERROR;
        });
        return cl;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return EXIT_USAGE;
    }

    /** The tla-traces directory: the usual places, else the one these classes were built in. */
    static QuintRunner locateQuint(Duration timeout) {
        try {
            return QuintRunner.locate(timeout);
        } catch (IllegalStateException notFound) {
            try {
                Path classes = Path.of(TlaMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                // tla-traces/target/classes -> tla-traces
                Path dir = classes.getParent() == null ? null : classes.getParent().getParent();
                if (dir != null && Files.isRegularFile(dir.resolve("bin/quint"))) {
                    return new QuintRunner(dir, timeout);
                }
            } catch (java.net.URISyntaxException | SecurityException e) {
                notFound.addSuppressed(e);
            }
            throw notFound;
        }
    }

    // =============================================================================================

    /** {@code ./tq tla check}: run seeds in the simulator, adapt their traces, replay them in quint. */
    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Run simulator seeds with a trace, turn each trace into spec events and replay them "
                    + "against the Quint spec. Prints one line per seed and a summary; exit 0 iff every trace "
                    + "is accepted.")
    static final class Check implements Callable<Integer> {
        /** Fixed part of the quint time limit per batch. */
        static final Duration QUINT_BASE_TIMEOUT = Duration.ofSeconds(180);
        /** Per-event part of the quint time limit per batch (a default trace replays in a few ms per event). */
        static final Duration QUINT_TIMEOUT_PER_EVENT = Duration.ofMillis(60);
        /**
         * Spec events per extra quint process: each process loads the spec (about 3 s of CPU) and
         * a second process pays off only on larger runs (the default 10 seeds are ~5,000 events).
         */
        static final int MIN_EVENTS_PER_BATCH = 8_000;

        @Spec
        CommandSpec spec;

        @Option(names = "--seeds", defaultValue = "10", paramLabel = "N",
                description = "Number of seeds (default: ${DEFAULT-VALUE}).")
        long seeds;

        @Option(names = "--first-seed", defaultValue = "1", paramLabel = "S", converter = SimMain.SeedConverter.class,
                description = "First seed (default: ${DEFAULT-VALUE}); seeds are S, S+1, ...")
        long firstSeed;

        @Option(names = "--nodes", defaultValue = "" + SimMain.DEFAULT_NODES, paramLabel = "N",
                description = "Simulated nodes, 3..32 (default: ${DEFAULT-VALUE}).")
        int nodes;

        @Option(names = "--faults", defaultValue = "swarm", paramLabel = "PROFILE",
                converter = SimMain.ProfileConverter.class,
                description = "Fault profile: none, light, heavy or swarm (default: ${DEFAULT-VALUE}).")
        FaultProfile faults;

        @Option(names = "--mutant", defaultValue = "none", paramLabel = "NAME", converter = SimMain.MutantConverter.class,
                description = "Run the simulator with this mutant (./tq sim --list-mutants).")
        Mutation mutant;

        @Option(names = "--schedule", paramLabel = "FILE",
                description = "Validate the run of a saved simulator schedule (a regression file, e.g. "
                        + "sim/src/test/resources/regressions/NAME.json) instead of seeds; may be repeated. "
                        + "--mutant, if given, replaces the file's mutant.")
        List<Path> schedules;

        @Option(names = "--only-failing",
                description = "Validate only the seeds the simulator itself fails (useful with --mutant).")
        boolean onlyFailing;

        @Option(names = "--keep", paramLabel = "DIR",
                description = "Keep each seed's simulator trace (seed-S.jsonl), its spec events (seed-S.spec.jsonl) "
                        + "and the generated Quint modules in DIR.")
        Path keep;

        @Option(names = "--threads", paramLabel = "T",
                description = "Parallel simulator runs and quint processes (default: the number of cores).")
        Integer threads;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (seeds < 1 || nodes < 3 || nodes > 32) {
                throw new CommandLine.ParameterException(spec.commandLine(), "need --seeds >= 1 and --nodes in 3..32");
            }
            var missing = QuintRunner.missingPrerequisite();
            if (missing.isPresent()) {
                err.println("tq tla: " + missing.get());
                return EXIT_USAGE;
            }
            long start = System.nanoTime();
            int parallel = threads != null ? Math.max(1, threads) : Math.max(1, Runtime.getRuntime().availableProcessors());
            Path dir;
            try {
                dir = keep != null ? keep.toAbsolutePath() : locateQuint(QUINT_BASE_TIMEOUT).tlaDir().resolve("target")
                        .resolve("tla-check");
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            List<RunSpec> specs = runSpecs();
            if (schedules != null && !schedules.isEmpty()) {
                out.println("tq tla check: " + specs.size() + " saved schedules " + schedules);
            } else {
                out.println("tq tla check: " + seeds + " seeds from " + Long.toUnsignedString(firstSeed) + ", " + nodes
                        + " nodes, faults " + faults.cliName() + ", mutant " + mutant.cliName());
            }
            out.flush();

            List<SeedRun> runs = simulate(specs, parallel, dir);
            long simulated = System.nanoTime();
            List<SeedRun> toCheck = new ArrayList<>();
            for (SeedRun r : runs) {
                if (r.error == null && (!onlyFailing || !r.result.passed())) {
                    toCheck.add(r);
                }
            }
            Map<Integer, TraceVerdict> verdicts = validate(toCheck, parallel, dir);
            long validated = System.nanoTime();

            int accepted = 0;
            int rejected = 0;
            int simFailed = 0;
            int rejectedOfSimFailed = 0;
            for (SeedRun r : runs) {
                boolean failedInSim = r.result != null && !r.result.passed();
                if (failedInSim) {
                    simFailed++;
                }
                if (r.error != null) {
                    rejected++;
                    out.println(r.label() + ": ERROR " + r.error + simNote(r));
                    continue;
                }
                TraceVerdict v = verdicts.get(r.index);
                if (v == null) {
                    continue; // skipped by --only-failing
                }
                if (v instanceof TraceVerdict.Accepted) {
                    accepted++;
                    out.println(r.label() + ": accepted (" + r.adapted.events().size() + " events)"
                            + simNote(r));
                } else {
                    rejected++;
                    if (failedInSim) {
                        rejectedOfSimFailed++;
                    }
                    out.println(r.label() + ": " + describe(v, r.adapted) + simNote(r));
                }
            }
            List<String> mutants = runs.stream().map(r -> r.mutant).filter(m -> m != Mutation.NONE)
                    .map(Mutation::cliName).distinct().toList();
            if (!mutants.isEmpty()) {
                out.println("mutant " + String.join(", ", mutants) + ": the simulator failed " + simFailed + " of "
                        + runs.size() + " runs; the spec rejected " + rejectedOfSimFailed + " of those");
            }
            long events = toCheck.stream().mapToLong(r -> r.adapted.events().size()).sum();
            out.println(String.format(Locale.ROOT, "time: %.1f s simulating and adapting, %.1f s replaying %d spec events"
                    + " in quint", (simulated - start) / 1e9, (validated - simulated) / 1e9, events));
            double seconds = (System.nanoTime() - start) / 1e9;
            out.println((accepted + rejected) + " traces: " + accepted + " accepted, " + rejected + " rejected ("
                    + String.format(Locale.ROOT, "%.1f", seconds) + " s)");
            out.flush();
            return rejected == 0 ? EXIT_OK : EXIT_REJECTED;
        }

        private String simNote(SeedRun r) {
            if (r.result == null) {
                return "";
            }
            if (r.result.passed()) {
                return r.mutant == Mutation.NONE ? "" : " [simulator: passed]";
            }
            return " [simulator: FAILED " + r.result.check() + " at " + r.result.failedAtMs() + " ms]";
        }

        /** One run: the simulator's result and the adapted trace (or why it could not be adapted). */
        static final class SeedRun {
            /** Position in the campaign (seeds may repeat across --schedule files). */
            final int index;
            final long seed;
            /** The schedule file the run came from, or null for a seed. */
            final String schedule;
            Mutation mutant = Mutation.NONE;
            RunResult result;
            SimTraceAdapter.Adapted adapted;
            String error;

            SeedRun(int index, long seed, String schedule) {
                this.index = index;
                this.seed = seed;
                this.schedule = schedule;
            }

            /** "seed 7", or "schedule NAME (seed 7)". */
            String label() {
                String seedLabel = "seed " + Long.toUnsignedString(seed);
                return schedule == null ? seedLabel : "schedule " + schedule + " (" + seedLabel + ")";
            }

            /** File name stem for --keep: seed-7, or NAME. */
            String fileStem() {
                return schedule == null ? "seed-" + Long.toUnsignedString(seed) : schedule;
            }

            String traceName() {
                return TraceToQuint.traceName("run_" + index + "_" + fileStem());
            }
        }

        private List<SeedRun> simulate(List<RunSpec> specs, int parallel, Path dir) {
            ExecutorService pool = Executors.newFixedThreadPool(parallel);
            try {
                List<Future<SeedRun>> futures = new ArrayList<>();
                for (int i = 0; i < specs.size(); i++) {
                    int index = i;
                    futures.add(pool.submit(() -> simulateOne(index, specs.get(index), dir)));
                }
                List<SeedRun> runs = new ArrayList<>();
                for (Future<SeedRun> f : futures) {
                    runs.add(f.get());
                }
                return runs;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("a simulator run failed: " + e.getCause(), e.getCause());
            } finally {
                pool.shutdownNow();
            }
        }

        /** The runs to check: one per seed, or one per --schedule file. */
        private List<RunSpec> runSpecs() {
            List<RunSpec> specs = new ArrayList<>();
            if (schedules != null && !schedules.isEmpty()) {
                boolean mutantGiven = spec.commandLine().getParseResult().hasMatchedOption("--mutant");
                for (Path file : schedules) {
                    try {
                        RunSpec s = RegressionFile.read(file).spec();
                        specs.add(mutantGiven ? s.withMutant(mutant) : s);
                    } catch (IOException | RuntimeException e) {
                        throw new CommandLine.ParameterException(spec.commandLine(),
                                "cannot read " + file + ": " + e.getMessage());
                    }
                }
                return specs;
            }
            for (long i = 0; i < seeds; i++) {
                specs.add(RunSpec.generate(firstSeed + i, nodes, faults, mutant));
            }
            return specs;
        }

        private SeedRun simulateOne(int index, RunSpec runSpec, Path dir) throws IOException {
            String schedule = null;
            if (schedules != null && !schedules.isEmpty()) {
                String file = schedules.get(index).getFileName().toString();
                schedule = file.endsWith(".json") ? file.substring(0, file.length() - ".json".length()) : file;
            }
            SeedRun r = new SeedRun(index, runSpec.seed(), schedule);
            r.mutant = runSpec.mutant();
            SimulatedTrace t = SimulatedTrace.run(runSpec);
            r.result = t.result();
            r.adapted = t.adapted();
            r.error = t.error();
            if (keep != null) {
                Files.writeString(dir.resolve(r.fileStem() + ".jsonl"), t.jsonl(), StandardCharsets.UTF_8);
                if (r.adapted != null) {
                    StringBuilder sb = new StringBuilder();
                    for (SimTraceAdapter.Mapped m : r.adapted.events()) {
                        sb.append(TraceToQuint.toJson(m.event())).append('\n');
                    }
                    Files.writeString(dir.resolve(r.fileStem() + ".spec.jsonl"), sb.toString(),
                            StandardCharsets.UTF_8);
                }
            }
            return r;
        }

        /** Replays the traces in a few batches (one quint process each, run in parallel). */
        private Map<Integer, TraceVerdict> validate(List<SeedRun> runs, int parallel, Path dir) {
            Map<Integer, TraceVerdict> verdicts = new LinkedHashMap<>();
            if (runs.isEmpty()) {
                return verdicts;
            }
            long total = runs.stream().mapToLong(r -> r.adapted.events().size()).sum();
            int batches = (int) Math.max(1, Math.min(parallel, total / MIN_EVENTS_PER_BATCH));
            batches = Math.min(batches, runs.size());
            // largest traces first, each to the batch with the fewest events so far
            List<List<SeedRun>> parts = new ArrayList<>();
            long[] load = new long[batches];
            for (int b = 0; b < batches; b++) {
                parts.add(new ArrayList<>());
            }
            List<SeedRun> bySize = new ArrayList<>(runs);
            bySize.sort(Comparator.comparingInt((SeedRun r) -> r.adapted.events().size()).reversed());
            for (SeedRun r : bySize) {
                int best = 0;
                for (int b = 1; b < batches; b++) {
                    if (load[b] < load[best]) {
                        best = b;
                    }
                }
                parts.get(best).add(r);
                load[best] += r.adapted.events().size();
            }
            ExecutorService pool = Executors.newFixedThreadPool(batches);
            try {
                List<Future<Map<Integer, TraceVerdict>>> futures = new ArrayList<>();
                long stamp = ProcessHandle.current().pid();
                for (int b = 0; b < batches; b++) {
                    List<SeedRun> part = parts.get(b);
                    long events = load[b];
                    Path module = dir.resolve("check_" + stamp + "_" + b + ".qnt");
                    futures.add(pool.submit(() -> validateBatch(part, events, module)));
                }
                for (Future<Map<Integer, TraceVerdict>> f : futures) {
                    verdicts.putAll(f.get());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("validating a batch failed: " + e.getCause(), e.getCause());
            } finally {
                pool.shutdownNow();
            }
            return verdicts;
        }

        private Map<Integer, TraceVerdict> validateBatch(List<SeedRun> part, long events, Path module) throws IOException {
            Duration timeout = QUINT_BASE_TIMEOUT.plus(QUINT_TIMEOUT_PER_EVENT.multipliedBy(events));
            QuintRunner quint = locateQuint(timeout);
            Map<String, List<TraceEvent>> traces = new LinkedHashMap<>();
            for (SeedRun r : part) {
                traces.put(r.traceName(), r.adapted.traceEvents());
            }
            int specNodes = part.stream().mapToInt(r -> r.adapted.nodes()).max().orElse(nodes);
            Map<String, TraceVerdict> byName =
                    new TraceValidator(quint).checkAll(traces, module, quint.specDir(), specNodes);
            if (keep == null) {
                Files.deleteIfExists(module);
            }
            Map<Integer, TraceVerdict> out = new LinkedHashMap<>();
            for (SeedRun r : part) {
                out.put(r.index, byName.get(r.traceName()));
            }
            return out;
        }
    }

    /** The report line for a trace that was not accepted. */
    static String describe(TraceVerdict v, SimTraceAdapter.Adapted adapted) {
        return switch (v) {
            case TraceVerdict.Accepted a -> "accepted (" + adapted.events().size() + " events)";
            case TraceVerdict.EventRejected r -> "REJECTED at event " + r.index() + ": " + eventAt(adapted, r.index());
            case TraceVerdict.InvariantViolated i -> "REJECTED after event " + i.afterIndex()
                    + " (an invariant fails after it): " + eventAt(adapted, i.afterIndex());
            case TraceVerdict.Failed f -> "ERROR quint did not give a verdict: " + firstLines(f.output(), 6);
        };
    }

    private static String eventAt(SimTraceAdapter.Adapted adapted, int index) {
        if (index < 0 || index >= adapted.events().size()) {
            return "(no such event)";
        }
        SimTraceAdapter.Mapped m = adapted.events().get(index);
        return TraceToQuint.describe(m.event()) + "; simulator event at t=" + m.source().atMs() + " ms (trace line "
                + m.source().line() + "): " + m.source().json();
    }

    private static String firstLines(String text, int lines) {
        String[] all = text.strip().split("\n");
        return String.join(" | ", java.util.Arrays.asList(all).subList(0, Math.min(lines, all.length)));
    }

    // =============================================================================================

    /** {@code ./tq tla run}: random exploration of the spec with its invariants. */
    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Explore the spec with `quint run` (random simulation) and check the safety invariants; "
                    + "exit 0 iff no violation is found.")
    static final class Explore implements Callable<Integer> {
        /** Upper bound for one exploration. */
        static final Duration EXPLORE_TIMEOUT = Duration.ofMinutes(30);

        @Spec
        CommandSpec spec;

        @Option(names = "--samples", defaultValue = "100", paramLabel = "N",
                description = "Random runs (default: ${DEFAULT-VALUE}).")
        int samples;

        @Option(names = "--steps", defaultValue = "30", paramLabel = "N",
                description = "Steps per run (default: ${DEFAULT-VALUE}).")
        int steps;

        @Option(names = "--step", defaultValue = "step", paramLabel = "ACTION",
                description = "Step action: step, protocolOnlyStep, connectionOnlyStep or proxyConnectionStep "
                        + "(default: ${DEFAULT-VALUE}).")
        String step;

        @Option(names = "--seed", paramLabel = "S", description = "Quint's random seed (default: random).")
        Long seed;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            var missing = QuintRunner.missingPrerequisite();
            if (missing.isPresent()) {
                spec.commandLine().getErr().println("tq tla: " + missing.get());
                return EXIT_USAGE;
            }
            if (!step.matches("\\w+")) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--step must name an action");
            }
            QuintRunner quint = locateQuint(EXPLORE_TIMEOUT);
            List<String> args = new ArrayList<>(List.of("run", "spec/TrustQuorum.qnt", "--backend", "typescript",
                    "--max-samples=" + samples, "--max-steps=" + steps, "--step=" + step, "--invariant=safety",
                    "--witnesses", "reachedCommit", "reachedComputedShare", "reachedSecondCommit", "reachedExpunge",
                    "reachedUnlock", "reachedReplacement", "reachedTrackedCall"));
            if (seed != null) {
                args.add("--seed=" + seed);
            }
            QuintRunner.Result r = quint.run(args);
            out.print(r.output());
            out.println("quint run: exit " + r.exitCode() + (r.timedOut() ? " (timed out)" : "") + " after "
                    + String.format(Locale.ROOT, "%.1f", r.elapsed().toMillis() / 1000.0) + " s");
            out.flush();
            return r.ok() ? EXIT_OK : EXIT_REJECTED;
        }
    }
}
