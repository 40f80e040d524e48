package org.trustquorum.runtime.nemesis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.trustquorum.core.Mutation;
import org.trustquorum.runtime.cli.RuntimeMain;
import org.trustquorum.runtime.cluster.ChaosRun;

/** {@code tq chaos --nemesis} in small: 4 node processes behind fault proxies, 2 rounds of kills, link faults and request bursts. */
class NemesisChaosTest {
    /** Fixed so the schedule is the same on every run (the timing on sockets is not). */
    private static final long SEED = 3;
    private static final int NODES = 4;
    private static final int ROUNDS = 2;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void twoRoundsOfKillsLinkFaultsAndProxiedBurstsEndWithNoViolation() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Nemesis nemesis = new Nemesis(SEED, RuntimeMain.demoIds(NODES), Mutation.NONE);
        int code = new ChaosRun(NODES, ROUNDS, dir.resolve("chaos"), SEED, new PrintStream(buf, true, StandardCharsets.UTF_8),
                nemesis).run();
        String out = buf.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, out);
        assertTrue(out.contains("nemesis round 1:") && out.contains("nemesis round 2:"), out);
        assertTrue(out.contains("one connection per peer again"), out);
        assertTrue(out.contains("largest live heap of a node"), out);
        assertTrue(out.strip().endsWith("rounds: " + ROUNDS + ", violations: 0"), out);
    }
}
