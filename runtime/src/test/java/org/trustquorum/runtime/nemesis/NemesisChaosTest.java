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

/** {@code tq chaos --nemesis} in small: 4 node processes behind fault proxies, one round of a kill, link faults and a request burst. */
class NemesisChaosTest {
    /**
     * Fixed so the schedule is the same on every run (the timing on sockets is not): 40 requests
     * through node 2 while links get a delay, a reset mid-frame, a duplicate connection and a close
     * right after the handshake (no stall, which would cost 10 s of keepalive).
     */
    private static final long SEED = 2;
    private static final int NODES = 4;
    private static final int ROUNDS = 1;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 600, unit = TimeUnit.SECONDS)
    void aRoundOfAKillLinkFaultsAndAProxiedBurstEndsWithNoViolation() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Nemesis nemesis = new Nemesis(SEED, RuntimeMain.demoIds(NODES), Mutation.NONE);
        int code = new ChaosRun(NODES, ROUNDS, dir.resolve("chaos"), SEED, new PrintStream(buf, true, StandardCharsets.UTF_8),
                nemesis).run();
        String out = buf.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, out);
        assertTrue(out.contains("nemesis round 1: 40 proxied requests through TQ-SLED:SN0002"), out);
        assertTrue(out.contains("duplicate connection") && out.contains("reset mid-frame"), out);
        assertTrue(out.contains("one connection per peer again"), out);
        assertTrue(out.contains("largest live heap of a node"), out);
        assertTrue(out.strip().endsWith("rounds: " + ROUNDS + ", violations: 0"), out);
    }
}
