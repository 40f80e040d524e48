package org.trustquorum.runtime.cluster;

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

/** The multi-process demo itself: real node processes, killed and restarted, driven to the end. */
class ClusterDemoTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void fourNodeProcessesRunTheWholeDemo() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code = new ClusterDemo(4, dir.resolve("cluster"), false, new PrintStream(buf, true, StandardCharsets.UTF_8)).run();
        String out = buf.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, out);
        assertTrue(out.contains("calls to TQ-SLED:SN0004: 0 direct"), out);
        assertTrue(out.contains("kept its prepares"), out);
        assertTrue(out.contains("all 4 members hold the same secret"), out);
    }

    @Test
    void refusesTooFewNodes() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code = new ClusterDemo(3, dir, false, new PrintStream(buf, true, StandardCharsets.UTF_8)).run();
        assertEquals(2, code);
        assertTrue(buf.toString(StandardCharsets.UTF_8).contains("--nodes must be in 4..32"));
    }
}
