package org.trustquorum.tla;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Shared pieces of the quint-driven tests. */
final class QuintSupport {
    private QuintSupport() {}

    /** Upper bound for one quint process (normal runs take a few seconds). */
    static final Duration TIMEOUT = Duration.ofSeconds(120);

    /**
     * The runner, or a test failure that says what is missing. The spec checks are part of the
     * build: a machine without Node.js must fail them, not skip them.
     */
    static QuintRunner runner() {
        QuintRunner.missingPrerequisite().ifPresent(why -> fail("cannot run the Quint spec checks: " + why));
        return QuintRunner.locate(TIMEOUT);
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Invariant names listed in the spec's {@code val safety}. */
    static List<String> safetyInvariants(String spec) {
        Matcher m = Pattern.compile("val safety: bool = and \\{(.*?)\\}", Pattern.DOTALL).matcher(spec);
        if (!m.find()) {
            throw new IllegalStateException("no `val safety: bool = and { ... }` in the spec");
        }
        List<String> names = new ArrayList<>();
        for (String part : m.group(1).split(",")) {
            String name = part.strip();
            if (!name.isEmpty()) {
                names.add(name);
            }
        }
        return names;
    }

    /** Invariant names quint run reported as violated (its "❌ name" lines). */
    static List<String> violated(String output) {
        List<String> names = new ArrayList<>();
        Matcher m = Pattern.compile("❌ (\\w+)").matcher(output);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** A scratch directory under target/ (inside tla-traces, so relative imports reach spec/). */
    static Path scratch(QuintRunner quint, String name) {
        Path dir = quint.tlaDir().resolve("target").resolve(name);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    static String describe(QuintRunner.Result r) {
        return String.join(" ", r.command()) + "\nexit " + r.exitCode() + (r.timedOut() ? " (timed out)" : "")
                + " after " + r.elapsed().toMillis() + " ms\n" + r.output();
    }
}
