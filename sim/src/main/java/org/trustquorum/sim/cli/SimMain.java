package org.trustquorum.sim.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.trustquorum.core.Mutation;
import org.trustquorum.sim.FaultProfile;
import org.trustquorum.sim.RunResult;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Entry point of {@code ./tq sim}, {@code ./tq replay}, {@code ./tq shrink-report} and {@code ./tq bench sim}. */
@Command(name = "tq", mixinStandardHelpOptions = true, version = "tq simulator 0.1",
        description = "The trust quorum deterministic simulator.",
        subcommands = {SimMain.SimCommand.class, ReplayCommand.class, ShrinkReportCommand.class, BenchCommand.class})
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
                description = "Fault profile: none, light, heavy, swarm or hostile (default: ${DEFAULT-VALUE}).")
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

    @Command(name = "sim", mixinStandardHelpOptions = true, subcommands = MergeCommand.class,
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

        @Option(names = "--shard", paramLabel = "I/N", converter = Shard.Converter.class,
                description = "Run only shard I (0..N-1) of N: a contiguous block of the seeds; the N shards together "
                        + "run every seed once. Join their --json files with ./tq sim merge.")
        Shard shard = Shard.WHOLE;

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
            CampaignSummary.Setting setting = new CampaignSummary.Setting(firstSeed, seeds, run.nodes, run.faults,
                    run.mutant);
            CampaignSummary.Builder summary = new CampaignSummary.Builder(setting, shard);
            long partSeeds = shard.size(seeds);
            long partFirst = firstSeed + shard.offset(seeds);
            Campaign.Options o = new Campaign.Options(partSeeds, partFirst, run.nodes, run.faults, run.mutant, traceDir,
                    t);
            out.println("tq sim: " + partSeeds + " seeds from " + Long.toUnsignedString(partFirst) + ", "
                    + describeOptions(run.nodes, run.faults, run.mutant) + ", " + t + " threads"
                    + (shard.isWhole() ? "" : ", shard " + shard + " of " + seeds + " seeds from "
                            + Long.toUnsignedString(firstSeed)));
            Progress progress = new Progress(out, partSeeds, interactiveTerminal(), verbose);
            long start = System.nanoTime();
            Campaign.stream(o, r -> {
                summary.add(r);
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
                    progress.clear();
                    printFailure(out, r);
                }
                progress.advance(summary.failed(), summary.events(), System.nanoTime() - start);
            });
            progress.clear();
            double wall = (System.nanoTime() - start) / 1e9;
            CampaignSummary result = summary.build(wall, t);
            CampaignOutputs.write(result, json, report, reportTimelines, out);
            out.println(result.seeds() + " seeds: " + result.passed() + " passed, " + result.failures().size()
                    + " failed (" + result.events() + " events, " + result.eventsPerSecond() + " events/s)");
            out.flush();
            return result.failures().isEmpty() ? EXIT_OK : EXIT_FAILED;
        }

        private void printFailure(PrintWriter out, RunResult r) {
            out.println("FAILED seed " + Long.toUnsignedString(r.seed()));
            out.println("  check:   " + r.check());
            out.println("  message: " + r.message());
            out.println("  at:      " + r.failedAtMs() + " ms virtual, after " + r.events() + " events");
            out.println("  replay:  " + replayCommand(r.seed(), run.nodes, run.faults, run.mutant));
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
