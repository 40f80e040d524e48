package org.trustquorum.runtime.nemesis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Figures of a whole nemesis run, for its summary line. Used from the driver's thread and the fault thread. */
final class NemesisStats {
    private final Map<String, Integer> faults = new TreeMap<>();
    private final Map<RequestBurst.Outcome, Integer> outcomes = new TreeMap<>();
    private final List<Long> recoveryMs = new ArrayList<>();
    private int requests;
    private int skipped;
    private long heapBaselineBytes = -1;
    private long heapLastBytes = -1;

    synchronized void fault(LinkFault f) {
        faults.merge(f.getClass().getSimpleName(), 1, Integer::sum);
    }

    synchronized void burst(RequestBurst b) {
        requests += b.issued();
        skipped += b.skipped();
        b.outcomes().forEach((k, v) -> outcomes.merge(k, v, Integer::sum));
    }

    synchronized void recovered(long ms) {
        recoveryMs.add(ms);
    }

    synchronized void heap(long maxLiveBytes, boolean baseline) {
        if (baseline) {
            heapBaselineBytes = maxLiveBytes;
        }
        heapLastBytes = maxLiveBytes;
    }

    synchronized long heapBaselineBytes() {
        return heapBaselineBytes;
    }

    synchronized List<String> describe(long proxiedConnections) {
        List<String> lines = new ArrayList<>();
        lines.add("nemesis: link faults " + faults + "; " + proxiedConnections + " connections through the proxies");
        lines.add("nemesis: " + requests + " proxied requests " + outcomes + (skipped > 0 ? ", " + skipped + " not issued (16 waiting)" : ""));
        if (!recoveryMs.isEmpty()) {
            long max = recoveryMs.stream().mapToLong(Long::longValue).max().orElse(0);
            double mean = recoveryMs.stream().mapToLong(Long::longValue).average().orElse(0);
            lines.add(String.format("nemesis: one connection per peer again after the heal: mean %.1f s, max %.1f s", mean / 1e3,
                    max / 1e3));
        }
        if (heapBaselineBytes >= 0) {
            lines.add(String.format("nemesis: largest live heap of a node after a full GC: %.1f MiB after round 1, %.1f MiB at the end",
                    heapBaselineBytes / 1048576.0, heapLastBytes / 1048576.0));
        }
        return lines;
    }
}
