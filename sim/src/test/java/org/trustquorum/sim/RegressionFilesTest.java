package org.trustquorum.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.trustquorum.core.Mutation;
import org.trustquorum.sim.shrink.RegressionFile;

/**
 * Every saved regression replays as recorded: with its mutant it fails the recorded check, and
 * without the mutant the same schedule passes. A file without a mutant either passes (a guarded
 * fix) or, while its core bug is open, fails with the recorded check.
 */
class RegressionFilesTest {

    static List<Path> files() throws IOException, URISyntaxException {
        Path dir = Path.of(RegressionFilesTest.class.getResource("/regressions").toURI());
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }

    @TestFactory
    List<DynamicTest> everySavedRegressionReplaysAsRecorded() throws IOException, URISyntaxException {
        List<Path> files = files();
        assertFalse(files.isEmpty(), "at least one regression file is committed");
        List<DynamicTest> tests = new ArrayList<>();
        for (Path f : files) {
            tests.add(DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
                RegressionFile reg = RegressionFile.read(f);
                RunResult withMutant = new Simulation(reg.spec()).run();
                if (reg.spec().mutant() != Mutation.NONE) {
                    assertEquals(reg.expectedCheck(), withMutant.check(), () -> "with " + reg.spec().mutant().cliName()
                            + ": " + withMutant.message());
                    RunResult honest = new Simulation(reg.spec().withMutant(Mutation.NONE)).run();
                    assertTrue(honest.passed(), () -> "without the mutant: " + honest.check() + ": " + honest.message());
                } else if (reg.expectedCheck() != null) {
                    // A reproduction of an open core bug: it still fails the recorded way. Once the
                    // bug is fixed, record "check": null so the file guards the fix.
                    assertEquals(reg.expectedCheck(), withMutant.check(), withMutant::message);
                } else {
                    assertTrue(withMutant.passed(), () -> withMutant.check() + ": " + withMutant.message());
                }
            }));
        }
        return tests;
    }
}
