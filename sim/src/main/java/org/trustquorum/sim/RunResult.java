package org.trustquorum.sim;

import java.util.EnumMap;
import java.util.Map;

/**
 * How one run ended.
 *
 * @param check      the violated check's name, or null if the run passed
 * @param failedAtMs virtual time of the violation (or of the end of the run)
 * @param events     events processed
 * @param digest     hex SHA-256 of the event log
 */
public record RunResult(long seed, String check, String message, long failedAtMs, long events, String digest,
        Map<Race, Long> races, Map<Stat, Long> stats, long virtualMs) {
    public RunResult {
        races = new EnumMap<>(races);
        stats = new EnumMap<>(stats);
    }

    public long stat(Stat s) {
        return stats.getOrDefault(s, 0L);
    }

    public boolean passed() {
        return check == null;
    }

    public long race(Race r) {
        return races.getOrDefault(r, 0L);
    }
}
