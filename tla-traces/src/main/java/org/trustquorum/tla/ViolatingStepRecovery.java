package org.trustquorum.tla;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.trustquorum.core.engine.EngineHost;
import org.trustquorum.core.engine.Input;
import org.trustquorum.core.engine.Output;
import org.trustquorum.core.engine.Step;
import org.trustquorum.core.model.Configuration;
import org.trustquorum.core.model.EpochShare;
import org.trustquorum.core.model.PersistentState;
import org.trustquorum.core.msg.PeerMsg;
import org.trustquorum.core.msg.WireMsg;
import org.trustquorum.sim.EngineCallRecorder;
import org.trustquorum.sim.RunResult;
import org.trustquorum.sim.RunSpec;
import org.trustquorum.sim.check.AckedPrepareIsDurable;
import org.trustquorum.sim.check.CommittedImpliesPrepared;
import org.trustquorum.sim.check.ExpungedIsFinal;
import org.trustquorum.sim.check.NoConfigBelowCommit;
import org.trustquorum.sim.check.NoSendAfterClose;
import org.trustquorum.sim.check.NoStaleAck;
import org.trustquorum.sim.check.OneConfigPerEpoch;
import org.trustquorum.sim.check.ProxyRequestHasCall;
import org.trustquorum.sim.check.ShareMatchesDigest;

/**
 * Recovers the event a failing simulator run never wrote to its trace.
 *
 * <p>The simulator checks a persist or a released frame before it writes the {@code persist} or
 * {@code send} event, and stops at the first failed check; so the trace of a failing run lacks
 * exactly the event that broke the check (a commit persisted without a prepare, a PrepareAck sent
 * without a durable share). To show it to the spec anyway, this class replays the failing node's
 * recorded engine calls ({@link EngineCallRecorder}) on a fresh engine behind an {@link EngineHost}
 * (as every driver runs it), from its last boot up to the failing call, and renders the item the check stopped at as one more trace line (marked
 * {@code "recovered": true}) to insert before the {@code violation} line.
 *
 * <p>It does this only for checks that run on a persist or on a released frame, and only when
 * the trace's last engine step is that call (it verifies that the node's step count in the trace
 * matches the recorded calls).
 */
final class ViolatingStepRecovery {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Checks that run on a persist before the simulator writes it. */
    static final List<String> PERSIST_CHECKS = List.of(ExpungedIsFinal.NAME, NoConfigBelowCommit.NAME,
            CommittedImpliesPrepared.NAME, ShareMatchesDigest.NAME, OneConfigPerEpoch.NAME);
    /** Checks that run on a released frame before the simulator writes its {@code send} event. */
    static final List<String> SEND_CHECKS = List.of(AckedPrepareIsDurable.NAME, NoStaleAck.NAME,
            ProxyRequestHasCall.NAME, NoSendAfterClose.NAME);

    private ViolatingStepRecovery() {}

    /**
     * The JSONL trace with the recovered line inserted before its {@code violation} line, or the
     * trace unchanged when there is nothing to recover.
     */
    static String complete(String jsonl, RunSpec spec, RunResult result, List<EngineCallRecorder.Call> calls) {
        if (result.passed() || calls.isEmpty()
                || !(PERSIST_CHECKS.contains(result.check()) || SEND_CHECKS.contains(result.check()))) {
            return jsonl;
        }
        Optional<String> line = recover(jsonl, spec, result, calls);
        if (line.isEmpty()) {
            return jsonl;
        }
        int violation = jsonl.lastIndexOf("{\"t\":", jsonl.lastIndexOf("\"kind\":\"violation\""));
        if (violation < 0) {
            return jsonl;
        }
        return jsonl.substring(0, violation) + line.get() + "\n" + jsonl.substring(violation);
    }

    private static Optional<String> recover(String jsonl, RunSpec spec, RunResult result,
            List<EngineCallRecorder.Call> calls) {
        EngineCallRecorder.Call last = calls.get(calls.size() - 1);
        if (last.kind() == EngineCallRecorder.BOOT) {
            return Optional.empty();
        }
        int node = last.node();
        int boot = -1;
        for (int i = calls.size() - 1; i >= 0; i--) {
            if (calls.get(i).node() == node && calls.get(i).kind() == EngineCallRecorder.BOOT) {
                boot = i;
                break;
            }
        }
        if (boot < 0) {
            return Optional.empty();
        }
        LastStep seen = new LastStep();
        EngineHost host = new EngineHost(EngineCallRecorder.engine(spec, calls.get(boot)), seen);
        int steps = 0;
        Output refused = null;
        for (int i = boot + 1; i < calls.size(); i++) {
            EngineCallRecorder.Call c = calls.get(i);
            if (c.node() != node) {
                continue;
            }
            steps++;
            seen.step = null;
            try {
                host.step(EngineCallRecorder.withOwnShares(c.input()), c.nowMs());
            } catch (EngineHost.ContractBroken e) {
                if (i != calls.size() - 1) {
                    return Optional.empty();
                }
                refused = e.output(); // the host stopped the step at this output, before releasing any
            } catch (RuntimeException e) {
                if (i != calls.size() - 1) {
                    return Optional.empty(); // only the failing step itself may break a rule
                }
            }
        }
        Step step = seen.step;
        TraceTail tail = tail(jsonl, "n" + String.format("%02d", node));
        if (step == null || tail == null || tail.stepsInLife != steps) {
            return Optional.empty();
        }
        long at = result.failedAtMs();
        if (PERSIST_CHECKS.contains(result.check())) {
            if (step.persist() == null || tail.persists > 0) {
                return Optional.empty();
            }
            return Optional.of(persistLine(at, tail.name, step.persist()));
        }
        List<Output.SendFrame> sends = new ArrayList<>();
        for (Output o : step.afterPersist()) {
            if (o instanceof Output.SendFrame f) {
                sends.add(f);
            }
        }
        if (refused instanceof Output.SendFrame r && tail.sends == 0) {
            return Optional.of(sendLine(at, tail.name, r, tail.peerOf.get(r.incarnation())));
        }
        if (tail.sends >= sends.size()) {
            return Optional.empty();
        }
        Output.SendFrame f = sends.get(tail.sends);
        String peer = tail.peerOf.get(f.incarnation());
        return Optional.of(sendLine(at, tail.name, f, peer));
    }

    /** A driver that keeps the last step it saw (whether or not the host then released it). */
    private static final class LastStep implements EngineHost.Io {
        Step step;

        @Override
        public void stepped(Input input, Step s) {
            step = s;
        }

        @Override
        public EngineHost.Durability persist(PersistentState state) {
            return EngineHost.Durability.DURABLE;
        }

        @Override
        public void release(Output output) {}

        @Override
        public void deadline(long atMs) {}
    }

    /** What the trace shows of the failing node's current life and its last step. */
    private record TraceTail(String name, int stepsInLife, int persists, int sends, Map<Long, String> peerOf) {}

    private static TraceTail tail(String jsonl, String name) {
        int steps = 0;
        int persists = 0;
        int sends = 0;
        Map<Long, String> peerOf = new java.util.HashMap<>();
        boolean inLastStep = false;
        try {
            for (String line : jsonl.split("\n")) {
                if (line.isBlank() || !line.contains("\"" + name + "\"")) {
                    if (!line.isBlank() && line.contains("\"kind\":\"step\"")) {
                        inLastStep = false;
                    }
                    continue;
                }
                JsonNode j = JSON.readTree(line);
                String kind = j.path("kind").asText();
                boolean mine = name.equals(j.path("node").asText());
                switch (kind) {
                    case "boot", "restart" -> {
                        if (mine) {
                            steps = 0;
                            peerOf.clear();
                            inLastStep = false;
                        }
                    }
                    case "step" -> {
                        inLastStep = mine;
                        if (mine) {
                            steps++;
                            persists = 0;
                            sends = 0;
                        }
                    }
                    case "dial", "accept" -> {
                        if (mine) {
                            peerOf.put(j.path("inc").asLong(), j.path("peer").asText());
                        }
                    }
                    case "persist" -> persists += mine && inLastStep ? 1 : 0;
                    case "send" -> sends += mine && inLastStep ? 1 : 0;
                    default -> {
                        // other events do not matter here
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new TraceTail(name, steps, persists, sends, peerOf);
    }

    private static String persistLine(long at, String node, PersistentState s) {
        var o = JSON.createObjectNode();
        o.put("t", at);
        o.put("kind", "persist");
        o.put("node", node);
        var configs = o.putArray("configs");
        s.configs().stream().map(Configuration::epoch).forEach(e -> configs.add(e.value()));
        var shares = o.putArray("shares");
        s.shares().stream().map(EpochShare::epoch).forEach(e -> shares.add(e.value()));
        var commits = o.putArray("commits");
        s.commits().forEach(e -> commits.add(e.value()));
        if (s.expunged() == null) {
            o.putNull("expunged");
        } else {
            o.put("expunged", s.expunged().epoch().value());
        }
        o.put("recovered", true);
        return o.toString();
    }

    private static String sendLine(long at, String node, Output.SendFrame f, String peer) {
        var o = JSON.createObjectNode();
        o.put("t", at);
        o.put("kind", "send");
        o.put("node", node);
        o.put("inc", f.incarnation());
        if (peer == null) {
            o.putNull("peer");
        } else {
            o.put("peer", peer);
        }
        WireMsg msg = f.msg();
        o.put("msg", WireMsg.kind(msg));
        switch (msg) {
            case WireMsg.Protocol p -> o.put("epoch", PeerMsg.epochOf(p.msg()).value());
            case WireMsg.ProxyRequest r -> o.put("requestId", r.requestId());
            case WireMsg.ProxyResponse r -> o.put("requestId", r.requestId());
            case WireMsg.NetworkConfig c -> o.put("epoch", c.generation());
            case WireMsg.Ping p -> { }
        }
        o.put("recovered", true);
        return o.toString();
    }
}
