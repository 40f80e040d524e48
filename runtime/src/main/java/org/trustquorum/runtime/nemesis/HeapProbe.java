package org.trustquorum.runtime.nemesis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The live heap of a node process, in bytes: {@code jcmd PID GC.class_histogram} runs a full
 * collection first and ends with the total size of what survived. Used to show that memory stays
 * flat across rounds (leaked tracker entries, connections or buffers would grow it).
 */
public final class HeapProbe {
    /** Time one jcmd call may take. */
    public static final long JCMD_TIMEOUT_MS = 30_000;

    private HeapProbe() {}

    /** The live heap of process {@code pid}; -1 if jcmd could not read it (the process is gone, or no jcmd). */
    public static long liveHeapBytes(long pid) throws InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Path out;
        Process p;
        try {
            out = java.nio.file.Files.createTempFile("tq-heap-", ".txt");
            p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.class_histogram").redirectErrorStream(true)
                    .redirectOutput(out.toFile()).start();
        } catch (IOException e) {
            return -1;
        }
        try {
            if (!p.waitFor(JCMD_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue() == 0 ? totalOf(java.nio.file.Files.readString(out, StandardCharsets.UTF_8)) : -1;
        } catch (IOException e) {
            return -1;
        } finally {
            try {
                java.nio.file.Files.deleteIfExists(out);
            } catch (IOException e) {
                // a temporary file left behind
            }
        }
    }

    /** The byte total of a class histogram ("Total  instances  bytes" is its last line), or -1. */
    static long totalOf(String histogram) {
        String[] lines = histogram.strip().split("\n");
        String last = lines[lines.length - 1].strip();
        if (!last.startsWith("Total")) {
            return -1;
        }
        String[] parts = last.split("\\s+");
        try {
            return Long.parseLong(parts[parts.length - 1]);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
