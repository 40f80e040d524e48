package org.trustquorum.sim.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.trustquorum.core.Mutation;
import org.trustquorum.sim.FaultProfile;
import org.trustquorum.sim.Race;
import org.trustquorum.sim.RunResult;
import org.trustquorum.sim.json.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Entry point of {@code ./tq sim}, {@code ./tq replay} and {@code ./tq bench sim}. */
@Command(name = "tq", mixinStandardHelpOptions = true, version = "tq simulator 0.1",
        description = "The trust quorum deterministic simulator.",
        subcommands = {SimMain.SimCommand.class, ReplayCommand.class, BenchCommand.class})
public final class SimMain implements Callable<Integer> {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;
    /** An unexpected exception: a bug or an environment failure, not the user's input. */
    public static final int EXIT_INTERNAL_ERROR = 3;
    public static final int DEFAULT_NODES = 8;
    public static final long DEFAULT_SEEDS = 200;
    public static final long DEFAULT_FIRST_SEED = 1;
    /** Non-terminal progress: a line every this many percent. */
    static final int PROGRESS_STEP_PERCENT = 10;
    static final int PROGRESS_BAR_WIDTH = 30;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line (tests call {@code execute} on it). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new SimMain());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("tq: " + "internal error: " + ex);
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

    /** Accepts decimal (signed or unsigned 64-bit) and hexadecimal {@code 0x...} seeds. */
    public static final class SeedConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return parseSeed(value);
        }
    }

    public static long parseSeed(String value) {
        String v = value.trim().replace("_", "");
        try {
            if (v.startsWith("0x") || v.startsWith("0X")) {
                return Long.parseUnsignedLong(v.substring(2), 16);
            }
            if (v.startsWith("-")) {
                return Long.parseLong(v);
            }
            return Long.parseUnsignedLong(v);
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + value
                    + "' is not a 64-bit seed (decimal, or hexadecimal with 0x)");
        }
    }

    public static final class ProfileConverter implements CommandLine.ITypeConverter<FaultProfile> {
        @Override
        public FaultProfile convert(String value) {
            try {
                return FaultProfile.fromCliName(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    public static final class MutantConverter implements CommandLine.ITypeConverter<Mutation> {
        @Override
        public Mutation convert(String value) {
            try {
                return Mutation.fromCliName(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage() + " (see ./tq sim --list-mutants)");
            }
        }
    }

    /** Options every run needs. */
    public static final class RunOptions {
        @Option(names = "--nodes", defaultValue = "" + DEFAULT_NODES, paramLabel = "N",
                description = "Total number of simulated nodes, 3..32 (default: ${DEFAULT-VALUE}).")
        int nodes;

        @Option(names = "--faults", defaultValue = "swarm", paramLabel = "PROFILE",
                converter = ProfileConverter.class,
                description = "Fault profile: none, light, heavy or swarm (default: ${DEFAULT-VALUE}).")
        FaultProfile faults;

        @Option(names = "--mutant", defaultValue = "none", paramLabel = "NAME", converter = MutantConverter.class,
                description = "Run with a deliberate bug switched on (default: ${DEFAULT-VALUE}).")
        Mutation mutant;

        void validate(CommandSpec spec) {
            if (nodes < 3 || nodes > 32) {
                throw new ParameterException(spec.commandLine(), "--nodes must be in 3..32, got " + nodes);
            }
        }
    }

    /**
     * True when standard output is an interactive terminal. {@code System.console()} alone is not
     * enough on JDK 22+, which may return a console for redirected streams; there
     * {@code Console.isTerminal()} decides (looked up reflectively: we compile for Java 21).
     */
    static boolean interactiveTerminal() {
        java.io.Console c = System.console();
        if (c == null) {
            return false;
        }
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(c);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    /** The exact command that re-runs one seed with these options. */
    public static String replayCommand(long seed, int nodes, FaultProfile faults, Mutation mutant) {
        StringBuilder sb = new StringBuilder("./tq replay --seed ").append(Long.toUnsignedString(seed))
                .append(" --nodes ").append(nodes).append(" --faults ").append(faults.cliName());
        if (mutant != Mutation.NONE) {
            sb.append(" --mutant ").append(mutant.cliName());
        }
        return sb.toString();
    }

    static String describeOptions(int nodes, FaultProfile faults, Mutation mutant) {
        return nodes + " nodes, faults " + faults.cliName() + ", mutant " + mutant.cliName();
    }

    // =============================================================================================

    @Command(name = "sim", mixinStandardHelpOptions = true,
            description = "Run a seeded campaign. Exit 0 iff every seed passes, 1 on a failure, 2 on a usage error.")
    static final class SimCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        RunOptions run = new RunOptions();

        @Option(names = "--seeds", defaultValue = "" + DEFAULT_SEEDS, paramLabel = "N",
                description = "How many seeds to run (default: ${DEFAULT-VALUE}).")
        long seeds;

        @Option(names = "--first-seed", defaultValue = "" + DEFAULT_FIRST_SEED, paramLabel = "S",
                converter = SeedConverter.class,
                description = "Seeds are S, S+1, ... (any 64-bit value; 0x... for hex; default: ${DEFAULT-VALUE}).")
        long firstSeed;

        @Option(names = "--json", paramLabel = "FILE", description = "Write a JSON summary.")
        Path json;

        @Option(names = "--report", paramLabel = "DIR",
                description = "Write an HTML report (DIR/index.html) with a timeline page for each failing seed; "
                        + "campaigns with other profiles, node counts or mutants add their own sections.")
        Path report;

        @Option(names = "--report-timelines", defaultValue = "20", paramLabel = "N",
                description = "With --report: timeline pages for the first N failing seeds at most (default: ${DEFAULT-VALUE}).")
        int reportTimelines;

        @Option(names = "--trace-dir", paramLabel = "DIR",
                description = "Write each seed's spec trace (JSONL, tla-traces/README.md) into DIR as seed-<seed>.jsonl.")
        Path traceDir;

        @Option(names = "--threads", paramLabel = "T", description = "Worker threads (default: one per core).")
        Integer threads;

        @Option(names = "--list-mutants", description = "List the mutants (name, then description) and exit.")
        boolean listMutants;

        @Option(names = "--verbose", description = "Print every seed's drawn options and outcome.")
        boolean verbose;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            if (listMutants) {
                for (Mutation m : Mutation.values()) {
                    if (m != Mutation.NONE) {
                        spec.commandLine().getOut().println(m.cliName() + "  " + m.description());
                    }
                }
                spec.commandLine().getOut().flush();
                return EXIT_OK;
            }
            run.validate(spec);
            if (seeds < 1) {
                throw new ParameterException(spec.commandLine(), "--seeds must be at least 1");
            }
            int t = threads == null ? Campaign.defaultThreads() : threads;
            if (t < 1) {
                throw new ParameterException(spec.commandLine(), "--threads must be at least 1");
            }
            if (reportTimelines < 0) {
                throw new ParameterException(spec.commandLine(), "--report-timelines must be 0 or more");
            }
            return runCampaign(out, t);
        }

        private int runCampaign(PrintWriter out, int t) {
            Campaign.Options o = new Campaign.Options(seeds, firstSeed, run.nodes, run.faults, run.mutant, traceDir, t);
            out.println("tq sim: " + seeds + " seeds from " + Long.toUnsignedString(firstSeed) + ", "
                    + describeOptions(run.nodes, run.faults, run.mutant) + ", " + t + " threads");
            Progress progress = new Progress(out, seeds, interactiveTerminal(), verbose);
            List<RunResult> failures = new ArrayList<>();
            long[] events = {0};
            long[] raceTotals = new long[Race.values().length];
            long[] statTotals = new long[org.trustquorum.sim.Stat.values().length];
            long start = System.nanoTime();
            Campaign.stream(o, r -> {
                events[0] += r.events();
                for (Race race : Race.values()) {
                    raceTotals[race.ordinal()] += r.race(race);
                }
                for (org.trustquorum.sim.Stat st : org.trustquorum.sim.Stat.values()) {
                    statTotals[st.ordinal()] += r.stat(st);
                }
                if (verbose) {
                    var sch = org.trustquorum.sim.RunSpec.generate(r.seed(), run.nodes, run.faults, run.mutant)
                            .schedule();
                    out.println("seed " + Long.toUnsignedString(r.seed()) + ": "
                            + (r.passed() ? "passed" : "FAILED " + r.check()) + ", " + r.events() + " events, "
                            + r.virtualMs() + " ms virtual, digest " + r.digest());
                    out.println("  initial " + sch.initialMembers() + " k=" + sch.initialThreshold() + ", "
                            + sch.entries().size() + " entries (" + sch.faultCount() + " faults)");
                    out.println("  drawn mix: " + ReplayCommand.describeMix(sch.mix()));
                }
                if (!r.passed()) {
                    failures.add(r);
                    progress.clear();
                    printFailure(out, r);
                }
                progress.advance(failures.size(), events[0], System.nanoTime() - start);
            });
            progress.clear();
            double wall = (System.nanoTime() - start) / 1e9;
            long rate = wall > 0 ? Math.round(events[0] / wall) : 0;
            if (json != null) {
                writeJson(failures, events[0], rate, wall, raceTotals, statTotals);
            }
            if (report != null) {
                writeReport(out, failures, events[0], rate, wall, t);
            }
            out.println(seeds + " seeds: " + (seeds - failures.size()) + " passed, " + failures.size() + " failed ("
                    + events[0] + " events, " + rate + " events/s)");
            out.flush();
            return failures.isEmpty() ? EXIT_OK : EXIT_FAILED;
        }

        /** The report section of this campaign, with a timeline page per failing seed (up to the limit). */
        private void writeReport(PrintWriter out, List<RunResult> failures, long events, long rate, double wall,
                int t) {
            List<org.trustquorum.sim.view.CampaignReport.Failure> fs = new ArrayList<>();
            int pages = 0;
            for (RunResult r : failures) {
                String seed = Long.toUnsignedString(r.seed());
                String page = null;
                if (pages < reportTimelines) {
                    page = org.trustquorum.sim.view.CampaignReport.timelineFile(run.faults.cliName(), run.nodes,
                            run.mutant.cliName(), seed);
                    try {
                        Files.createDirectories(report);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    org.trustquorum.sim.RunSpec spec = org.trustquorum.sim.RunSpec.generate(r.seed(), run.nodes,
                            run.faults, run.mutant);
                    org.trustquorum.sim.view.Recording rec = org.trustquorum.sim.view.Recorder.record(spec);
                    if (!rec.result().digest().equals(r.digest())) {
                        throw new IllegalStateException("seed " + seed + " did not replay to the same digest");
                    }
                    org.trustquorum.sim.view.TimelinePage.write(rec, replayCommand(r.seed(), run.nodes, run.faults,
                            run.mutant), report.resolve(page));
                    pages++;
                }
                fs.add(new org.trustquorum.sim.view.CampaignReport.Failure(seed, r.check(), r.message(),
                        replayCommand(r.seed(), run.nodes, run.faults, run.mutant), page));
            }
            var section = new org.trustquorum.sim.view.CampaignReport.Section(run.faults.cliName(), run.nodes,
                    run.mutant.cliName(), Long.toUnsignedString(firstSeed), seeds, seeds - failures.size(),
                    failures.size(), events, rate, Math.round(wall * 1000) / 1000.0, t, fs);
            Path index = org.trustquorum.sim.view.CampaignReport.write(report, section);
            out.println("report: " + index + (pages > 0 ? " (" + pages + " timeline page" + (pages == 1 ? "" : "s")
                    + ")" : ""));
        }

        private void printFailure(PrintWriter out, RunResult r) {
            out.println("FAILED seed " + Long.toUnsignedString(r.seed()));
            out.println("  check:   " + r.check());
            out.println("  message: " + r.message());
            out.println("  at:      " + r.failedAtMs() + " ms virtual, after " + r.events() + " events");
            out.println("  replay:  " + replayCommand(r.seed(), run.nodes, run.faults, run.mutant));
        }

        private void writeJson(List<RunResult> failures, long events, long rate, double wall, long[] raceTotals,
                long[] statTotals) {
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("seeds", seeds);
            root.put("passed", seeds - failures.size());
            root.put("failed", (long) failures.size());
            root.put("events", events);
            root.put("eventsPerSecond", rate);
            root.put("wallSeconds", Math.round(wall * 1000) / 1000.0);
            Map<String, Object> options = new LinkedHashMap<>();
            options.put("firstSeed", Long.toUnsignedString(firstSeed));
            options.put("nodes", (long) run.nodes);
            options.put("faults", run.faults.cliName());
            options.put("mutant", run.mutant.cliName());
            options.put("threads", (long) (threads == null ? Campaign.defaultThreads() : threads));
            root.put("options", options);
            Map<String, Object> races = new LinkedHashMap<>();
            for (Race race : Race.values()) {
                races.put(race.name(), raceTotals[race.ordinal()]);
            }
            root.put("races", races);
            Map<String, Object> stats = new LinkedHashMap<>();
            for (org.trustquorum.sim.Stat st : org.trustquorum.sim.Stat.values()) {
                if (st != org.trustquorum.sim.Stat.FINAL_MEMBERS) {
                    stats.put(st.name(), statTotals[st.ordinal()]);
                }
            }
            root.put("stats", stats);
            List<Object> fs = new ArrayList<>();
            for (RunResult r : failures) {
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("seed", Long.toUnsignedString(r.seed()));
                f.put("check", r.check());
                f.put("message", r.message());
                f.put("replay", replayCommand(r.seed(), run.nodes, run.faults, run.mutant));
                fs.add(f);
            }
            root.put("failures", fs);
            try {
                Files.writeString(json, Json.write(root) + "\n", StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** A progress bar on a terminal; a line every {@link #PROGRESS_STEP_PERCENT}% otherwise. */
    static final class Progress {
        private final PrintWriter out;
        private final long total;
        private final boolean terminal;
        private final boolean quiet;
        private long done;
        private long lastPercentLine;
        private boolean barShown;

        /** {@code quiet}: no progress at all (verbose output reports every seed already). */
        Progress(PrintWriter out, long total, boolean terminal, boolean quiet) {
            this.out = out;
            this.total = total;
            this.terminal = terminal && !quiet;
            this.quiet = quiet;
        }

        void advance(int failed, long events, long elapsedNanos) {
            done++;
            if (quiet) {
                return;
            }
            double secs = elapsedNanos / 1e9;
            long rate = secs > 0 ? Math.round(events / secs) : 0;
            if (terminal) {
                int filled = (int) (PROGRESS_BAR_WIDTH * done / total);
                out.print("\r[" + "#".repeat(filled) + " ".repeat(PROGRESS_BAR_WIDTH - filled) + "] " + done + "/"
                        + total + " seeds, " + failed + " failed, " + rate + " events/s ");
                out.flush();
                barShown = true;
            } else {
                long percent = 100 * done / total;
                if (percent / PROGRESS_STEP_PERCENT > lastPercentLine / PROGRESS_STEP_PERCENT || done == total) {
                    if (done != total || percent != lastPercentLine) {
                        out.println("progress: " + done + "/" + total + " seeds (" + percent + "%), " + failed
                                + " failed, " + rate + " events/s");
                    }
                    lastPercentLine = percent;
                }
            }
        }

        void clear() {
            if (terminal && barShown) {
                out.print("\r" + " ".repeat(PROGRESS_BAR_WIDTH + 60) + "\r");
                out.flush();
                barShown = false;
            }
        }
    }
}
