package org.trustquorum.tla;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The spec type-checks and its random exploration finds no safety violation. */
class SpecTest {

    private final QuintRunner quint = QuintSupport.runner();

    @Test
    void specTypechecks() {
        QuintRunner.Result r = quint.run("typecheck", "spec/TrustQuorum.qnt");
        assertEquals(0, r.exitCode(), () -> QuintSupport.describe(r));
    }

    @Test
    void explorationOfTheWholeSystemKeepsSafety() {
        QuintRunner.Result r = quint.run(List.of("run", "spec/TrustQuorum.qnt", "--backend", "typescript",
                "--max-samples=80", "--max-steps=30", "--seed=42", "--invariant=safety",
                "--witnesses", "reachedCommit", "reachedUnlock", "reachedReplacement", "reachedTrackedCall"));
        assertNoViolation(r);
        // the exploration is not vacuous: it reaches commits, unlocks, replaced connections, calls
        assertAllWitnessed(r, "reachedCommit", "reachedUnlock", "reachedReplacement", "reachedTrackedCall");
    }

    @Test
    void deepProtocolExplorationKeepsSafety() {
        QuintRunner.Result r = quint.run(List.of("run", "spec/TrustQuorum.qnt", "--backend", "typescript",
                "--step=protocolOnlyStep", "--max-samples=80", "--max-steps=40", "--seed=42",
                "--invariant=safety",
                "--witnesses", "reachedComputedShare", "reachedSecondCommit", "reachedExpunge"));
        assertNoViolation(r);
        assertAllWitnessed(r, "reachedComputedShare", "reachedSecondCommit", "reachedExpunge");
    }

    private static void assertNoViolation(QuintRunner.Result r) {
        assertEquals(0, r.exitCode(), () -> QuintSupport.describe(r));
        assertTrue(r.output().contains("[ok] No violation found"), () -> QuintSupport.describe(r));
    }

    private static void assertAllWitnessed(QuintRunner.Result r, String... witnesses) {
        List<String> missing = new ArrayList<>();
        for (String w : witnesses) {
            Matcher m = Pattern.compile(w + " was witnessed in (\\d+) trace").matcher(r.output());
            if (!m.find() || Integer.parseInt(m.group(1)) == 0) {
                missing.add(w);
            }
        }
        assertTrue(missing.isEmpty(), () -> "never witnessed: " + missing + "\n" + QuintSupport.describe(r));
    }
}
