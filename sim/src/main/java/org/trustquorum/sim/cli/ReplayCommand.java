package org.trustquorum.sim.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.trustquorum.core.Mutation;
import org.trustquorum.sim.Race;
import org.trustquorum.sim.RunResult;
import org.trustquorum.sim.RunSpec;
import org.trustquorum.sim.Simulation;
import org.trustquorum.sim.log.EventSink;
import org.trustquorum.sim.log.FanOutSink;
import org.trustquorum.sim.log.JsonlSink;
import org.trustquorum.sim.log.SpecTrace;
import org.trustquorum.sim.log.TextSink;
import org.trustquorum.sim.scenario.Entry;
import org.trustquorum.sim.scenario.FaultMix;
import org.trustquorum.sim.scenario.Schedule;
import org.trustquorum.sim.shrink.RegressionFile;
import org.trustquorum.sim.shrink.Shrinker;
import org.trustquorum.sim.view.Recorder;
import org.trustquorum.sim.view.Recording;
import org.trustquorum.sim.view.StepDebugger;
import org.trustquorum.sim.view.TimelinePage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ./tq replay}: re-runs one seed (or a saved schedule) exactly; optionally shrinks it. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Re-run one seed exactly and print its outcome and the digest of its event log. "
                + "Exit 0 if the run passes, 1 if it fails, 2 on a usage error.")
final class ReplayCommand implements Callable<Integer> {
    /** Where `--shrink --save NAME` puts regression files (relative to the repository root). */
    static final String REGRESSION_DIR = "sim/src/test/resources/regressions";

    @Spec
    CommandSpec spec;

    @Mixin
    SimMain.RunOptions run = new SimMain.RunOptions();

    @Option(names = "--seed", paramLabel = "S", converter = SimMain.SeedConverter.class,
            description = "The seed to re-run (decimal, or 0x... hexadecimal).")
    Long seed;

    @Option(names = "--schedule", paramLabel = "FILE",
            description = "Re-run a saved regression file instead of drawing the schedule from the seed.")
    Path scheduleFile;

    @Option(names = "--events", paramLabel = "FILE", description = "Write the full event log, one line per event.")
    Path events;

    @Option(names = "--trace", paramLabel = "FILE",
            description = "Write the spec trace (JSONL, one spec action per line; see tla-traces/README.md).")
    Path trace;

    @Option(names = "--events-json", paramLabel = "FILE",
            description = "Write the full event log as JSONL (the --events lines as objects).")
    Path eventsJson;

    @Option(names = "--timeline", paramLabel = "FILE.html",
            description = "Write a self-contained HTML page with the run's space-time diagram and each node's state at "
                    + "every event (of the shrunk run with --shrink).")
    Path timeline;

    @Option(names = "--step", description = "Step through the run's recorded events (the shrunk run's with --shrink): "
            + "commands on standard input (type help), output on standard output.")
    boolean step;

    @Option(names = "--shrink", description = "Shrink a failing run to a shorter one that fails the same check.")
    boolean shrink;

    @Option(names = "--max-runs", defaultValue = "" + Shrinker.DEFAULT_MAX_RUNS, paramLabel = "N",
            description = "Shrinking budget in runs (default: ${DEFAULT-VALUE}).")
    int maxRuns;

    @Option(names = "--save", paramLabel = "NAME",
            description = "With --shrink: save the shrunk run as " + REGRESSION_DIR + "/NAME.json.")
    String save;

    @Option(names = "--save-dir", paramLabel = "DIR", description = "Directory for --save (default: "
            + REGRESSION_DIR + " under the current directory).")
    Path saveDir;

    @Option(names = "--show-schedule", description = "Print every schedule entry.")
    boolean showSchedule;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        run.validate(spec);
        RunSpec runSpec = loadSpec();
        printHeader(out, runSpec);
        Recording[] recorded = new Recording[1];
        RunResult r = runOnce(runSpec, events, eventsJson, trace, shrink ? null : timeline, replayCommandLine(),
                step ? recorded : null);
        printResult(out, runSpec, r);
        if (timeline != null && !shrink) {
            out.println("timeline: " + timeline);
        }
        if (shrink) {
            if (r.passed()) {
                out.println("shrink: the run passes; nothing to shrink");
            } else {
                RunSpec shrunk = shrink(out, runSpec, r);
                if (step) {
                    out.println("step debugger on the shrunk run:");
                    recorded[0] = Recorder.record(shrunk);
                }
            }
        }
        if (step) {
            out.flush();
            new StepDebugger(recorded[0], new java.io.BufferedReader(new java.io.InputStreamReader(stdin(),
                    java.nio.charset.StandardCharsets.UTF_8)), out, !SimMain.interactiveTerminal()).run();
        }
        out.flush();
        return r.passed() ? SimMain.EXIT_OK : SimMain.EXIT_FAILED;
    }

    /** Where --step reads its commands (tests replace it). */
    static java.io.InputStream stdinOverride;

    private static java.io.InputStream stdin() {
        return stdinOverride != null ? stdinOverride : System.in;
    }

    /** The command that re-runs what this invocation runs (shown on the timeline page). */
    private String replayCommandLine() {
        if (scheduleFile != null) {
            return "./tq replay --schedule " + scheduleFile
                    + (spec.commandLine().getParseResult().hasMatchedOption("--mutant") ? " --mutant " + run.mutant.cliName()
                            : "");
        }
        return SimMain.replayCommand(seed, run.nodes, run.faults, run.mutant);
    }

    private RunSpec loadSpec() {
        if (scheduleFile != null) {
            try {
                RegressionFile f = RegressionFile.read(scheduleFile);
                RunSpec s = f.spec();
                if (spec.commandLine().getParseResult().hasMatchedOption("--mutant")) {
                    s = s.withMutant(run.mutant);
                }
                return s;
            } catch (IOException | RuntimeException e) {
                throw new ParameterException(spec.commandLine(), "cannot read " + scheduleFile + ": " + e.getMessage());
            }
        }
        if (seed == null) {
            throw new ParameterException(spec.commandLine(), "give --seed S (or --schedule FILE)");
        }
        return RunSpec.generate(seed, run.nodes, run.faults, run.mutant);
    }

    static RunResult runOnce(RunSpec runSpec, Path eventsFile, Path eventsJsonFile, Path specTraceFile,
            Path timelineFile) {
        return runOnce(runSpec, eventsFile, eventsJsonFile, specTraceFile, timelineFile, null, null);
    }

    /**
     * Runs once, writing whatever files are asked for. With a timeline (or with {@code recording}
     * non-null, which receives it) the run is recorded for people to look at.
     */
    static RunResult runOnce(RunSpec runSpec, Path eventsFile, Path eventsJsonFile, Path specTraceFile,
            Path timelineFile, String replay, Recording[] recording) {
        List<EventSink> sinks = new ArrayList<>();
        List<BufferedWriter> writers = new ArrayList<>();
        try {
            if (eventsFile != null) {
                BufferedWriter w = Files.newBufferedWriter(eventsFile, StandardCharsets.UTF_8);
                writers.add(w);
                sinks.add(new TextSink(w));
            }
            if (eventsJsonFile != null) {
                BufferedWriter w = Files.newBufferedWriter(eventsJsonFile, StandardCharsets.UTF_8);
                writers.add(w);
                sinks.add(new JsonlSink(w));
            }
            Recorder recorder = null;
            if (timelineFile != null || recording != null) {
                recorder = new Recorder(runSpec.schedule().nodes());
                sinks.add(recorder);
            }
            EventSink sink = sinks.isEmpty() ? null : sinks.size() == 1 ? sinks.get(0) : new FanOutSink(sinks);
            Simulation sim = new Simulation(runSpec, sink);
            if (recorder != null) {
                sim.watch(recorder);
            }
            SpecTrace spec = null;
            if (specTraceFile != null) {
                spec = new SpecTrace(Files.newBufferedWriter(specTraceFile, StandardCharsets.UTF_8));
                sim.withSpecTrace(spec);
            }
            RunResult r = sim.run();
            if (sink != null) {
                sink.close();
            }
            if (spec != null) {
                spec.close();
            }
            if (recorder != null) {
                Recording rec = recorder.finish(runSpec, r);
                if (timelineFile != null) {
                    TimelinePage.write(rec, replay != null ? replay : SimMain.replayCommand(runSpec.seed(),
                            runSpec.schedule().nodes(), runSpec.profile(), runSpec.mutant()), timelineFile);
                }
                if (recording != null) {
                    recording[0] = rec;
                }
            }
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void printHeader(PrintWriter out, RunSpec s) {
        Schedule sch = s.schedule();
        out.println("seed: " + Long.toUnsignedString(s.seed()) + " (0x" + Long.toHexString(s.seed()) + ")");
        out.println("options: " + SimMain.describeOptions(sch.nodes(), s.profile(), s.mutant())
                + (scheduleFile != null ? ", schedule from " + scheduleFile : ""));
        out.println("initial configuration: nodes " + sch.initialMembers() + ", threshold " + sch.initialThreshold());
        out.println("drawn mix: " + describeMix(sch.mix()));
        out.println("schedule: " + sch.entries().size() + " entries (" + sch.faultCount() + " faults) in "
                + sch.mix().safetyMs() + " ms of safety phase");
        if (showSchedule) {
            for (Entry e : sch.entries()) {
                out.println("  " + e);
            }
        }
    }

    static String describeMix(FaultMix m) {
        StringBuilder sb = new StringBuilder();
        for (var rc : FaultMix.class.getRecordComponents()) {
            try {
                Object v = rc.getAccessor().invoke(m);
                if (sb.length() > 0) {
                    sb.append(' ');
                }
                sb.append(rc.getName()).append('=').append(v);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return sb.toString();
    }

    private void printResult(PrintWriter out, RunSpec s, RunResult r) {
        if (r.passed()) {
            out.println("outcome: passed (" + r.events() + " events, converged at " + r.virtualMs() + " ms virtual)");
        } else {
            out.println("outcome: FAILED " + r.check() + " at " + r.failedAtMs() + " ms virtual after " + r.events()
                    + " events");
            out.println("message: " + r.message());
        }
        StringBuilder races = new StringBuilder();
        for (Race race : Race.values()) {
            if (r.race(race) > 0) {
                races.append(races.length() > 0 ? ", " : "").append(race.name().toLowerCase(java.util.Locale.ROOT))
                        .append('=').append(r.race(race));
            }
        }
        out.println("races: " + (races.length() == 0 ? "none" : races));
        StringBuilder stats = new StringBuilder();
        for (org.trustquorum.sim.Stat st : org.trustquorum.sim.Stat.values()) {
            long v = st == org.trustquorum.sim.Stat.FINAL_MEMBERS ? Long.bitCount(r.stat(st)) : r.stat(st);
            stats.append(stats.length() > 0 ? ", " : "").append(st.name().toLowerCase(java.util.Locale.ROOT))
                    .append('=').append(v);
        }
        out.println("stats: " + stats);
        out.println("digest: " + r.digest());
    }

    /** Shrinks, prints and saves; returns the shrunk run. */
    private RunSpec shrink(PrintWriter out, RunSpec s, RunResult failing) {
        out.println("shrink: shrinking the failure of " + failing.check() + " (budget " + maxRuns + " runs)");
        out.flush();
        Shrinker.Outcome o = Shrinker.shrink(s, failing.check(), maxRuns, line -> {
            out.println(line);
            out.flush();
        });
        Schedule sch = o.spec().schedule();
        out.println("shrink: before: " + o.before().describe());
        out.println("shrink: after:  " + o.after().describe());
        out.println("shrink: " + o.runs() + " runs" + (o.boundHit() ? "; stopped by the bound of " + maxRuns
                + " runs (--max-runs), a larger budget may shrink further" : ", no smaller candidate left"));
        out.println("shrunk run: initial configuration " + sch.initialMembers() + ", threshold "
                + sch.initialThreshold() + ", safety phase " + sch.mix().safetyMs() + " ms");
        out.println("shrunk schedule:");
        for (Entry e : sch.entries()) {
            out.println("  " + e);
        }
        out.println("shrunk outcome: FAILED " + o.result().check() + ": " + o.result().message());
        out.println("shrunk digest: " + o.result().digest());
        if (timeline != null) {
            runOnce(o.spec(), null, null, null, timeline, "shrunk from " + replayCommandLine(), null);
            out.println("timeline of the shrunk run: " + timeline);
        }
        String name = save != null ? save : "seed-" + Long.toUnsignedString(s.seed()) + "-" + failing.check()
                + (s.mutant() == Mutation.NONE ? "" : "-" + s.mutant().cliName());
        RegressionFile file = RegressionFile.shrunk(name, s, o);
        Path dir = saveDir != null ? saveDir : Path.of(REGRESSION_DIR);
        Path target = dir.resolve(name + ".json");
        if (save != null) {
            try {
                file.write(target);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            out.println("saved: " + target);
        } else {
            out.println("save it with: ./tq replay " + argsForSave() + " --shrink --save " + name
                    + "   (writes " + target + ")");
        }
        out.println("replay it with: ./tq replay --schedule " + target);
        return o.spec();
    }

    private String argsForSave() {
        if (scheduleFile != null) {
            return "--schedule " + scheduleFile;
        }
        return "--seed " + Long.toUnsignedString(seed) + " --nodes " + run.nodes + " --faults " + run.faults.cliName()
                + (run.mutant == Mutation.NONE ? "" : " --mutant " + run.mutant.cliName());
    }
}
