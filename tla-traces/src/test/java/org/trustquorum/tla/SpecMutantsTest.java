package org.trustquorum.tla;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every safety invariant can fail: for each one, a broken copy of the spec makes {@code quint run}
 * report exactly that invariant as violated.
 */
@Order(1) // the longest class: start it first so the others overlap with it
class SpecMutantsTest {

    private final QuintRunner quint = QuintSupport.runner();
    private final String spec = QuintSupport.read(quint.specDir().resolve("TrustQuorum.qnt"));
    private final List<String> invariants = QuintSupport.safetyInvariants(spec);

    @Test
    void everyInvariantHasAMutantAndEveryMutantTargetsAnInvariant() {
        Set<String> targeted = new HashSet<>();
        Set<String> names = new HashSet<>();
        for (SpecMutant m : SpecMutant.ALL) {
            assertTrue(invariants.contains(m.invariant()), m.name() + " targets unknown invariant " + m.invariant());
            assertTrue(names.add(m.name()), "duplicate mutant name " + m.name());
            targeted.add(m.invariant());
        }
        List<String> untested = invariants.stream().filter(i -> !targeted.contains(i)).toList();
        assertEquals(List.of(), untested, "invariants without a mutant that breaks them");
        assertTrue(invariants.size() >= 15, "safety lists " + invariants);
    }

    @Test
    void everyMutantChangesTheSpecAtExactlyOnePlace() {
        for (SpecMutant m : SpecMutant.ALL) {
            String mutated = m.apply(spec);
            assertTrue(!mutated.equals(spec), m.name() + " changes nothing");
        }
    }

    @TestFactory
    Stream<DynamicTest> eachMutantBreaksItsInvariant() throws IOException {
        Path root = QuintSupport.scratch(quint, "mutants");
        int threads = Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors()));
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        Map<SpecMutant, CompletableFuture<QuintRunner.Result>> runs = new LinkedHashMap<>();
        for (SpecMutant m : SpecMutant.ALL) {
            Path dir = root.resolve(m.name());
            Files.createDirectories(dir);
            Path file = dir.resolve("TrustQuorum.qnt");
            Files.writeString(file, m.apply(spec), StandardCharsets.UTF_8);
            List<String> args = new ArrayList<>(List.of("run", file.toString(), "--backend", "typescript",
                    "--step=" + m.step(), "--max-steps=" + m.maxSteps(), "--max-samples=" + m.maxSamples(),
                    "--seed=1", "--verbosity=1", "--invariants"));
            args.addAll(invariants);
            runs.put(m, CompletableFuture.supplyAsync(() -> quint.run(args), pool));
        }
        CompletableFuture.allOf(runs.values().toArray(CompletableFuture[]::new))
                .whenComplete((v, e) -> pool.shutdown());
        return runs.entrySet().stream().map(entry -> DynamicTest.dynamicTest(
                entry.getKey().name() + " breaks " + entry.getKey().invariant(), () -> {
                    SpecMutant m = entry.getKey();
                    QuintRunner.Result r = entry.getValue().join();
                    assertEquals(1, r.exitCode(), () -> m.name() + ": expected a violation (rerun the command"
                            + " without --verbosity=1 to see the trace)\n" + QuintSupport.describe(r));
                    assertTrue(r.output().contains("[violation]"), () -> QuintSupport.describe(r));
                    List<String> violated = QuintSupport.violated(r.output());
                    assertTrue(violated.contains(m.invariant()),
                            () -> m.name() + " should break " + m.invariant() + " but broke " + violated + "\n"
                                    + QuintSupport.describe(r));
                }));
    }
}
