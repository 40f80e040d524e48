package org.trustquorum.tla;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the simulator's JSONL trace of one run (docs/SIMULATOR.md, "Event log and trace formats")
 * into the spec's event list: one {@link TraceEvent} per state change the spec models, every
 * parameter concrete. docs/SPEC.md describes the mapping event by event; in short:
 *
 * <ul>
 *   <li>Protocol actions come from {@code persist} events: the difference between a node's
 *       previous and new durable state (configurations, shares, commits, expunged marker) names
 *       the action (Reconfigure, Prepare, PrepareAndCommit, ComputeShare, Commit, Expunge). The
 *       control plane's decisions come from its {@code cp-log} lines (which epoch it started,
 *       with which coordinator; when it decided to commit).
 *   <li>{@code send PrepareAck} gives AckSent (the ack leaves the member); {@code recv
 *       PrepareAck} at the coordinator of that epoch gives Ack (the coordinator records it).
 *   <li>Connections: {@code dial}/{@code accept} open an incarnation; the engine's own
 *       {@code conn.connected} trace output says it became established; an engine-initiated
 *       {@code close} is the incarnation's exit processing (the engine forgets it at once), and an
 *       {@code exited} the engine did not drop is its exit.
 *   <li>Proxy calls: a {@code Proxy} API call either sends a {@code ProxyRequest} frame
 *       (ProxySend on that incarnation) or is answered at once (Disconnected: ProxySend with no
 *       incarnation; Busy: ProxyBusy); later answers give ProxyRespond or ProxyFail; Disconnected
 *       answers after an exit are the completions the spec's ConnExit implies.
 *   <li>{@code crash}, {@code restart}, {@code converged} give Crash, Restart and Converged.
 * </ul>
 *
 * <p>Where the observable effects of a simulator step are not those of the action it maps to (a
 * proxy call neither sent nor answered, an exit that leaves calls tracked or the peer connected,
 * an established incarnation whose predecessor stays established), the adapter emits an
 * {@link TraceEvent.Kind#Unmatched} event, which the replay harness never allows.
 *
 * <p>Node {@code nNN} becomes spec node NN + 1. Incarnation and request ids are the simulator's
 * (per node and life); {@link TraceToQuint#renumber} maps them to what the spec expects.
 */
public final class SimTraceAdapter {

    /** One line of the simulator trace. */
    public record SimEvent(int line, long atMs, String kind, JsonNode json) {
        /** A short rendering for reports: {@code t=123 ms: {...}}. */
        public String describe() {
            return "t=" + atMs + " ms, trace line " + line + ": " + json;
        }
    }

    /** A spec event and the simulator event it was derived from. */
    public record Mapped(TraceEvent event, SimEvent source) {}

    /**
     * The spec events of one run.
     *
     * @param nodes     node count of the run (spec nodes are 1..nodes)
     * @param events    the spec events in order, with their sources
     * @param simEvents simulator events read
     * @param outcome   how the simulator run ended: "converged", "violation CHECK: message", or
     *                  "incomplete" when the trace has no end event
     */
    public record Adapted(int nodes, List<Mapped> events, int simEvents, String outcome) {
        public List<TraceEvent> traceEvents() {
            return events.stream().map(Mapped::event).toList();
        }

        /** Index of the first Unmatched event, or -1. */
        public int firstUnmatched() {
            for (int i = 0; i < events.size(); i++) {
                if (events.get(i).event().kind() == TraceEvent.Kind.Unmatched) {
                    return i;
                }
            }
            return -1;
        }
    }

    /** Base of the ids given to proxy calls that got no request id (answered at once). */
    static final long SYNTHETIC_REQUEST_BASE = 1L << 40;

    /** Reasons of Unmatched events. */
    static final String PROXY_CALL_NOT_SENT_NOR_ANSWERED = "proxy-call-neither-sent-nor-answered";
    static final String PROXY_CALL_ANSWERED_OTHERWISE = "proxy-call-answered-at-once-with-other-than-disconnected-or-busy";
    static final String EXIT_COMPLETIONS_DIFFER = "exit-completed-other-calls-than-those-tracked-on-it";
    static final String EXIT_KEPT_PEER_CONNECTED = "exit-of-current-incarnation-kept-peer-connected";
    static final String PREDECESSOR_KEPT = "established-incarnation-kept-its-established-predecessor";
    static final String RESTART_LOST_STATE = "restart-loaded-an-older-ledger-generation-than-last-persisted";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NODE_NAME = Pattern.compile("n(\\d+)");
    private static final Pattern NODE_ID = Pattern.compile("node-(\\d+)");
    private static final Pattern START_EPOCH =
            Pattern.compile("start epoch (\\d+) coordinator (\\S+) members (\\d+) k (\\d+)");
    private static final Pattern COMMIT_EPOCH = Pattern.compile("commit epoch (\\d+) with (\\d+) acks");
    private static final Pattern PROXY_REQUEST = Pattern.compile("Proxy\\((\\w+) to (n\\d+)\\)");
    private static final Pattern LOAD_REQUEST = Pattern.compile("LoadRackSecret\\(epoch (\\d+)\\)");
    private static final Pattern ON_INCARNATION = Pattern.compile("on incarnation (\\d+)");
    private static final Pattern DROPPED_INCARNATION = Pattern.compile("^incarnation (\\d+): ");
    private static final Pattern FRAME_INPUT = Pattern.compile("frame inc \\d+ (\\w+)");

    /** Simulator events that precede the engine step they start. */
    private static final Set<String> PRE_STEP = Set.of("recv", "established", "exited", "api-call", "accept");
    /** Simulator events that are outputs of the engine step before them. */
    private static final Set<String> STEP_OUTPUT = Set.of("persist", "dial", "send", "close", "reply", "trace", "lost");

    /** A configuration the control plane started (coordinator and members as spec nodes). */
    private record Issued(int coord, SortedSet<Integer> members, int k) {}

    /** A proxy call the adapter follows; {@code req} is set once it was sent or answered. */
    private static final class ProxyCall {
        final long replyId;
        final int dest;
        boolean resolved;

        ProxyCall(long replyId, int dest) {
            this.replyId = replyId;
            this.dest = dest;
        }
    }

    /** A live incarnation as the node's engine reported it. */
    private static final class Conn {
        final int peer;
        boolean established;

        Conn(int peer) {
            this.peer = peer;
        }
    }

    /** What the adapter knows about one node: durable state, and what its engine showed in this life. */
    private static final class NodeView {
        final int id;
        final TreeSet<Long> configs = new TreeSet<>();
        final TreeSet<Long> shares = new TreeSet<>();
        final TreeSet<Long> commits = new TreeSet<>();
        long expunged;
        /** Ledger generation of the last persist. */
        long generation;
        // in memory, lost on a crash
        long coordinating;
        long coordinatingBase;
        long computing;
        final TreeMap<Long, Conn> live = new TreeMap<>();
        final Map<Integer, Long> current = new HashMap<>();
        /** Request id -> incarnation, for calls sent and not completed. */
        final TreeMap<Long, Long> tracked = new TreeMap<>();
        /** API reply id -> request id of a sent proxy call. */
        final Map<Long, Long> callByReply = new HashMap<>();
        /** API reply id -> epoch asked by a LoadRackSecret call. */
        final Map<Long, Long> loadByReply = new HashMap<>();
        /** Epoch whose shares the rack-secret loader collects (0 = none), and whose shares it has. */
        long loaderEpoch;
        final TreeSet<Integer> loaderShares = new TreeSet<>();
        /** Epochs whose rack secret the spec has as loaded at this node. */
        final Set<Long> loaded = new HashSet<>();
        long nextSyntheticRequest = SYNTHETIC_REQUEST_BASE;

        NodeView(int id) {
            this.id = id;
        }

        long latestCommitted() {
            return commits.isEmpty() ? 0 : commits.last();
        }

        void stopLoader() {
            loaderEpoch = 0;
            loaderShares.clear();
        }

        void forgetMemory() {
            coordinating = 0;
            coordinatingBase = 0;
            computing = 0;
            live.clear();
            current.clear();
            tracked.clear();
            callByReply.clear();
            loadByReply.clear();
            stopLoader();
            loaded.clear();
        }
    }

    /** One engine step: the event that started it, the step line, and its outputs. */
    private static final class StepGroup {
        final int node;
        final String input;
        final SimEvent pre;
        final List<SimEvent> outputs = new ArrayList<>();

        StepGroup(int node, String input, SimEvent pre) {
            this.node = node;
            this.input = input;
            this.pre = pre;
        }
    }

    // ------------------------------------------------------------------------------------------

    private final List<Mapped> out = new ArrayList<>();
    private final Map<Integer, NodeView> views = new HashMap<>();
    private final Map<Long, Issued> issued = new HashMap<>();
    private final Map<Long, Set<Integer>> recordedAcks = new HashMap<>();
    private SortedSet<Integer> requestedMembers = new TreeSet<>();
    private int requestedThreshold;
    private int nodes;
    private int simEvents;
    private String outcome = "incomplete";
    private StepGroup step;
    private SimEvent pendingPre;

    private SimTraceAdapter() {}

    public static Adapted adapt(Path jsonl) throws IOException, TraceFormatException {
        try (Reader r = Files.newBufferedReader(jsonl, StandardCharsets.UTF_8)) {
            return adapt(r);
        }
    }

    public static Adapted adapt(String jsonl) throws TraceFormatException {
        try {
            return adapt(new StringReader(jsonl));
        } catch (IOException e) {
            throw new IllegalStateException("reading a string failed", e);
        }
    }

    public static Adapted adapt(Reader jsonl) throws IOException, TraceFormatException {
        SimTraceAdapter a = new SimTraceAdapter();
        BufferedReader lines = new BufferedReader(jsonl);
        int lineNo = 0;
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            lineNo++;
            if (!line.isBlank()) {
                a.accept(parse(lineNo, line));
            }
        }
        a.flushStep();
        int n = a.nodes;
        for (int id : a.views.keySet()) {
            n = Math.max(n, id);
        }
        return new Adapted(n, List.copyOf(a.out), a.simEvents, a.outcome);
    }

    private static SimEvent parse(int lineNo, String line) throws TraceFormatException {
        JsonNode obj;
        try {
            obj = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new TraceFormatException(lineNo, "not JSON: " + e.getOriginalMessage());
        }
        if (obj == null || !obj.isObject() || !obj.path("kind").isTextual()) {
            throw new TraceFormatException(lineNo, "expected a JSON object with a string 'kind'");
        }
        return new SimEvent(lineNo, obj.path("t").asLong(), obj.get("kind").asText(), obj);
    }

    // ------------------------------------------------------------------------------------------
    // Grouping simulator events into engine steps

    private void accept(SimEvent ev) throws TraceFormatException {
        simEvents++;
        String kind = ev.kind();
        if (kind.equals("step")) {
            flushStep();
            int node = node(ev, "node");
            SimEvent pre = pendingPre != null && node(pendingPre, "node") == node ? pendingPre : null;
            step = new StepGroup(node, ev.json().path("input").asText(), pre);
            pendingPre = null;
        } else if (STEP_OUTPUT.contains(kind)) {
            if (step != null && node(ev, "node") == step.node) {
                step.outputs.add(ev);
            } else if (!kind.equals("lost")) {
                throw new TraceFormatException(ev.line(), "'" + kind + "' outside an engine step of its node");
            }
        } else if (PRE_STEP.contains(kind)) {
            flushStep();
            pendingPre = ev;
        } else {
            flushStep();
            pendingPre = null;
            standalone(ev);
        }
    }

    private void flushStep() throws TraceFormatException {
        if (step != null) {
            StepGroup g = step;
            step = null;
            translate(g);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Events outside engine steps

    private void standalone(SimEvent ev) throws TraceFormatException {
        JsonNode j = ev.json();
        switch (ev.kind()) {
            case "start" -> {
                nodes = j.path("nodes").asInt();
                requestedMembers = nodeSet(ev, j.path("initial"));
                requestedThreshold = j.path("threshold").asInt();
            }
            case "boot" -> view(node(ev, "node"));
            case "restart" -> {
                NodeView v = view(node(ev, "node"));
                emit(TraceEvent.of(TraceEvent.Kind.Restart).withNode(v.id), ev);
                // The spec keeps everything a node persisted across a crash.
                if (j.path("generation").asLong() < v.generation) {
                    out.add(unmatched(v, RESTART_LOST_STATE, ev));
                }
            }
            case "crash" -> {
                NodeView v = view(node(ev, "node"));
                v.forgetMemory();
                emit(TraceEvent.of(TraceEvent.Kind.Crash).withNode(v.id), ev);
            }
            case "cp-reconfigure" -> {
                if (j.path("result").asText().startsWith("epoch ")) {
                    requestedMembers = nodeSet(ev, j.path("members"));
                    requestedThreshold = j.path("threshold").asInt();
                }
            }
            case "cp-log" -> controlPlaneNote(ev, j.path("text").asText());
            case "converged" -> {
                outcome = "converged";
                emit(TraceEvent.of(TraceEvent.Kind.Converged), ev);
            }
            case "violation" -> outcome = "violation " + j.path("check").asText() + ": " + j.path("message").asText();
            default -> {
                // cp-call, cp-answer, cp-crash, cp-restart, entry, heal: no spec state changes
            }
        }
    }

    private void controlPlaneNote(SimEvent ev, String text) throws TraceFormatException {
        Matcher start = START_EPOCH.matcher(text);
        if (start.lookingAt()) {
            long epoch = Long.parseLong(start.group(1));
            int coord = nodeIndexFromId(ev, start.group(2));
            int size = Integer.parseInt(start.group(3));
            int k = Integer.parseInt(start.group(4));
            if (size != requestedMembers.size() || k != requestedThreshold) {
                throw new TraceFormatException(ev.line(), "control plane started epoch " + epoch + " with " + size
                        + " members and k " + k + ", but the last request was " + requestedMembers + " with k "
                        + requestedThreshold);
            }
            issued.put(epoch, new Issued(coord, new TreeSet<>(requestedMembers), k));
            return;
        }
        Matcher commit = COMMIT_EPOCH.matcher(text);
        if (commit.lookingAt()) {
            emit(TraceEvent.of(TraceEvent.Kind.CpCommit).withEpoch(Long.parseLong(commit.group(1))), ev);
        }
    }

    // ------------------------------------------------------------------------------------------
    // One engine step

    private void translate(StepGroup g) throws TraceFormatException {
        NodeView v = view(g.node);
        if (g.input.equals("shutdown")) {
            // A graceful stop: the engine fails its calls and closes its incarnations, and the
            // crash that follows at once is the spec's Crash, which does both.
            return;
        }
        // What the engine reported about incarnations in this step.
        Set<Long> dropped = new HashSet<>();
        Set<Long> disconnected = new HashSet<>();
        for (SimEvent o : g.outputs) {
            if (o.kind().equals("trace")) {
                String what = o.json().path("what").asText();
                String detail = o.json().path("detail").asText();
                if (what.equals("conn.dropped")) {
                    Matcher m = DROPPED_INCARNATION.matcher(detail);
                    if (m.find()) {
                        dropped.add(Long.parseLong(m.group(1)));
                    }
                } else if (what.equals("conn.disconnected")) {
                    Matcher m = ON_INCARNATION.matcher(detail);
                    if (m.find()) {
                        disconnected.add(Long.parseLong(m.group(1)));
                    }
                }
            }
        }

        Set<Long> exitedHere = new LinkedHashSet<>();
        Set<Long> failedHere = new LinkedHashSet<>();
        List<Mapped> unmatched = new ArrayList<>();
        ProxyCall call = null;
        long establishing = -1;
        int establishingPeer = 0;
        long predecessor = 0;
        List<Long> replacedHere = new ArrayList<>();

        SimEvent pre = g.pre;
        if (pre != null) {
            JsonNode j = pre.json();
            switch (pre.kind()) {
                case "accept" -> open(v, pre);
                case "established" -> {
                    establishing = j.path("inc").asLong();
                    establishingPeer = node(pre, "peer");
                    predecessor = v.current.getOrDefault(establishingPeer, 0L);
                }
                case "exited" -> {
                    long inc = j.path("inc").asLong();
                    if (!dropped.contains(inc)) {
                        Conn c = v.live.get(inc);
                        boolean wasCurrent = c != null && c.established
                                && v.current.getOrDefault(c.peer, 0L) == inc;
                        exit(v, inc, pre, exitedHere);
                        if (wasCurrent && !disconnected.contains(inc)) {
                            unmatched.add(unmatched(v, EXIT_KEPT_PEER_CONNECTED, pre));
                        }
                    }
                }
                case "api-call" -> {
                    String request = j.path("request").asText();
                    Matcher proxy = PROXY_REQUEST.matcher(request);
                    Matcher load = LOAD_REQUEST.matcher(request);
                    if (proxy.matches()) {
                        call = new ProxyCall(j.path("replyId").asLong(), nodeIndex(pre, proxy.group(2)));
                    } else if (load.matches()) {
                        v.loadByReply.put(j.path("replyId").asLong(), Long.parseLong(load.group(1)));
                    } else if (request.equals("ClearSecrets")) {
                        v.stopLoader(); // the spec has no ClearSecrets: its loaded secrets stay
                    }
                }
                case "recv" -> received(v, pre);
                default -> throw new IllegalStateException("not a pre-step event: " + pre.kind());
            }
        }

        for (SimEvent o : g.outputs) {
            JsonNode j = o.json();
            switch (o.kind()) {
                case "persist" -> persisted(v, g, o);
                case "dial" -> open(v, o);
                case "close" -> {
                    long inc = j.path("inc").asLong();
                    if (j.path("cause").asText().equals("REPLACED") && establishing >= 0) {
                        replacedHere.add(inc); // its exit follows the establishment that replaced it
                    } else {
                        emit(TraceEvent.of(TraceEvent.Kind.ConnClose).withNode(v.id).withInc(inc), o);
                        exit(v, inc, o, exitedHere);
                    }
                }
                case "trace" -> {
                    if (j.path("what").asText().equals("conn.connected")) {
                        Matcher m = ON_INCARNATION.matcher(j.path("detail").asText());
                        if (m.find() && Long.parseLong(m.group(1)) == establishing) {
                            emit(TraceEvent.of(TraceEvent.Kind.ConnEstablish).withNode(v.id)
                                    .withPeer(establishingPeer).withInc(establishing), o);
                            Conn c = v.live.get(establishing);
                            if (c != null) {
                                c.established = true;
                            }
                            v.current.put(establishingPeer, establishing);
                            for (long old : replacedHere) {
                                exit(v, old, o, exitedHere);
                            }
                            Conn before = v.live.get(predecessor);
                            if (predecessor != 0 && predecessor != establishing && before != null
                                    && before.established && !replacedHere.contains(predecessor)) {
                                unmatched.add(unmatched(v, PREDECESSOR_KEPT, o));
                            }
                            replacedHere.clear();
                        }
                    }
                }
                case "send" -> {
                    String msg = j.path("msg").asText();
                    if (msg.startsWith("ProxyRequest")) {
                        long req = j.path("requestId").asLong();
                        long inc = j.path("inc").asLong();
                        int dest = node(o, "peer");
                        emit(TraceEvent.of(TraceEvent.Kind.ProxySend).withNode(v.id).withPeer(dest).withReq(req)
                                .withInc(inc), o);
                        v.tracked.put(req, inc);
                        if (call != null && !call.resolved && call.dest == dest) {
                            call.resolved = true;
                            v.callByReply.put(call.replyId, req);
                        }
                    } else if (msg.equals("PrepareAck")) {
                        emit(TraceEvent.of(TraceEvent.Kind.AckSent).withNode(v.id).withPeer(node(o, "peer"))
                                .withEpoch(j.path("epoch").asLong()), o);
                    }
                }
                case "reply" -> {
                    long replyId = j.path("replyId").asLong();
                    String response = j.path("response").asText();
                    if (call != null && !call.resolved && replyId == call.replyId) {
                        call.resolved = true;
                        long req = v.nextSyntheticRequest++;
                        if (isProxyError(response, "Disconnected")) {
                            emit(TraceEvent.of(TraceEvent.Kind.ProxySend).withNode(v.id).withPeer(call.dest)
                                    .withReq(req).withInc(0), o);
                        } else if (isProxyError(response, "Busy")) {
                            emit(TraceEvent.of(TraceEvent.Kind.ProxyBusy).withNode(v.id).withPeer(call.dest)
                                    .withReq(req), o);
                        } else {
                            unmatched.add(unmatched(v, PROXY_CALL_ANSWERED_OTHERWISE, o));
                        }
                    } else if (v.callByReply.containsKey(replyId)) {
                        long req = v.callByReply.remove(replyId);
                        if (isProxyError(response, "Disconnected")) {
                            failedHere.add(req); // completed by the exit of its incarnation
                        } else {
                            v.tracked.remove(req);
                            if (isProxyError(response, "Timeout")) {
                                emit(fail(v, req, "timeout"), o);
                            } else if (isProxyError(response, "InvalidResponse")) {
                                emit(fail(v, req, "invalid"), o);
                            } else {
                                // the destination's value or its own error (Inner): the answer arrived
                                emit(TraceEvent.of(TraceEvent.Kind.ProxyRespond).withNode(v.id).withReq(req), o);
                            }
                        }
                    } else if (v.loadByReply.containsKey(replyId)) {
                        v.loadByReply.remove(replyId);
                        if (response.equals("Collecting")) {
                            startLoader(v);
                        }
                    }
                }
                default -> {
                    // lost frames and other outputs change nothing the spec models
                }
            }
        }

        // The calls the exits of this step completed must be exactly those tracked on them.
        Set<Long> expected = new LinkedHashSet<>();
        for (Map.Entry<Long, Long> t : v.tracked.entrySet()) {
            if (exitedHere.contains(t.getValue())) {
                expected.add(t.getKey());
            }
        }
        if (!expected.equals(failedHere)) {
            SimEvent where = pre != null && pre.kind().equals("exited") ? pre : lastOf(g, "close", pre);
            unmatched.add(unmatched(v, EXIT_COMPLETIONS_DIFFER, where));
        }
        v.tracked.keySet().removeAll(expected);
        v.tracked.keySet().removeAll(failedHere);
        if (call != null && !call.resolved) {
            unmatched.add(unmatched(v, PROXY_CALL_NOT_SENT_NOR_ANSWERED, pre));
        }
        out.addAll(unmatched);
    }

    private static Mapped unmatched(NodeView v, String reason, SimEvent source) {
        return new Mapped(TraceEvent.of(TraceEvent.Kind.Unmatched).withNode(v.id).withReason(reason), source);
    }

    /** The last output of this kind in the step, else {@code fallback}. */
    private static SimEvent lastOf(StepGroup g, String kind, SimEvent fallback) {
        SimEvent found = fallback;
        for (SimEvent o : g.outputs) {
            if (o.kind().equals(kind)) {
                found = o;
            }
        }
        return found;
    }

    private static TraceEvent fail(NodeView v, long req, String reason) {
        return TraceEvent.of(TraceEvent.Kind.ProxyFail).withNode(v.id).withReq(req).withReason(reason);
    }

    private static boolean isProxyError(String response, String error) {
        return response.startsWith("Proxied[result=Err[error=" + error + "[");
    }

    private void open(NodeView v, SimEvent ev) throws TraceFormatException {
        long inc = ev.json().path("inc").asLong();
        int peer = node(ev, "peer");
        emit(TraceEvent.of(TraceEvent.Kind.ConnOpen).withNode(v.id).withPeer(peer).withInc(inc), ev);
        v.live.put(inc, new Conn(peer));
    }

    private void exit(NodeView v, long inc, SimEvent ev, Set<Long> exitedHere) {
        emit(TraceEvent.of(TraceEvent.Kind.ConnExit).withNode(v.id).withInc(inc), ev);
        exitedHere.add(inc);
        Conn c = v.live.remove(inc);
        if (c != null && v.current.getOrDefault(c.peer, 0L) == inc) {
            v.current.remove(c.peer);
        }
    }

    /** A frame arrived: the protocol facts the receiver learns from it (before the step's outputs). */
    private void received(NodeView v, SimEvent ev) throws TraceFormatException {
        JsonNode j = ev.json();
        String msg = j.path("msg").asText();
        long epoch = j.path("epoch").asLong();
        int from = node(ev, "peer");
        switch (msg) {
            case "PrepareAck" -> {
                // The coordinator records acks of members while it coordinates that epoch.
                Issued cfg = issued.get(epoch);
                if (v.expunged == 0 && v.coordinating == epoch && cfg != null && cfg.members().contains(from)
                        && recordedAcks.computeIfAbsent(epoch, e -> new HashSet<>()).add(from)) {
                    emit(TraceEvent.of(TraceEvent.Kind.Ack).withNode(v.id).withPeer(from).withEpoch(epoch), ev);
                }
            }
            case "Prepare" -> {
                // A valid Prepare of a newer epoch ends the coordination of an older one.
                Issued cfg = issued.get(epoch);
                if (v.coordinating != 0 && v.coordinating < epoch && cfg != null && cfg.members().contains(v.id)
                        && cfg.coord() == from && epoch >= v.latestCommitted()) {
                    v.coordinating = 0;
                }
            }
            case "Share" -> {
                // The loader takes a valid share of its epoch; with K of them it rebuilds the secret.
                if (v.loaderEpoch == epoch && v.loaderShares.add(from)) {
                    Issued cfg = issuedConfig(ev, epoch);
                    if (v.loaderShares.size() >= cfg.k()) {
                        if (v.loaded.add(epoch)) {
                            emit(TraceEvent.of(TraceEvent.Kind.LoadSecret).withNode(v.id).withEpoch(epoch)
                                    .withMembers(v.loaderShares), ev);
                        }
                        v.stopLoader();
                    }
                }
            }
            default -> {
                // other frames change nothing the spec models by themselves
            }
        }
    }

    /** The protocol actions a persist stands for: the difference between the old and new durable state. */
    private void persisted(NodeView v, StepGroup g, SimEvent ev) throws TraceFormatException {
        JsonNode j = ev.json();
        TreeSet<Long> configs = epochs(ev, j.path("configs"));
        TreeSet<Long> shares = epochs(ev, j.path("shares"));
        TreeSet<Long> commits = epochs(ev, j.path("commits"));
        long expunged = j.path("expunged").isNumber() ? j.path("expunged").asLong() : 0;
        TreeSet<Long> newConfigs = minus(configs, v.configs);
        TreeSet<Long> newShares = minus(shares, v.shares);
        TreeSet<Long> newCommits = minus(commits, v.commits);
        Matcher frame = FRAME_INPUT.matcher(g.input);
        String frameKind = frame.matches() ? frame.group(1) : "";
        long latestBefore = v.latestCommitted();

        TreeSet<Long> touched = new TreeSet<>(newConfigs);
        touched.addAll(newShares);
        for (long e : touched) {
            boolean config = newConfigs.contains(e);
            boolean share = newShares.contains(e);
            Issued cfg = issuedConfig(ev, e);
            if (config && share && cfg.coord() == v.id && !frameKind.equals("Prepare")) {
                emit(TraceEvent.of(TraceEvent.Kind.Reconfigure).withNode(v.id).withEpoch(e)
                        .withMembers(cfg.members()).withK(cfg.k()), ev);
                v.coordinating = e;
                v.coordinatingBase = latestBefore;
                v.computing = 0;
            } else if (config && !share) {
                emit(TraceEvent.of(TraceEvent.Kind.PrepareAndCommit).withNode(v.id).withEpoch(e), ev);
                v.computing = e;
                if (v.coordinating != 0 && (v.coordinating <= e || v.coordinatingBase < e)) {
                    v.coordinating = 0;
                }
            } else if (share && newCommits.contains(e) && !frameKind.equals("Prepare")) {
                // the node collected K shares, computed its own, persisted it and committed
                if (v.computing != e) {
                    // The computation restarted without a persist (its configuration was already
                    // stored, e.g. before a crash): its start is only visible now.
                    emit(TraceEvent.of(TraceEvent.Kind.PrepareAndCommit).withNode(v.id).withEpoch(e), ev);
                }
                emit(TraceEvent.of(TraceEvent.Kind.ComputeShare).withNode(v.id).withEpoch(e), ev);
                v.computing = 0;
                newCommits.remove(e);
            } else {
                emit(TraceEvent.of(TraceEvent.Kind.Prepare).withNode(v.id).withPeer(cfg.coord()).withEpoch(e), ev);
            }
        }
        for (long e : newCommits) {
            emit(TraceEvent.of(TraceEvent.Kind.Commit).withNode(v.id).withEpoch(e), ev);
        }
        for (long e : newCommits) {
            if (v.loaderEpoch != 0 && v.loaderEpoch < e) {
                v.stopLoader();
            }
            if (v.coordinating != 0 && (v.coordinating <= e || v.coordinatingBase < e)) {
                v.coordinating = 0;
            }
            if (v.computing != 0 && v.computing <= e) {
                v.computing = 0;
            }
        }
        if (expunged != 0 && v.expunged == 0) {
            emit(TraceEvent.of(TraceEvent.Kind.Expunge).withNode(v.id).withEpoch(expunged), ev);
            v.coordinating = 0;
            v.computing = 0;
            v.loaded.clear();
            v.stopLoader();
        }
        v.configs.clear();
        v.configs.addAll(configs);
        v.shares.clear();
        v.shares.addAll(shares);
        v.commits.clear();
        v.commits.addAll(commits);
        v.expunged = expunged;
        v.generation = Math.max(v.generation, j.path("generation").asLong());
    }

    /**
     * A LoadRackSecret call was answered "collecting": the node collects shares of its latest
     * committed epoch, starting with its own (a collector for that epoch already running goes
     * on). The spec's LoadSecret happens when K shares are in (see {@link #received}); the later
     * "SecretLoaded" answer is not an event (it may even come after a newer commit).
     */
    private static void startLoader(NodeView v) {
        long latest = v.latestCommitted();
        if (latest == 0 || v.loaderEpoch == latest) {
            return;
        }
        v.stopLoader();
        v.loaderEpoch = latest;
        if (v.shares.contains(latest)) {
            v.loaderShares.add(v.id);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Helpers

    private void emit(TraceEvent e, SimEvent source) {
        out.add(new Mapped(e, source));
    }

    private NodeView view(int id) {
        return views.computeIfAbsent(id, NodeView::new);
    }

    private Issued issuedConfig(SimEvent ev, long epoch) throws TraceFormatException {
        Issued cfg = issued.get(epoch);
        if (cfg == null) {
            throw new TraceFormatException(ev.line(), "epoch " + epoch
                    + " was persisted but the control plane never logged its start");
        }
        return cfg;
    }

    /** Spec node of the simulator node named in {@code field} ({@code nNN} -> NN + 1). */
    private static int node(SimEvent ev, String field) throws TraceFormatException {
        JsonNode n = ev.json().get(field);
        if (n == null || !n.isTextual()) {
            throw new TraceFormatException(ev.line(), ev.kind() + " has no node name in '" + field + "'");
        }
        return nodeIndex(ev, n.asText());
    }

    static int nodeIndex(SimEvent ev, String name) throws TraceFormatException {
        Matcher m = NODE_NAME.matcher(name);
        if (!m.matches()) {
            throw new TraceFormatException(ev.line(), "not a simulator node name: '" + name + "'");
        }
        return Integer.parseInt(m.group(1)) + 1;
    }

    private static int nodeIndexFromId(SimEvent ev, String id) throws TraceFormatException {
        Matcher m = NODE_ID.matcher(id);
        if (!m.find()) {
            throw new TraceFormatException(ev.line(), "not a simulator node id: '" + id + "'");
        }
        return Integer.parseInt(m.group(1)) + 1;
    }

    private static SortedSet<Integer> nodeSet(SimEvent ev, JsonNode names) throws TraceFormatException {
        SortedSet<Integer> out = new TreeSet<>();
        for (JsonNode n : names) {
            out.add(nodeIndex(ev, n.asText()));
        }
        return out;
    }

    private static TreeSet<Long> epochs(SimEvent ev, JsonNode list) throws TraceFormatException {
        if (!list.isArray()) {
            throw new TraceFormatException(ev.line(), "persist needs epoch lists");
        }
        TreeSet<Long> out = new TreeSet<>();
        for (JsonNode e : list) {
            out.add(e.asLong());
        }
        return out;
    }

    private static TreeSet<Long> minus(Set<Long> a, Set<Long> b) {
        TreeSet<Long> out = new TreeSet<>(a);
        out.removeAll(b);
        return out;
    }
}
