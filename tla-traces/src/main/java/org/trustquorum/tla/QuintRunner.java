package org.trustquorum.tla;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs the pinned Quint through {@code tla-traces/bin/quint} (which installs it with
 * {@code npm ci} on first use) and captures its output.
 */
public final class QuintRunner {

    /** What one quint invocation produced. */
    public record Result(List<String> command, int exitCode, String output, Duration elapsed, boolean timedOut) {
        public boolean ok() {
            return exitCode == 0 && !timedOut;
        }
    }

    /** Young-generation semi-space of the node process that runs quint, in MB. */
    static final int NODE_SEMI_SPACE_MB = 64;

    /** System property that names the tla-traces directory explicitly. */
    public static final String DIR_PROPERTY = "tq.tla.dir";

    private final Path tlaDir;
    private final Duration timeout;

    public QuintRunner(Path tlaDir, Duration timeout) {
        this.tlaDir = tlaDir.toAbsolutePath().normalize();
        this.timeout = timeout;
        if (!Files.isRegularFile(this.tlaDir.resolve("bin/quint"))) {
            throw new IllegalArgumentException("no bin/quint under " + this.tlaDir);
        }
    }

    /**
     * Finds tla-traces: the {@value #DIR_PROPERTY} property, else the working directory or its
     * {@code tla-traces} child, whichever holds {@code bin/quint}.
     */
    public static QuintRunner locate(Duration timeout) {
        String prop = System.getProperty(DIR_PROPERTY);
        if (prop != null) {
            return new QuintRunner(Path.of(prop), timeout);
        }
        Path cwd = Path.of("").toAbsolutePath();
        for (Path candidate : List.of(cwd, cwd.resolve("tla-traces"))) {
            if (Files.isRegularFile(candidate.resolve("bin/quint"))) {
                return new QuintRunner(candidate, timeout);
            }
        }
        throw new IllegalStateException("cannot find tla-traces/bin/quint from " + cwd
                + " (set -D" + DIR_PROPERTY + "=...)");
    }

    public Path tlaDir() {
        return tlaDir;
    }

    public Path specDir() {
        return tlaDir.resolve("spec");
    }

    /**
     * Why quint cannot run here, if it cannot: bash, node and npm must be on PATH.
     * Empty when everything needed is present.
     */
    public static Optional<String> missingPrerequisite() {
        for (String tool : List.of("bash", "node", "npm")) {
            if (!onPath(tool)) {
                return Optional.of("'" + tool + "' is not on PATH: the spec tools need Node.js (18+) with npm"
                        + " and bash; install them to run the tla-traces checks");
            }
        }
        return Optional.empty();
    }

    private static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Runs {@code bin/quint args...} in the tla-traces directory. Output goes to a temporary file,
     * not a pipe: node may cut off output still queued for a pipe when quint exits.
     */
    public Result run(List<String> args) {
        List<String> command = new ArrayList<>();
        command.add("bash");
        command.add(tlaDir.resolve("bin/quint").toString());
        command.addAll(args);
        Path log;
        try {
            log = Files.createTempFile("quint-", ".log");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary file for quint's output", e);
        }
        try {
            ProcessBuilder pb = new ProcessBuilder(command).directory(tlaDir.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("FORCE_COLOR", "0");
            pb.environment().put("NO_COLOR", "1");
            // quint allocates many short-lived values per step; a larger young generation means
            // fewer scavenges (about 10% less CPU on trace replays). A caller's own setting wins.
            pb.environment().putIfAbsent("NODE_OPTIONS", "--max-semi-space-size=" + NODE_SEMI_SPACE_MB);
            long start = System.nanoTime();
            Process process = pb.start();
            boolean finished = waitFor(process, timeout);
            if (!finished) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                waitFor(process, Duration.ofSeconds(10));
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            int exit = process.isAlive() ? -1 : process.exitValue();
            String output = Files.readString(log, StandardCharsets.UTF_8);
            return new Result(List.copyOf(command), exit, output, elapsed, !finished);
        } catch (IOException e) {
            throw new UncheckedIOException("running " + command + " failed", e);
        } finally {
            try {
                Files.deleteIfExists(log);
            } catch (IOException ignored) {
                // a leftover temporary file is harmless
            }
        }
    }

    private static boolean waitFor(Process process, Duration limit) {
        try {
            return process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public Result run(String... args) {
        return run(List.of(args));
    }

}
