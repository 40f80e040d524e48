package org.trustquorum.sim.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.trustquorum.core.Mutation;
import org.trustquorum.sim.FaultProfile;
import org.trustquorum.sim.RunResult;
import org.trustquorum.sim.RunSpec;
import org.trustquorum.sim.Simulation;
import org.trustquorum.sim.log.JsonlSink;

/**
 * Runs many seeds on a small thread pool. Each seed is one single-threaded deterministic run;
 * results come back in seed order whatever order the threads finish in.
 */
public final class Campaign {
    /** Options of a campaign; seeds are {@code firstSeed + i} for i in [0, seeds). */
    public record Options(long seeds, long firstSeed, int nodes, FaultProfile faults, Mutation mutant, Path traceDir,
            int threads) {}

    private Campaign() {}

    /** Threads to use by default: every core, but at least one. */
    public static int defaultThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /** Runs one seed (optionally writing its JSONL trace). */
    public static RunResult runSeed(long seed, Options o) {
        RunSpec spec = RunSpec.generate(seed, o.nodes(), o.faults(), o.mutant());
        if (o.traceDir() == null) {
            return new Simulation(spec).run();
        }
        Path file = o.traceDir().resolve("seed-" + Long.toUnsignedString(seed) + ".jsonl");
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            JsonlSink sink = new JsonlSink(w);
            RunResult r = new Simulation(spec, sink).run();
            w.flush();
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs every seed; {@code onResult} sees each result in seed order (on the calling thread).
     * Returns all results.
     */
    public static List<RunResult> run(Options o, Consumer<RunResult> onResult) {
        if (o.traceDir() != null) {
            try {
                Files.createDirectories(o.traceDir());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        List<RunResult> results = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(o.threads(), r -> {
            Thread t = new Thread(r, "sim-worker");
            t.setDaemon(true);
            return t;
        });
        try {
            // Submit in bounded windows so a huge campaign does not queue millions of futures.
            int window = Math.max(64, o.threads() * 16);
            List<Future<RunResult>> inFlight = new ArrayList<>();
            long next = 0;
            long delivered = 0;
            while (delivered < o.seeds()) {
                while (next < o.seeds() && inFlight.size() < window) {
                    long seed = o.firstSeed() + next++;
                    inFlight.add(pool.submit(() -> runSeed(seed, o)));
                }
                RunResult r = inFlight.remove(0).get();
                results.add(r);
                onResult.accept(r);
                delivered++;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a run failed outside the simulator's checks", e.getCause());
        } finally {
            pool.shutdownNow();
        }
        return results;
    }
}
