package org.trustquorum.sim.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Collection;
import org.trustquorum.sim.json.Json;

/**
 * The run as the Quint spec sees it: one JSON object per line, each one spec action with concrete
 * parameters (the format of tla-traces/README.md, "Trace format"). Node ids are 1..N in node-id
 * order. Only events that change the spec's state are written. Fields that are 0 or empty are
 * left out (the reader defaults them); {@code t} (virtual ms) is extra and ignored by the reader.
 */
public final class SpecTrace {
    /** The fields each kind must carry (tla-traces/README.md), space separated. */
    private static final java.util.Map<String, String> REQUIRED = java.util.Map.ofEntries(
            java.util.Map.entry("Reconfigure", "node epoch members k"),
            java.util.Map.entry("Prepare", "node peer epoch"),
            java.util.Map.entry("Ack", "node peer epoch"),
            java.util.Map.entry("CpCommit", "epoch"),
            java.util.Map.entry("Commit", "node epoch"),
            java.util.Map.entry("PrepareAndCommit", "node epoch"),
            java.util.Map.entry("ComputeShare", "node epoch"),
            java.util.Map.entry("Expunge", "node epoch"),
            java.util.Map.entry("LoadSecret", "node epoch members"),
            java.util.Map.entry("Crash", "node"),
            java.util.Map.entry("Restart", "node"),
            java.util.Map.entry("ConnOpen", "node peer inc"),
            java.util.Map.entry("ConnEstablish", "node peer inc"),
            java.util.Map.entry("ConnClose", "node inc"),
            java.util.Map.entry("ConnExit", "node inc"),
            java.util.Map.entry("ProxySend", "node peer req inc"),
            java.util.Map.entry("ProxyBusy", "node peer req"),
            java.util.Map.entry("ProxyRespond", "node req"),
            java.util.Map.entry("ProxyFail", "node req reason"),
            java.util.Map.entry("Converged", ""));

    private final Writer out;
    private final StringBuilder line = new StringBuilder(128);
    private long events;

    public SpecTrace(Writer out) {
        this.out = out;
    }

    public long events() {
        return events;
    }

    /** One event. {@code members} may be null; zero numbers and empty strings are omitted. */
    public void event(long atMs, String kind, int node, int peer, long epoch, long inc, long req, int k,
            Collection<Integer> members, String reason) {
        line.setLength(0);
        line.append("{\"t\":").append(atMs).append(",\"kind\":");
        Json.quote(line, kind);
        String need = REQUIRED.getOrDefault(kind, "");
        field("node", node, need);
        field("peer", peer, need);
        field("epoch", epoch, need);
        field("inc", inc, need);
        field("req", req, need);
        field("k", k, need);
        if (members != null && !members.isEmpty()) {
            line.append(",\"members\":[");
            boolean first = true;
            for (int m : members) {
                if (!first) {
                    line.append(',');
                }
                first = false;
                line.append(m);
            }
            line.append(']');
        }
        if (reason != null && !reason.isEmpty()) {
            line.append(",\"reason\":");
            Json.quote(line, reason);
        }
        line.append("}\n");
        events++;
        try {
            out.append(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a field if it is not 0 or if the kind requires it (then even 0: "no incarnation"). */
    private void field(String name, long v, String required) {
        if (v != 0 || required.contains(name)) {
            line.append(",\"").append(name).append("\":").append(v);
        }
    }

    public void close() {
        try {
            out.flush();
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
