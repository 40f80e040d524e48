package org.trustquorum.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.trustquorum.core.Mutation;
import org.trustquorum.core.api.NodeError;
import org.trustquorum.core.auth.ControlPlaneKey;
import org.trustquorum.core.controlplane.ControlPlane;
import org.trustquorum.core.controlplane.CpBridge;
import org.trustquorum.core.controlplane.CpReply;
import org.trustquorum.core.crypto.RackSecret;
import org.trustquorum.core.engine.ApiRequest;
import org.trustquorum.core.engine.ApiResponse;
import org.trustquorum.core.engine.EngineHost;
import org.trustquorum.core.engine.EngineLimits;
import org.trustquorum.core.engine.ExitCause;
import org.trustquorum.core.engine.Input;
import org.trustquorum.core.engine.NodeEngine;
import org.trustquorum.core.engine.Output;
import org.trustquorum.core.engine.PeerAddress;
import org.trustquorum.core.engine.Step;
import org.trustquorum.core.model.Configuration;
import org.trustquorum.core.model.CpSignature;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.EpochShare;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.PersistentState;
import org.trustquorum.core.model.RackId;
import org.trustquorum.core.model.Result;
import org.trustquorum.core.msg.PeerMsg;
import org.trustquorum.core.msg.ProxyOp;
import org.trustquorum.core.msg.WireMsg;
import org.trustquorum.sim.check.AckedPrepareIsDurable;
import org.trustquorum.sim.check.ControlPlaneReachability;
import org.trustquorum.sim.check.EngineException;
import org.trustquorum.sim.check.EngineInvariants;
import org.trustquorum.sim.check.EventBound;
import org.trustquorum.sim.check.ExactlyOneReply;
import org.trustquorum.sim.check.ExitIsProcessed;
import org.trustquorum.sim.check.Keepalive;
import org.trustquorum.sim.check.Liveness;
import org.trustquorum.sim.check.LossFollowedByExit;
import org.trustquorum.sim.check.NetworkModel;
import org.trustquorum.sim.check.AuthorizedState;
import org.trustquorum.sim.check.NoAlarms;
import org.trustquorum.sim.check.NetworkConfigIsDurable;
import org.trustquorum.sim.check.NoEstablishAfterClose;
import org.trustquorum.sim.check.NoSendAfterClose;
import org.trustquorum.sim.check.NoStaleAck;
import org.trustquorum.sim.check.OneConfigPerEpoch;
import org.trustquorum.sim.check.OneConnectionPerPeer;
import org.trustquorum.sim.check.ProxyCallCompletes;
import org.trustquorum.sim.check.ProxyCallSentOrRefused;
import org.trustquorum.sim.check.ProxyRequestHasCall;
import org.trustquorum.sim.check.QueueAccounting;
import org.trustquorum.sim.check.StaleExitIgnored;
import org.trustquorum.sim.check.TrackerClearedOnExit;
import org.trustquorum.sim.check.Violation;
import org.trustquorum.sim.log.EventLog;
import org.trustquorum.sim.log.EventSink;
import org.trustquorum.sim.log.SpecTrace;
import org.trustquorum.sim.scenario.Entry;
import org.trustquorum.sim.scenario.FaultMix;
import org.trustquorum.sim.scenario.Schedule;

/**
 * One deterministic run: N node engines, a simulated network, the control plane, the schedule's
 * scenario steps and faults, and the invariants, all driven by a discrete-event loop in virtual
 * milliseconds. Single-threaded; a function of its {@link RunSpec} alone.
 *
 * <p>Each engine is driven exactly as the runtime drives it: step; if the step persists, make it
 * durable first; then release the outputs in order; then arm one timer for the engine's next
 * deadline. (The {@link Mutation#REPLY_BEFORE_PERSIST} mutant swaps the middle two.)
 */
public final class Simulation {
    /** Every node listens on this port of its own bootstrap address 10.0.0.(index+1). */
    public static final int PORT = 12_345;
    /** After the heal the rack must converge within this much virtual time. */
    public static final long LIVENESS_BOUND_MS = 300_000;
    public static final long LIVENESS_POLL_MS = 250;
    /** Livelock guard. */
    public static final long MAX_EVENTS = 40_000_000;
    /** An operator asks again this often while a node collects shares for the rack secret. */
    public static final long LOAD_RETRY_MS = 200;
    public static final int LOAD_MAX_ATTEMPTS = 40;
    public static final long KEEPALIVE_SWEEP_MS = 1_000;
    /** Timers fire on time in the simulator; this only absorbs same-millisecond ordering. */
    public static final long KEEPALIVE_SLACK_MS = 5;
    public static final long PROXY_DEADLINE_SLACK_MS = 5;
    /** An armed mid-step crash that finds no persisting step within this long hits between events. */
    public static final long ARMED_CRASH_FALLBACK_MS = 5_000;
    /** A reconfiguration entry that finds the control plane busy (or down) tries again this much later. */
    public static final long RECONFIGURE_RETRY_MS = 1_000;
    /** The end that closes a connection learns of its own exit within this long. */
    public static final long CLOSE_EXIT_DELAY_MAX_MS = 2;
    /** Usual delay between handshake completion and an end learning it. */
    public static final long ESTABLISH_DELAY_MAX_MS = 2;
    /** Margin on top of the §4.1 exit bound (inactivity timeout + worst exit, frame and establish delays). */
    public static final long LOSS_EXIT_MARGIN_MS = 100;
    /** Operator calls reach the local node after this long. */
    public static final long LOCAL_CALL_DELAY_MS = 1;
    /** A drawn reconfiguration adds at most this many nodes ... */
    public static final int MAX_ADDED_PER_RECONFIGURATION = 2;
    /** ... and removes at most this many members. */
    public static final int MAX_REMOVED_PER_RECONFIGURATION = 2;
    private static final int PERCENT = 100;

    private static final Input.TimerFired TIMER = new Input.TimerFired();
    private static final Input.Accept ACCEPT = new Input.Accept();
    /** What a step the host did not give to the engine (a repeated exit) returns. */
    private static final Step NOTHING = Step.of(List.of());
    /** A self-check of the network model (a simulator bug, not an engine bug). */
    public static final String NETWORK_MODEL = NetworkModel.NAME;

    // digest record tags
    private static final int T_STEP = 1;
    private static final int T_DIAL = 2;
    private static final int T_LOST = 3;
    private static final int T_CRASH = 4;
    private static final int T_RESTART = 5;
    static final int T_CP_CALL = 6;
    static final int T_CP_ANSWER = 7;
    static final int T_CP_CRASH = 8;
    static final int T_CP_RESTART = 9;
    private static final int T_ENTRY = 10;
    private static final int T_HEAL = 11;
    private static final int T_TERMINATE = 12;
    private static final int T_CP_RECONFIGURE = 13;
    private static final int T_END = 14;

    private enum Phase { SAFETY, LIVENESS }

    private final RunSpec spec;
    private final long seed;
    private final Schedule schedule;
    private final FaultMix mix;
    private final Mutation mutant;
    private final EngineLimits limits;
    private final EventSink sink;
    private final EventLog log = new EventLog();
    private final EventQueue queue = new EventQueue();
    private final SplittableRandom net;
    private final SimNode[] nodes;
    private final Map<PeerAddress, SimNode> byAddress = new HashMap<>();
    private final Map<NodeId, SimNode> byId = new HashMap<>();
    private final EventText text;
    private final Input.PeersChanged peers;
    private final boolean[] bootstrap;
    /** Members of any configuration the control plane decided to commit (removed ones are expunged). */
    private final LinkFaults links;
    private final NetDelays delays;
    private final long lossExitBoundMs;
    private final OneConfigPerEpoch oneConfigPerEpoch = new OneConfigPerEpoch();
    private final EnumMap<Race, Long> races = new EnumMap<>(Race.class);
    private final EnumMap<Stat, Long> stats = new EnumMap<>(Stat.class);
    /** Checks every loaded rack secret against the oracle (now, or at the end of the run). */
    private final SecretChecks secrets;

    private long now;
    private long events;
    private boolean finished;
    private Phase phase = Phase.SAFETY;
    private long livenessStartMs;
    private long nextConnId = 1;
    private long nextReplyId = 1;
    private long netConfigGeneration;

    // control plane
    private final RackId rackId;
    /** The control plane's signing key; every node trusts its public half. */
    private final ControlPlaneKey cpKey;
    /** Every configuration the control plane decided to commit, by epoch (what may expunge a node). */
    /** The hostile certificate holders of the run, or null. */
    private final Adversary adversary;
    private long forgedFrames;
    private long refusedFrames;
    /** The control plane, its crashes and restarts, and the calls it makes. */
    private final CpHost cpHost;

    private EngineCallRecorder recorder;
    /** The run stops with {@code event-bound} after this many events ({@link #withEventLimit}). */
    private long eventLimit = MAX_EVENTS;
    private SpecTrace specTrace;
    /** Derives spec actions from what a step changed; set with {@link #specTrace}. */
    private SpecActions specActions;
    /** A tool watching the run (timeline, step debugger), or null. */
    private RunWatcher watcher;
    /** Spec trace only: what the node looked like before the step being handled. */
    private SpecActions.Before specBefore;
    /** The input of the step whose outputs are being released. */
    private Input currentInput;
    /** The connection whose acceptor is being stepped with {@link Input.Accept}, or null. */
    private SimConn acceptingConn;

    // per step
    private boolean structural;
    private final List<SimConn.End> closedThisStep = new ArrayList<>();

    public Simulation(RunSpec spec) {
        this(spec, null);
    }

    /** With a sink that receives a readable rendering of every event (for --events and --trace-dir). */
    public Simulation(RunSpec spec, EventSink sink) {
        this.spec = spec;
        this.seed = spec.seed();
        this.schedule = spec.schedule();
        this.mix = schedule.mix();
        this.mutant = spec.mutant();
        this.limits = mix.engineLimits();
        this.sink = sink;
        this.net = Streams.stream(seed, Streams.NETWORK);
        this.delays = new NetDelays(net, mix);
        int n = schedule.nodes();
        this.nodes = new SimNode[n];
        this.bootstrap = new boolean[n];
        this.links = new LinkFaults(n);
        List<PeerAddress> addresses = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            NodeId id = nodeId(i);
            PeerAddress address = address(i);
            nodes[i] = new SimNode(i, n, id, address);
            byAddress.put(address, nodes[i]);
            byId.put(id, nodes[i]);
            addresses.add(address);
        }
        this.text = new EventText(nodes, byId);
        this.peers = new Input.PeersChanged(new TreeSet<>(addresses));
        for (int i : schedule.initialMembers()) {
            bootstrap[i] = true;
        }
        this.rackId = RackId.random(Streams.stream(seed, Streams.RACK));
        this.cpKey = controlPlaneKey(seed);
        this.secrets = new SecretChecks(nodes, stats);
        this.cpHost = new CpHost(new CpHost.Wiring(log, queue, sink, mix, net, byId, bootstrap, cpKey, seed, stats),
                new CpHostContext());
        this.adversary = Adversary.of(spec, rackId);
        this.lossExitBoundMs = limits.inactivityTimeoutMs() + Math.max(mix.exitDelayMaxMs(), mix.slowExitMaxMs())
                + mix.netDelayMaxMs() + mix.establishSlowMaxMs() + LOSS_EXIT_MARGIN_MS;
    }

    /** The control plane's key of the run with this seed (drawn from its own stream). */
    public static ControlPlaneKey controlPlaneKey(long seed) {
        return ControlPlaneKey.generate(Streams.stream(seed, Streams.CP_KEY));
    }

    /** The id of simulated node {@code index}. */
    public static NodeId nodeId(int index) {
        return new NodeId("tq-sim", String.format("node-%02d", index));
    }

    /** The bootstrap address of simulated node {@code index}. */
    public static PeerAddress address(int index) {
        return new PeerAddress("10.0.0." + (index + 1), PORT);
    }

    public RunSpec spec() {
        return spec;
    }

    /**
     * Writes the run as spec actions (tla-traces/README.md, "Trace format") to {@code trace};
     * call before {@link #run()}. The caller closes it.
     */
    public Simulation withSpecTrace(SpecTrace trace) {
        this.specTrace = trace;
        this.specActions = new SpecActions(trace, byId, () -> now);
        return this;
    }

    /**
     * Lets a tool watch the run (frames' fates, the nodes' state); call before {@link #run()}. The
     * watcher only reads: the run and its digest are the same with or without it.
     */
    public Simulation watch(RunWatcher w) {
        this.watcher = w;
        w.attach(new SimProbe(nodes, text, cpHost));
        return this;
    }

    /**
     * Ends the run with {@code event-bound} after {@code limit} events instead of {@link #MAX_EVENTS}
     * (the shrinker stops a candidate once it is longer than the best run found); call before
     * {@link #run()}. The run up to the limit is the same.
     */
    public Simulation withEventLimit(long limit) {
        this.eventLimit = Math.min(limit, MAX_EVENTS);
        return this;
    }

    /** Records every engine call of the run (benchmarks only); call before {@link #run()}. */
    public Simulation recordEngineCalls(EngineCallRecorder r) {
        this.recorder = r;
        return this;
    }

    /** Runs to the end (convergence after the heal, or the first violation). */
    public RunResult run() {
        String check = null;
        String message = null;
        try {
            start();
            while (!finished) {
                Ev ev = queue.poll();
                if (ev == null) {
                    throw Liveness.notConverged(now - livenessStartMs, "nothing left to happen");
                }
                now = ev.at;
                if (++events > eventLimit) {
                    throw EventBound.exceeded(eventLimit, now);
                }
                dispatch(ev);
            }
            secrets.checkDeferred();
        } catch (Violation v) {
            check = v.check();
            message = v.getMessage();
        } catch (RuntimeException e) {
            check = "simulator-error";
            StackTraceElement[] st = e.getStackTrace();
            message = e + (st.length > 0 ? " at " + st[0] : "");
        }
        log.record(T_END, now, check == null ? 0 : check.hashCode(), events, 0, 0);
        if (specTrace != null && check == null) {
            spec("Converged", 0, 0, 0, 0, 0, 0, null, null);
        }
        if (sink != null) {
            if (check == null) {
                sink.event(now, "converged", "events", events);
            } else {
                sink.event(now, "violation", "check", check, "message", message);
            }
        }
        Configuration latest = cpHost.finalCommitted();
        FinalStats.record(stats, latest, nodes, byId, netConfigGeneration);
        return new RunResult(seed, check, message, now, events, log.digestHex(), races, stats, now);
    }

    private void count(Stat s) {
        stats.merge(s, 1L, Long::sum);
    }

    // =============================================================================================
    // Start, dispatch

    private void start() {
        if (sink != null) {
            sink.event(0, "start", "seed", seed, "nodes", schedule.nodes(), "mutant", mutant.cliName(),
                    "rack", rackId.toString(), "initial", text.names(schedule.initialMembers()), "threshold",
                    schedule.initialThreshold(), "safetyMs", mix.safetyMs());
        }
        for (SimNode n : nodes) {
            boot(n);
        }
        List<NodeId> bootIds = new ArrayList<>();
        for (int i : schedule.initialMembers()) {
            bootIds.add(nodes[i].id);
        }
        cpHost.boot(new ControlPlane(rackId, bootIds, cpKey, Streams.stream(seed, Streams.CONTROL_PLANE, 0, 0)));
        Result<Epoch, String> first = cpHost.cp().reconfigure(bootIds, schedule.initialThreshold(), now);
        log.record(T_CP_RECONFIGURE, now, first.isOk() ? first.orElseThrow().value() : -1, bootIds.size(),
                schedule.initialThreshold(), 0);
        cpHost.after();
        for (Entry e : schedule.entries()) {
            queue.add(new Ev.ScheduleEntry(e.atMs(), e));
        }
        queue.add(new Ev.Heal(mix.safetyMs()));
        if (adversary != null) {
            queue.add(new Ev.Forge(adversary.nextAt(now)));
        }
        queue.add(new Ev.KeepaliveSweep(KEEPALIVE_SWEEP_MS));
    }

    private void dispatch(Ev ev) {
        switch (ev) {
            case Ev.Timer t -> onTimer(t);
            case Ev.Accept a -> onAccept(a.conn);
            case Ev.Handshake h -> onHandshake(h.conn);
            case Ev.Establish e -> onEstablish(e.end);
            case Ev.Exit x -> onExit(x.end, x.cause);
            case Ev.Flush f -> onFlush(f);
            case Ev.Arrive a -> onArrive(a);
            case Ev.Release r -> onRelease(r);
            case Ev.ApiCall c -> onApiCall(c);
            case Ev.CpAnswer a -> cpHost.onAnswer(a);
            case Ev.CpTimer t -> cpHost.onTimer(t);
            case Ev.ScheduleEntry s -> onEntry(s.entry);
            case Ev.Restart r -> {
                if (!r.node.up && r.node.life == r.life) {
                    restart(r.node);
                }
            }
            case Ev.CpRestart r -> {
                if (!cpHost.cpUp() && r.cpLife == cpHost.cpLife()) {
                    cpHost.restart();
                }
            }
            case Ev.CrashFallback c -> {
                if (c.node.up && c.node.life == c.life && c.node.armedCrash != null) {
                    crash(c.node, c.node.armedDownMs, "fallback");
                }
            }
            case Ev.LoadRetry l -> onLoadRetry(l);
            case Ev.ProxyDeadline p -> ProxyCallCompletes.atDeadline(p.node.name, p.node.up && p.node.life == p.life,
                    p.node.pending, p.replyId, now - p.issuedAt);
            case Ev.LossDeadline l -> LossFollowedByExit.atDeadline(l.end.node.name, l.end.inc, l.end.alive(),
                    l.end.exitDelivered, l.end.lostAt, lossExitBoundMs);
            case Ev.KeepaliveSweep k -> onKeepaliveSweep();
            case Ev.Forge f -> onForge();
            case Ev.Heal h -> onHeal();
            case Ev.LivenessPoll p -> onLivenessPoll();
        }
    }

    // =============================================================================================
    // Driving one engine

    private void boot(SimNode n) {
        if (recorder != null) {
            recorder.boot(n.index, n.life, now, n.ledger.durable());
        }
        n.engine = new NodeEngine(n.id, n.address, n.ledger.durable(), limits,
                Streams.stream(seed, Streams.NODE, n.index, n.life), cpKey.authority(), mutant);
        n.io = new NodeIo(n);
        n.host = new EngineHost(n.engine, n.io, mutant);
        n.up = true;
        if (specTrace != null && n.life > 0) {
            spec("Restart", n.index + 1, 0, 0, 0, 0, 0, null, null);
        }
        log.record(T_RESTART, now, n.index, n.life, n.ledger.generation(), 0);
        if (sink != null) {
            sink.event(now, n.life == 0 ? "boot" : "restart", "node", n.name, "life", n.life, "generation",
                    n.ledger.generation());
        }
        Step s = step(n, peers);
        if (s != null) {
            finishStep(n, s);
        }
    }

    /**
     * Steps a node through its {@link EngineHost}, which persists, releases and re-arms through the
     * node's {@link NodeIo}, as the runtime's host does. Returns the step, or null if the node
     * crashed during it (an armed mid-step crash).
     */
    private Step step(SimNode n, Input in) {
        if (recorder != null) {
            recorder.step(n.index, now, in);
        }
        if (specTrace != null && !(in instanceof Input.Accept)) {
            specBefore = specActions.before(n, in);
        }
        NodeIo io = n.io;
        int life = n.life;
        io.step = null;
        try {
            n.host.step(in, now);
        } catch (EngineHost.ContractBroken b) {
            throw HostContract.violation(n.name, b);
        } catch (RuntimeException e) {
            if (io.step == null) {
                throw EngineException.of(n.name, in instanceof Input.Accept ? "accept" : String.valueOf(in), e);
            }
            throw e;
        }
        if (n.life != life) {
            return null;
        }
        return io.step == null ? NOTHING : io.step;
    }

    /**
     * The simulator's side of one node's host in one life: the ledger (with its armed crashes),
     * the simulated network, the checks on every persist and output, and the node's timer.
     */
    final class NodeIo implements EngineHost.Io {
        private final SimNode n;
        private final int life;
        /** The step being handled, once the engine made it. */
        private Step step;
        private Input in;
        /** REPLY_BEFORE_PERSIST only: outputs still to release before the step's spec events, which show this. */
        private int unreleased;
        private SpecActions.Before specAfterRelease;
        private PersistentState specPersisted;

        NodeIo(SimNode n) {
            this.n = n;
            this.life = n.life;
        }

        @Override
        public void stepped(Input input, Step s) {
            step = s;
            in = input;
            List<Output> outputs = s.afterPersist();
            PersistentState persist = s.persist();
            int released = outputs.size();
            if (input instanceof Input.Accept) {
                accepted(n, ((Output.Accepted) outputs.get(0)).incarnation());
                released--; // the log counts what the accept led to, not the incarnation itself
            }
            log.record(T_STEP, now, ((long) n.index << 32) | n.life, text.inputCode(input),
                    EventText.inputDetail(input),
                    ((long) released << 1) | (persist != null ? 1 : 0));
            if (sink != null) {
                sink.event(now, "step", "node", n.name, "input", text.describe(input), "outputs", released, "persist",
                        persist != null);
            }
            // Steps that can change the connection table, the tracker or the protocol's peer set get the
            // full structural checks; the common ping/frame/flush/timer steps only the cheap ones.
            structural = input instanceof Input.Accept || input instanceof Input.ConnEstablished
                    || input instanceof Input.ConnExited || input instanceof Input.PeersChanged
                    || input instanceof Input.Shutdown
                    || input instanceof Input.ApiCall call && call.request() instanceof ApiRequest.Proxy;
            closedThisStep.clear();
            currentInput = input;
            SpecActions.Before before = specBefore;
            specBefore = null;
            Entry.CrashPoint armed = persist != null ? n.armedCrash : null;
            boolean crashing = armed == Entry.CrashPoint.AFTER_PERSIST || armed == Entry.CrashPoint.TORN_PERSIST;
            if (crashing) {
                races.merge(armed == Entry.CrashPoint.TORN_PERSIST ? Race.TORN_WRITE : Race.CRASH_AFTER_PERSIST, 1L,
                        Long::sum);
            }
            // The spec sees the write only if it happens (no torn write, no mutant dying before it).
            PersistentState shown = crashing && (mutant == Mutation.REPLY_BEFORE_PERSIST
                    || armed == Entry.CrashPoint.TORN_PERSIST) ? null : persist;
            if (mutant == Mutation.REPLY_BEFORE_PERSIST && !outputs.isEmpty()) {
                // The mutant releases first; the spec events follow the last output.
                unreleased = outputs.size();
                specAfterRelease = before;
                specPersisted = shown;
            } else {
                // The spec events go first, so a trace ends with the step that broke a check.
                if (before != null) { // null without a spec trace
                    specActions.protocolEvents(n, input, before, shown);
                }
            }
        }

        @Override
        public EngineHost.Durability persist(PersistentState state) {
            Entry.CrashPoint armed = n.armedCrash;
            if (armed == Entry.CrashPoint.AFTER_PERSIST || armed == Entry.CrashPoint.TORN_PERSIST) {
                if (mutant == Mutation.REPLY_BEFORE_PERSIST) {
                    flushEverything(n); // the outputs left the node; it dies before the write
                } else if (armed == Entry.CrashPoint.TORN_PERSIST) {
                    n.ledger.tornWrite();
                } else {
                    Simulation.this.persist(n, state);
                }
                crash(n, n.armedDownMs, armed.name());
                return EngineHost.Durability.PENDING; // never completes: this life's host is gone
            }
            Simulation.this.persist(n, state);
            return EngineHost.Durability.DURABLE;
        }

        @Override
        public void release(Output o) {
            switch (o) {
                case Output.Dial d -> {
                    structural = true;
                    onDial(n, d);
                }
                case Output.Accepted a -> { } // the end was made when the step was seen
                case Output.SendFrame f -> onSend(n, in, f);
                case Output.CloseConn c -> {
                    structural = true;
                    onClose(n, c);
                }
                case Output.Reply r -> onReply(n, r);
                case Output.RaiseAlarm a -> throw NoAlarms.raised(n.name, a.alarm());
                case Output.PeerRefused r -> onRefused(n, r);
                case Output.TraceEvent t -> {
                    if (sink != null) {
                        sink.event(now, "trace", "node", n.name, "what", t.kind(), "detail", t.detail());
                    }
                }
            }
            if (unreleased > 0 && --unreleased == 0) {
                if (specAfterRelease != null) { // null without a spec trace
                    specActions.protocolEvents(n, in, specAfterRelease, specPersisted);
                }
                specAfterRelease = null;
            }
        }

        @Override
        public void deadline(long atMs) {
            if (!n.up || n.life != life) {
                return;
            }
            n.timerToken++;
            if (atMs != Long.MAX_VALUE) {
                queue.add(new Ev.Timer(Math.max(atMs, now), n, n.life, n.timerToken));
            }
        }
    }

    /** Checks that run after every step of a live node (its host re-armed the timer already). */
    private void finishStep(SimNode n, Step s) {
        if (!n.up) {
            return;
        }
        StepInvariants.afterStep(n, structural, closedThisStep, nodes);
    }

    private void persist(SimNode n, PersistentState next) {
        PersistentState before = n.ledger.durable();
        StepInvariants.beforePersist(n, before, next, cpKey.authority(), cpHost.decided(), oneConfigPerEpoch);
        n.ledger.write(next);
        if (sink != null) {
            sink.event(now, "persist", "node", n.name, "generation", n.ledger.generation(), "configs",
                    EventText.epochs(next.configs().stream().map(Configuration::epoch).toList()), "shares",
                    EventText.epochs(next.shares().stream().map(EpochShare::epoch).toList()), "commits",
                    EventText.epochs(next.commits()),
                    "expunged", next.expunged() == null ? null : next.expunged().epoch().value());
        }
    }

    /**
     * An engine refused a frame as unauthorised: at an honest node, only a hostile node may have
     * sent it (a hostile node's own engine may refuse honest answers to the requests it forged).
     */
    private void onRefused(SimNode n, Output.PeerRefused r) {
        SimNode from = byId.get(r.peer());
        boolean provoked = adversary != null && adversary.isHostile(n.index);
        if (!provoked && (adversary == null || from == null || !adversary.isHostile(from.index))) {
            throw AuthorizedState.honestFrameRefused(n.name, r.peer(), r.kind(), r.reason());
        }
        refusedFrames++;
        if (sink != null) {
            sink.event(now, "refused", "node", n.name, "peer", from.name, "what", r.kind(), "reason", r.reason());
        }
    }

    /** A hostile node sends one forged frame on an established connection, under its own identity. */
    private void onForge() {
        if (phase != Phase.SAFETY) {
            return;
        }
        queue.add(new Ev.Forge(adversary.nextAt(now)));
        Optional<Adversary.RogueCall> rogue = adversary.rogueReconfigure(nodes,
                cpHost.cp() == null ? null : cpHost.cp().latestCommitted());
        if (rogue.isPresent()) {
            issueCall(rogue.get().to(), new ApiRequest.Reconfigure(rogue.get().request()), new CallOrigin.RogueReconfigure(),
                    LOCAL_CALL_DELAY_MS);
            return;
        }
        Optional<Adversary.Forgery> f = adversary.forge(nodes);
        if (f.isEmpty()) {
            return;
        }
        SimNode to = f.get().to();
        SimConn.End end = to.openByPeer[f.get().from().index];
        forgedFrames++;
        if (sink != null) {
            sink.event(now, "forged", "node", to.name, "from", f.get().from().name, "msg", WireMsg.kind(f.get().frame()));
        }
        Step st = step(to, new Input.FrameReceived(end.inc, f.get().frame()));
        if (st != null) {
            finishStep(to, st);
        }
    }

    private void onTimer(Ev.Timer t) {
        SimNode n = t.node;
        if (!n.up || n.life != t.life || t.token != n.timerToken) {
            return;
        }
        Step s = step(n, TIMER);
        if (s != null) {
            finishStep(n, s);
        }
    }

    // =============================================================================================
    // Network

    private boolean blocked(SimNode from, SimNode to) {
        return links.blocked(from.index, to.index, now);
    }

    private boolean blockedEither(SimNode a, SimNode b) {
        return blocked(a, b) || blocked(b, a);
    }

    private void onDial(SimNode n, Output.Dial d) {
        SimNode target = byAddress.get(d.address());
        SimConn c = new SimConn(nextConnId++, n, target);
        SimConn.End e = new SimConn.End(c, SimConn.DIALER, n, n.life, d.incarnation(), now);
        c.ends[SimConn.DIALER] = e;
        if (n.ends.put(d.incarnation(), e) != null) {
            throw new Violation(EngineInvariants.NAME, n.name + " dialed on incarnation " + d.incarnation()
                    + ", which it had already allocated");
        }
        log.record(T_DIAL, now, n.index, d.incarnation(), target == null ? -1 : target.index, c.id);
        if (specTrace != null && target != null) {
            spec("ConnOpen", n.index + 1, target.index + 1, 0, d.incarnation(), 0, 0, null, null);
        }
        if (sink != null) {
            sink.event(now, "dial", "node", n.name, "inc", d.incarnation(), "peer", target == null ? null : target.name);
        }
        if (target == null || !target.up || blockedEither(n, target)) {
            c.terminated = true;
            scheduleExit(e, now + 1 + net.nextInt(mix.dialFailDelayMaxMs()), ExitCause.DIAL_FAILED);
            return;
        }
        queue.add(new Ev.Accept(now + delays.netDelay(), c));
    }

    private void onAccept(SimConn c) {
        if (c.terminated) {
            return;
        }
        SimConn.End d = c.ends[SimConn.DIALER];
        SimNode t = c.nodes[SimConn.ACCEPTOR];
        if (!d.alive()) {
            c.terminated = true;
            return;
        }
        if (!t.up || blockedEither(d.node, t)) {
            c.terminated = true;
            scheduleExit(d, now + 1 + net.nextInt(mix.dialFailDelayMaxMs()), ExitCause.DIAL_FAILED);
            return;
        }
        if (t.openByPeer[d.node.index] != null) {
            races.merge(Race.ACCEPT_BEFORE_OLD_EXIT, 1L, Long::sum);
        }
        acceptingConn = c;
        Step s = step(t, ACCEPT);
        acceptingConn = null;
        if (s != null) {
            finishStep(t, s);
        }
        if (!c.terminated) {
            queue.add(new Ev.Handshake(now + delays.handshakeDelay(), c));
        }
    }

    /** The acceptor's engine gave the connection of {@link #acceptingConn} its incarnation. */
    private void accepted(SimNode t, long inc) {
        SimConn c = acceptingConn;
        SimConn.End d = c.ends[SimConn.DIALER];
        SimConn.End a = new SimConn.End(c, SimConn.ACCEPTOR, t, t.life, inc, now);
        c.ends[SimConn.ACCEPTOR] = a;
        if (t.ends.put(inc, a) != null) {
            throw new Violation(EngineInvariants.NAME, t.name + " accepted on incarnation " + inc
                    + ", which it had already allocated");
        }
        if (sink != null) {
            sink.event(now, "accept", "node", t.name, "inc", inc, "peer", d.node.name);
        }
        if (specTrace != null) {
            spec("ConnOpen", t.index + 1, d.node.index + 1, 0, inc, 0, 0, null, null);
        }
    }

    private void onHandshake(SimConn c) {
        if (c.terminated) {
            return;
        }
        c.handshakeDone = true;
        for (SimConn.End e : c.ends) {
            long at = Math.max(now + delays.establishDelay(), e.lastEventAt);
            e.lastEventAt = at;
            queue.add(new Ev.Establish(at, e));
        }
    }

    private void onEstablish(SimConn.End e) {
        if (!e.alive()) {
            return;
        }
        SimNode n = e.node;
        SimNode p = e.peerNode();
        boolean closed = e.closedByEngine || e.exitDelivered;
        SimConn.End old = n.openByPeer[p.index];
        if (sink != null) {
            sink.event(now, "established", "node", n.name, "inc", e.inc, "peer", p.name, "late", closed);
        }
        if (closed) {
            races.merge(Race.ESTABLISHED_AFTER_CLOSE, 1L, Long::sum);
        } else {
            if (old != null) {
                races.merge(Race.DUPLICATE_ESTABLISHED, 1L, Long::sum);
            }
            e.open = true;
            e.establishDelivered = true;
            e.lastPingAt = now;
            n.openByPeer[p.index] = e;
        }
        if (specTrace != null && !closed) {
            // An incarnation the engine has not closed becomes established (a late one is dropped,
            // which changes nothing and is no event).
            spec("ConnEstablish", n.index + 1, p.index + 1, 0, e.inc, 0, 0, null, null);
        }
        Step s = step(n, new Input.ConnEstablished(e.inc, p.id));
        if (s == null) {
            return;
        }
        if (closed) {
            NoEstablishAfterClose.check(n.name, e.inc, n.engine.connections().table(), p.id,
                    n.openByPeer[p.index] != null, n.engine.status().connectedPeers());
        } else if (old != null && old.open) {
            throw OneConnectionPerPeer.twoOpen(n.name, p.name, old.inc, e.inc);
        }
        finishStep(n, s);
    }

    private void onExit(SimConn.End e, ExitCause cause) {
        if (!e.alive()) {
            return;
        }
        SimNode n = e.node;
        SimNode p = e.peerNode();
        n.ends.remove(e.inc);
        boolean wasOpen = e.open;
        e.open = false;
        e.exitDelivered = true;
        if (n.openByPeer[p.index] == e) {
            n.openByPeer[p.index] = null;
        }
        if (e.replaced && n.openByPeer[p.index] != null) {
            races.merge(Race.STALE_EXIT_AFTER_REPLACEMENT, 1L, Long::sum);
        }
        if (cause == ExitCause.HANDLER_EXCEPTION) {
            races.merge(Race.HANDLER_EXCEPTION_EXIT, 1L, Long::sum);
        }
        var tracker = n.engine.connections().tracker();
        if (!e.closedByEngine && tracker.size() > 0 && tracker.incarnations().contains(e.inc)) {
            races.merge(Race.TRACKER_FAILED_ON_EXIT, 1L, Long::sum);
        }
        if (sink != null) {
            sink.event(now, "exited", "node", n.name, "inc", e.inc, "peer", p.name, "cause", cause.name(), "current",
                    wasOpen);
        }
        if (specTrace != null) {
            spec("ConnExit", n.index + 1, 0, 0, e.inc, 0, 0, null, null);
        }
        Step s = step(n, new Input.ConnExited(e.inc, cause));
        if (s == null) {
            return;
        }
        ExitIsProcessed.check(n.name, e.inc, cause, wasOpen ? p.id : null, n.engine.connections().table());
        if (!wasOpen && e.establishDelivered) {
            StaleExitIgnored.check(n.name, e.inc, p.id, n.openByPeer[p.index] != null,
                    n.engine.status().connectedPeers());
        }
        TrackerClearedOnExit.check(n.name, e.inc, n.engine.connections().tracker());
        finishStep(n, s);
    }

    private void onSend(SimNode n, Input in, Output.SendFrame f) {
        SimConn.End e = n.ends.get(f.incarnation());
        WireMsg msg = f.msg();
        NoSendAfterClose.check(n.name, f.incarnation(), msg, e != null, e != null && e.closedByEngine,
                e != null && e.open);
        SimConn c = e.conn;
        switch (msg) {
            case WireMsg.Ping ping -> e.lastPingAt = now;
            case WireMsg.Protocol p -> {
                if (p.msg() instanceof PeerMsg.PrepareAck ack) {
                    AckedPrepareIsDurable.check(n.name, ack.epoch(), n.ledger.durable());
                    NoStaleAck.check(n.name, ack.epoch(), n.ledger.durable());
                }
            }
            case WireMsg.ProxyRequest pr -> {
                ProxyRequestHasCall.check(n.name, in, e.peerNode().id, pr);
                if (specTrace != null && in instanceof Input.ApiCall call) {
                    spec("ProxySend", n.index + 1, e.peerNode().index + 1, 0, e.inc, call.replyId(), 0, null, null);
                }
                if (c.dirDead[e.side]) {
                    races.merge(Race.PROXY_SEND_INTO_BROKEN_CONNECTION, 1L, Long::sum);
                }
            }
            case WireMsg.NetworkConfig nc -> NetworkConfigIsDurable.onSend(n.name, nc.generation(), n.ledger.durable());
            case WireMsg.ProxyResponse pr -> { }
        }
        if (sink != null) {
            sink.event(now, "send", text.msgFields(n, e, msg));
        }
        long ordinal = c.sent[e.side]++;
        if (watcher != null) {
            watcher.frameSent(c.id, e.side, ordinal);
        }
        e.unflushed++;
        if (c.dirDead[e.side]) {
            lose(e, msg, ordinal, 1, RunWatcher.Loss.BROKEN_CONNECTION);
            return;
        }
        c.queue[e.side].add(msg);
        scheduleFlush(c, e.side);
    }

    private void scheduleFlush(SimConn c, int dir) {
        if (c.flushScheduled[dir]) {
            return;
        }
        c.flushScheduled[dir] = true;
        long at = Math.max(now, heldUntil(c, dir));
        queue.add(new Ev.Flush(at, c, dir, ++c.flushToken[dir]));
    }

    /** Until when frames of direction {@code dir} stay in the sender's queue (stall or freeze). */
    private long heldUntil(SimConn c, int dir) {
        int from = c.nodes[dir].index;
        return links.heldUntil(from, c.nodes[1 - dir].index);
    }

    private void onFlush(Ev.Flush f) {
        SimConn c = f.conn;
        int dir = f.dir;
        if (f.token != c.flushToken[dir]) {
            return;
        }
        c.flushScheduled[dir] = false;
        SimConn.End s = c.ends[dir];
        if (s == null || !s.alive() || c.queue[dir].isEmpty()) {
            return;
        }
        long stall = heldUntil(c, dir);
        if (stall > now) {
            c.flushScheduled[dir] = true;
            queue.add(new Ev.Flush(stall, c, dir, ++c.flushToken[dir]));
            return;
        }
        if (c.dirDead[dir]) {
            WireMsg first = c.queue[dir].peek();
            int count = c.queue[dir].size();
            c.queue[dir].clear();
            lose(s, first, c.wireSeq[dir], count, RunWatcher.Loss.BROKEN_CONNECTION);
            return;
        }
        SimConn.End r = c.ends[1 - dir];
        int count = c.queue[dir].size();
        WireMsg m;
        while ((m = c.queue[dir].poll()) != null) {
            long at = Math.max(now + delays.netDelay(), r.lastEventAt);
            r.lastEventAt = at;
            queue.add(new Ev.Arrive(at, c, dir, m, c.wireSeq[dir]++));
        }
        s.unflushed -= count;
        if (s.closedByEngine || s.exitDelivered) {
            return;
        }
        SimNode n = s.node;
        Step st = step(n, new Input.FramesFlushed(s.inc, count));
        if (st == null) {
            return;
        }
        if (n.ends.get(s.inc) == s && !s.closedByEngine) {
            QueueAccounting.check(n.name, s.inc, s.unflushed, n.engine.connections().table());
        }
        finishStep(n, st);
    }

    private void onArrive(Ev.Arrive a) {
        SimConn c = a.conn;
        SimConn.End r = c.ends[1 - a.dir];
        SimConn.End s = c.ends[a.dir];
        if (!r.alive()) {
            if (watcher != null) {
                watcher.framesLost(c.id, a.dir, a.wireSeq, 1, RunWatcher.Loss.RECEIVER_DOWN);
            }
            return;
        }
        if (c.dirDead[a.dir] || r.closedByEngine || r.exitDelivered) {
            lose(s, a.msg, a.wireSeq, 1, RunWatcher.Loss.RECEIVER_CLOSED);
            return;
        }
        if (!c.held[a.dir].isEmpty() || now < links.blockedUntil(s.node.index, r.node.index)) {
            // One-way partition: the frame is held (TCP keeps retransmitting) until it heals, behind
            // any frame held before it; if the receiver gives up on the connection first
            // (inactivity), the held frames are lost with it.
            c.held[a.dir].add(a);
            scheduleRelease(c, a.dir, Math.max(now, links.blockedUntil(s.node.index, r.node.index)));
            return;
        }
        deliver(c, a);
    }

    private void scheduleRelease(SimConn c, int dir, long at) {
        queue.add(new Ev.Release(at, c, dir, ++c.releaseToken[dir]));
    }

    private void onRelease(Ev.Release ev) {
        SimConn c = ev.conn;
        int dir = ev.dir;
        if (ev.token != c.releaseToken[dir] || c.held[dir].isEmpty()) {
            return;
        }
        SimConn.End s = c.ends[dir];
        SimConn.End r = c.ends[1 - dir];
        long until = links.blockedUntil(s.node.index, r.node.index);
        if (now < until) {
            scheduleRelease(c, dir, until);
            return;
        }
        Ev.Arrive a;
        while ((a = c.held[dir].poll()) != null) {
            if (!r.alive()) {
                if (watcher != null) {
                    watcher.framesLost(c.id, dir, a.wireSeq, 1, RunWatcher.Loss.RECEIVER_DOWN);
                    for (Ev.Arrive h : c.held[dir]) {
                        watcher.framesLost(c.id, dir, h.wireSeq, 1, RunWatcher.Loss.RECEIVER_DOWN);
                    }
                }
                c.held[dir].clear();
                return;
            }
            if (c.dirDead[dir] || r.closedByEngine || r.exitDelivered) {
                lose(s, a.msg, a.wireSeq, 1, RunWatcher.Loss.RECEIVER_CLOSED);
                continue;
            }
            deliver(c, a);
        }
    }

    /** A frame reaches a live, open receiving end, in its direction's order. */
    private void deliver(SimConn c, Ev.Arrive a) {
        int dir = a.dir;
        WireMsg msg = a.msg;
        SimConn.End r = c.ends[1 - dir];
        NetworkModel.inOrder(c.id, dir, a.wireSeq, c.nextDeliverySeq[dir]++);
        if (msg instanceof WireMsg.ProxyRequest) {
            races.merge(Race.PROXIED_REQUEST_RECEIVED, 1L, Long::sum);
        }
        if (sink != null) {
            sink.event(now, "recv", text.msgFields(r.node, r, msg));
        }
        if (watcher != null) {
            watcher.frameDelivered(c.id, dir, a.wireSeq);
        }
        if (specTrace != null && msg instanceof WireMsg.Protocol pm && pm.msg() instanceof PeerMsg.Share sh) {
            r.node.shareSenders.computeIfAbsent(sh.epoch(), x -> new TreeSet<>()).add(c.ends[dir].node.index + 1);
        }
        Step st = step(r.node, new Input.FrameReceived(r.inc, msg));
        if (st != null) {
            finishStep(r.node, st);
        }
    }

    /**
     * Frames sent on {@code sender} were lost ({@code msg} the first of them; {@code first} and
     * {@code count} name them for a watcher): its exit must follow within the §4.1 bound.
     */
    private void lose(SimConn.End sender, WireMsg msg, long first, long count, RunWatcher.Loss why) {
        count(Stat.FRAMES_LOST);
        log.record(T_LOST, now, sender.node.index, sender.inc, sender.conn.id, 0);
        if (sink != null) {
            sink.event(now, "lost", "node", sender.node.name, "inc", sender.inc, "peer", sender.peerNode().name,
                    "msg", msg == null ? null : WireMsg.kind(msg));
        }
        if (watcher != null) {
            watcher.framesLost(sender.conn.id, sender.side, first, count, why);
        }
        if (sender.lostAt < 0 && sender.alive() && !sender.exitDelivered && !sender.closedByEngine) {
            sender.lostAt = now;
            queue.add(new Ev.LossDeadline(now + lossExitBoundMs, sender));
        }
    }

    private void onClose(SimNode n, Output.CloseConn close) {
        SimConn.End e = n.ends.get(close.incarnation());
        if (e == null) {
            throw new Violation(ExitIsProcessed.NAME, n.name + " closed incarnation " + close.incarnation()
                    + " after its exit was delivered (or it was never allocated)");
        }
        if (e.closedByEngine) {
            throw new Violation(ExitIsProcessed.NAME, n.name + " closed incarnation " + close.incarnation() + " twice");
        }
        e.closedByEngine = true;
        e.open = false;
        SimNode p = e.peerNode();
        if (n.openByPeer[p.index] == e) {
            n.openByPeer[p.index] = null;
        }
        if (close.cause() == ExitCause.REPLACED) {
            e.replaced = true;
        }
        if (close.cause() == ExitCause.QUEUE_OVERFLOW) {
            races.merge(Race.QUEUE_OVERFLOW_CLOSE, 1L, Long::sum);
        }
        closedThisStep.add(e);
        if (specTrace != null && close.cause() != ExitCause.REPLACED) {
            // A replacement is part of the spec's ConnEstablish of the newer incarnation.
            spec("ConnClose", n.index + 1, 0, 0, e.inc, 0, 0, null, null);
        }
        if (sink != null) {
            sink.event(now, "close", "node", n.name, "inc", e.inc, "peer", p.name, "cause", close.cause().name());
        }
        SimConn c = e.conn;
        log.record(T_TERMINATE, now, n.index, e.inc, c.id, close.cause().ordinal());
        c.terminated = true;
        if (watcher != null && !c.queue[e.side].isEmpty()) {
            watcher.framesLost(c.id, e.side, c.wireSeq[e.side], c.queue[e.side].size(),
                    RunWatcher.Loss.DISCARDED_AT_CLOSE);
        }
        c.queue[e.side].clear();
        c.dirDead[1 - e.side] = true;
        scheduleExit(e, now + net.nextInt((int) CLOSE_EXIT_DELAY_MAX_MS + 1), close.cause());
        SimConn.End other = e.other();
        if (other != null && other.alive()) {
            scheduleExit(other, now + delays.exitDelay(), ExitCause.CLEAN_CLOSE);
        }
    }

    /** Tears a connection down under both ends: frames in flight are lost both ways. */
    private void abort(SimConn c, ExitCause dialerCause, ExitCause acceptorCause) {
        c.terminated = true;
        c.dirDead[0] = true;
        c.dirDead[1] = true;
        log.record(T_TERMINATE, now, -1, c.id, dialerCause.ordinal(), acceptorCause.ordinal());
        for (int side = 0; side < 2; side++) {
            SimConn.End e = c.ends[side];
            if (e == null || !e.alive()) {
                continue;
            }
            if (!c.queue[side].isEmpty()) {
                WireMsg first = c.queue[side].peek();
                int count = c.queue[side].size();
                c.queue[side].clear();
                lose(e, first, c.wireSeq[side], count, RunWatcher.Loss.ABORTED);
            }
            scheduleExit(e, now + delays.exitDelay(), side == SimConn.DIALER ? dialerCause : acceptorCause);
        }
    }

    private void scheduleExit(SimConn.End e, long at, ExitCause cause) {
        if (e.exitScheduled) {
            return;
        }
        e.exitScheduled = true;
        long t = Math.max(at, e.lastEventAt);
        e.lastEventAt = t;
        queue.add(new Ev.Exit(t, e, cause));
    }

    /** Live, non-terminated connections between two nodes (each once), in allocation order. */
    private List<SimConn> connectionsBetween(SimNode a, SimNode b) {
        List<SimConn> out = new ArrayList<>();
        for (SimConn.End e : a.ends.values()) {
            if (e.peerNode() == b && !e.conn.terminated && !out.contains(e.conn)) {
                out.add(e.conn);
            }
        }
        for (SimConn.End e : b.ends.values()) {
            if (e.peerNode() == a && !e.conn.terminated && !out.contains(e.conn)) {
                out.add(e.conn);
            }
        }
        return out;
    }

    private void abortBetween(SimNode a, SimNode b) {
        for (SimConn c : connectionsBetween(a, b)) {
            abort(c, ExitCause.ABORTED, ExitCause.ABORTED);
        }
    }

    /** For the REPLY_BEFORE_PERSIST mutant's crash: what was released made it onto the wire. */
    private void flushEverything(SimNode n) {
        for (SimConn.End e : n.ends.values()) {
            SimConn c = e.conn;
            int dir = e.side;
            if (c.queue[dir].isEmpty() || c.dirDead[dir]) {
                continue;
            }
            SimConn.End r = c.ends[1 - dir];
            WireMsg m;
            while ((m = c.queue[dir].poll()) != null) {
                long at = Math.max(now + delays.netDelay(), r.lastEventAt);
                r.lastEventAt = at;
                queue.add(new Ev.Arrive(at, c, dir, m, c.wireSeq[dir]++));
            }
        }
    }

    // =============================================================================================
    // Crashes and restarts

    private void crash(SimNode n, long downMs, String how) {
        count(Stat.CRASHES);
        if (cpHost.cpUp() && cpHost.cp().attempt() != null && cpHost.cp().attempt().coordinator().equals(n.id)) {
            count(Stat.COORDINATOR_CRASHES);
        }
        log.record(T_CRASH, now, n.index, n.life, downMs, how.hashCode());
        if (sink != null) {
            sink.event(now, "crash", "node", n.name, "life", n.life, "how", how, "downMs", downMs);
        }
        if (specTrace != null) {
            spec("Crash", n.index + 1, 0, 0, 0, 0, 0, null, null);
        }
        n.shareSenders.clear();
        n.exportedLoads.clear();
        n.up = false;
        n.engine = null;
        n.host = null;
        n.io = null;
        n.life++;
        n.timerToken++;
        n.armedCrash = null;
        n.verifiedEpoch = Epoch.NONE;
        n.livenessLoadInFlight = false;
        for (SimConn.End e : n.ends.values()) {
            SimConn c = e.conn;
            c.terminated = true;
            if (watcher != null && !c.queue[e.side].isEmpty()) {
                watcher.framesLost(c.id, e.side, c.wireSeq[e.side], c.queue[e.side].size(),
                        RunWatcher.Loss.SENDER_CRASHED);
            }
            c.queue[e.side].clear();
            c.dirDead[1 - e.side] = true;
            SimConn.End other = e.other();
            if (other != null && other.alive()) {
                scheduleExit(other, now + delays.exitDelay(), ExitCause.IO_ERROR);
            }
        }
        n.ends.clear();
        Arrays.fill(n.openByPeer, null);
        for (SimNode.Pending p : n.pending.values()) {
            failCall(n, p.origin(), "node crashed");
        }
        n.pending.clear();
        if (phase == Phase.LIVENESS) {
            restart(n);
        } else {
            queue.add(new Ev.Restart(now + downMs, n, n.life));
        }
    }

    private void restart(SimNode n) {
        boot(n);
    }

    private void gracefulStop(SimNode n, long downMs) {
        Step s = step(n, new Input.Shutdown());
        if (s != null) {
            crash(n, downMs, "graceful");
        }
    }

    // =============================================================================================
    // API calls and replies

    private void issueCall(SimNode n, ApiRequest request, CallOrigin origin, long delayMs) {
        queue.add(new Ev.ApiCall(now + delayMs, n, nextReplyId++, request, origin));
    }

    private void onApiCall(Ev.ApiCall c) {
        SimNode n = c.node;
        if (!n.up) {
            failCall(n, c.origin, "node down");
            return;
        }
        n.pending.put(c.replyId, new SimNode.Pending(c.replyId, c.request, c.origin, now));
        if (sink != null) {
            sink.event(now, "api-call", "node", n.name, "replyId", c.replyId, "request",
                    text.describeRequest(c.request));
        }
        if (c.request instanceof ApiRequest.Proxy) {
            queue.add(new Ev.ProxyDeadline(now + limits.proxyRequestTimeoutMs() + PROXY_DEADLINE_SLACK_MS, n, n.life,
                    c.replyId, now));
        }
        Step s = step(n, new Input.ApiCall(c.replyId, c.request));
        if (s == null) {
            return;
        }
        if (c.request instanceof ApiRequest.Proxy) {
            ProxyCallSentOrRefused.check(n.name, c.replyId, s.afterPersist(), n.engine.connections().tracker());
        }
        finishStep(n, s);
    }

    /** A call that will never be answered by its node (down, or crashed with it). */
    private void failCall(SimNode n, CallOrigin origin, String why) {
        switch (origin) {
            case CallOrigin.ControlPlane o -> queue.add(new Ev.CpAnswer(now + mix.cpUnreachableDelayMs(), o.cpLife(), o,
                    new CpReply.Unreachable(n.name + ": " + why)));
            case CallOrigin.Load l -> {
                if (l.liveness()) {
                    n.livenessLoadInFlight = false;
                }
            }
            case CallOrigin.ProxyStatus p -> { }
            case CallOrigin.OperatorCommit oc -> { }
            case CallOrigin.ClearSecrets cs -> { }
            case CallOrigin.NetConfig nc -> { }
            case CallOrigin.RogueReconfigure rr -> { }
        }
    }

    private void onReply(SimNode n, Output.Reply r) {
        SimNode.Pending p = ExactlyOneReply.answer(n.name, n.pending, r.replyId(), r.response());
        if (p.request() instanceof ApiRequest.Proxy proxy) {
            structural = true; // the tracker changed
            if (specTrace != null) {
                specActions.proxyOutcome(n, proxy, r, currentInput);
            }
        }
        if (sink != null) {
            sink.event(now, "reply", "node", n.name, "replyId", r.replyId(), "response",
                    EventText.describeResponse(r.response()));
        }
        switch (p.origin()) {
            case CallOrigin.ControlPlane o -> {
                CpReply reply = CpBridge.fromApi(r.response());
                if (o.answerLost()) {
                    queue.add(new Ev.CpAnswer(now + mix.cpUnreachableDelayMs(), o.cpLife(), o,
                            new CpReply.Unreachable("answer lost on the management network")));
                } else {
                    queue.add(new Ev.CpAnswer(now + 1 + net.nextInt(mix.cpLatencyMaxMs()), o.cpLife(), o, reply));
                }
            }
            case CallOrigin.Load l -> onLoadReply(n, l, r.response());
            case CallOrigin.ProxyStatus ps -> ReplyAdapter.proxyOutcome(r.response());
            case CallOrigin.OperatorCommit oc -> {
                if (!(r.response() instanceof ApiResponse.Committed)) {
                    ReplyAdapter.proxyOutcome(r.response());
                }
            }
            case CallOrigin.NetConfig nc -> ReplyAdapter.networkConfigOutcome(r.response());
            case CallOrigin.RogueReconfigure rr -> {
                if (!(r.response() instanceof ApiResponse.Reconfigured rc
                        && rc.result() instanceof Result.Err<?, ?> err && err.error() instanceof NodeError.Unauthorized)) {
                    throw AuthorizedState.unsignedRequestAccepted(n.name, EventText.describeResponse(r.response()));
                }
            }
            case CallOrigin.ClearSecrets cs -> {
                if (!(r.response() instanceof ApiResponse.SecretsCleared)) {
                    throw new Violation(ReplyAdapter.REPLY_TYPE, n.name + " answered ClearSecrets with " + r.response());
                }
            }
        }
    }

    private void onLoadReply(SimNode n, CallOrigin.Load l, Object response) {
        if (!(response instanceof ApiResponse.SecretLoaded loaded)) {
            throw new Violation(ReplyAdapter.REPLY_TYPE, n.name + " answered LoadRackSecret with " + response);
        }
        switch (loaded.result()) {
            case Result.Ok<Optional<RackSecret>, ?> ok -> {
                if (ok.value().isPresent()) {
                    byte[] bytes;
                    try (RackSecret secret = ok.value().get()) {
                        bytes = secret.copyBytes();
                    }
                    boolean verified = secrets.verify(n, l.epoch(), bytes);
                    if (l.liveness()) {
                        n.livenessLoadInFlight = false;
                        if (verified) {
                            n.verifiedEpoch = l.epoch();
                        }
                    }
                } else if (l.attempt() < LOAD_MAX_ATTEMPTS) {
                    queue.add(new Ev.LoadRetry(now + LOAD_RETRY_MS, n,
                            new CallOrigin.Load(l.epoch(), l.attempt() + 1, l.liveness())));
                } else if (l.liveness()) {
                    n.livenessLoadInFlight = false;
                }
            }
            case Result.Err<Optional<RackSecret>, ?> err -> {
                if (l.liveness()) {
                    n.livenessLoadInFlight = false;
                }
            }
        }
    }

    private void onLoadRetry(Ev.LoadRetry l) {
        if (!l.node.up) {
            if (l.load.liveness()) {
                l.node.livenessLoadInFlight = false;
            }
            return;
        }
        issueCall(l.node, new ApiRequest.LoadRackSecret(l.load.epoch()), l.load, 0);
    }

    // =============================================================================================
    // Control plane

    private boolean onManagementNetwork(SimNode n) {
        return ControlPlaneReachability.onManagementNetwork(bootstrap[n.index], n.ledger.durable());
    }

    // =============================================================================================
    // Schedule entries

    private void onEntry(Entry entry) {
        if (phase != Phase.SAFETY) {
            return;
        }
        // The text, not entry.hashCode(): a record's hash mixes in its enum components' identity hashes,
        // which depend on the JVM's history, not on the seed.
        log.record(T_ENTRY, now, Entry.kind(entry).hashCode(), entry.toString().hashCode(), 0, 0);
        if (sink != null) {
            sink.event(now, "entry", "what", Entry.kind(entry), "detail", entry.toString());
        }
        switch (entry) {
            case Entry.Reconfigure r -> reconfigure(r);
            case Entry.ReconfigureTo r -> reconfigureTo(r);
            case Entry.AbortReconfiguration a -> {
                if (cpHost.cpUp()) {
                    cpHost.cp().abortCurrent(now);
                    cpHost.after();
                }
            }
            case Entry.LoadSecret l -> {
                SimNode n = nodes[l.node()];
                if (n.up) {
                    Epoch latest = n.ledger.durable().latestCommittedEpoch();
                    Epoch e = latest.isNone() ? Epoch.of(1)
                            : l.olderEpoch() && latest.value() > 1 ? Epoch.of(latest.value() - 1) : latest;
                    issueCall(n, new ApiRequest.LoadRackSecret(e), new CallOrigin.Load(e, 1, false),
                            LOCAL_CALL_DELAY_MS);
                }
            }
            case Entry.ClearSecrets c -> {
                SimNode n = nodes[c.node()];
                if (n.up) {
                    issueCall(n, new ApiRequest.ClearSecrets(), new CallOrigin.ClearSecrets(), LOCAL_CALL_DELAY_MS);
                }
            }
            case Entry.ProxyStatus p -> {
                SimNode from = nodes[p.from()];
                if (from.up) {
                    issueCall(from, new ApiRequest.Proxy(nodes[p.to()].id, new ProxyOp.Status()),
                            new CallOrigin.ProxyStatus(), LOCAL_CALL_DELAY_MS);
                }
            }
            case Entry.UpdateNetworkConfig u -> {
                SimNode n = nodes[u.node()];
                if (n.up) {
                    long gen = ++netConfigGeneration;
                    byte[] blob = new byte[Long.BYTES];
                    for (int i = 0; i < blob.length; i++) {
                        blob[i] = (byte) (gen >>> (8 * i));
                    }
                    issueCall(n, new ApiRequest.UpdateNetworkConfig(gen, blob), new CallOrigin.NetConfig(gen),
                            LOCAL_CALL_DELAY_MS);
                }
            }
            case Entry.OperatorCommit oc -> operatorCommit(oc);
            case Entry.Crash c -> {
                SimNode n = nodeAt(c.node());
                if (n == null || !n.up) {
                    return;
                }
                switch (c.point()) {
                    case BETWEEN_EVENTS -> crash(n, c.downMs(), c.point().name());
                    case GRACEFUL -> gracefulStop(n, c.downMs());
                    case AFTER_PERSIST, TORN_PERSIST -> {
                        n.armedCrash = c.point();
                        n.armedDownMs = c.downMs();
                        queue.add(new Ev.CrashFallback(now + ARMED_CRASH_FALLBACK_MS, n, n.life));
                    }
                }
            }
            case Entry.CrashControlPlane c -> {
                if (cpHost.cpUp()) {
                    cpHost.crash(c.downMs());
                }
            }
            case Entry.Partition p -> {
                SimNode a = nodeAt(p.a());
                SimNode b = nodes[p.b()];
                if (a != null && a != b) {
                    block(a, b, p.durationMs());
                    block(b, a, p.durationMs());
                    abortBetween(a, b);
                }
            }
            case Entry.OneWayPartition o -> {
                SimNode a = nodeAt(o.from());
                SimNode b = nodes[o.to()];
                if (a != null && a != b) {
                    block(a, b, o.durationMs());
                }
            }
            case Entry.Isolate i -> {
                SimNode n = nodeAt(i.node());
                if (n != null) {
                    for (SimNode o : nodes) {
                        if (o != n) {
                            block(n, o, i.durationMs());
                            block(o, n, i.durationMs());
                            abortBetween(n, o);
                        }
                    }
                }
            }
            case Entry.AbortConnection a -> {
                SimNode x = nodeAt(a.a());
                SimNode y = nodes[a.b()];
                if (x != null && x != y) {
                    abortBetween(x, y);
                }
            }
            case Entry.HandlerException h -> {
                SimNode x = nodeAt(h.node());
                SimNode y = nodes[h.peer()];
                if (x != null && x != y) {
                    handlerException(x, y);
                }
            }
            case Entry.Stall st -> {
                SimNode x = nodeAt(st.from());
                SimNode y = nodes[st.to()];
                if (x != null && x != y) {
                    links.stall(x.index, y.index, now + st.durationMs());
                }
            }
            case Entry.Freeze fr -> {
                SimNode x = nodeAt(fr.node());
                if (x != null) {
                    links.freeze(x.index, now + fr.durationMs());
                }
            }
        }
    }

    /** The node an entry's index stands for now; null if it means the coordinator and there is none. */
    private SimNode nodeAt(int index) {
        if (index != Entry.COORDINATOR) {
            return nodes[index];
        }
        if (!cpHost.cpUp() || cpHost.cp().attempt() == null) {
            return null;
        }
        return byId.get(cpHost.cp().attempt().coordinator());
    }

    private void operatorCommit(Entry.OperatorCommit oc) {
        Configuration latest = cpHost.cpUp() ? cpHost.cp().latestCommitted() : null;
        SimNode target = nodes[oc.node()];
        if (latest == null) {
            return;
        }
        // The operator repeats the control plane's decision, with its signature.
        CpSignature decision = cpKey.signCommit(latest);
        ApiRequest.Commit commit = new ApiRequest.Commit(latest.rackId(), latest.epoch(), decision);
        if (onManagementNetwork(target)) {
            if (target.up) {
                issueCall(target, commit, new CallOrigin.OperatorCommit(), 1 + net.nextInt(mix.cpLatencyMaxMs()));
            }
            return;
        }
        List<SimNode> proxies = new ArrayList<>();
        for (SimNode n : nodes) {
            if (n != target && n.up && onManagementNetwork(n)) {
                proxies.add(n);
            }
        }
        if (!proxies.isEmpty()) {
            SimNode via = proxies.get(Streams.stream(seed, Streams.ENTRY, oc.choice(), 1).nextInt(proxies.size()));
            issueCall(via, new ApiRequest.Proxy(target.id, new ProxyOp.Commit(latest.rackId(), latest.epoch(), decision)),
                    new CallOrigin.OperatorCommit(), 1 + net.nextInt(mix.cpLatencyMaxMs()));
        }
    }

    private void block(SimNode from, SimNode to, long durationMs) {
        links.block(from.index, to.index, now + durationMs);
    }

    private void handlerException(SimNode n, SimNode peer) {
        SimConn.End victim = n.openByPeer[peer.index];
        if (victim == null) {
            for (SimConn.End e : n.ends.values()) {
                if (e.peerNode() == peer && !e.conn.terminated) {
                    victim = e;
                    break;
                }
            }
        }
        if (victim == null || victim.conn.terminated) {
            return;
        }
        SimConn c = victim.conn;
        abort(c, victim.side == SimConn.DIALER ? ExitCause.HANDLER_EXCEPTION : ExitCause.IO_ERROR,
                victim.side == SimConn.ACCEPTOR ? ExitCause.HANDLER_EXCEPTION : ExitCause.IO_ERROR);
    }

    private void reconfigureTo(Entry.ReconfigureTo r) {
        if (!cpHost.cpUp() || !cpHost.cp().idle()) {
            if (now + RECONFIGURE_RETRY_MS < mix.safetyMs()) {
                queue.add(new Ev.ScheduleEntry(now + RECONFIGURE_RETRY_MS, r));
            }
            return;
        }
        List<NodeId> members = new ArrayList<>();
        List<Integer> indices = new ArrayList<>();
        for (SimNode n : nodes) {
            if ((r.memberMask() >>> n.index & 1) != 0) {
                members.add(n.id);
                indices.add(n.index);
            }
        }
        startReconfiguration(members, indices, r.threshold());
    }

    private void startReconfiguration(List<NodeId> members, List<Integer> indices, int k) {
        Result<Epoch, String> res = cpHost.cp().reconfigure(members, k, now);
        log.record(T_CP_RECONFIGURE, now, res.isOk() ? res.orElseThrow().value() : -1, members.size(), k, 0);
        if (sink != null) {
            sink.event(now, "cp-reconfigure", "members", text.names(indices), "threshold", k, "result",
                    res.isOk() ? "epoch " + res.orElseThrow() : res.errorOrThrow());
        }
        cpHost.after();
    }

    private void reconfigure(Entry.Reconfigure r) {
        if (!cpHost.cpUp() || !cpHost.cp().idle() || cpHost.cp().latestCommitted() == null) {
            if (now + RECONFIGURE_RETRY_MS < mix.safetyMs()) {
                queue.add(new Ev.ScheduleEntry(now + RECONFIGURE_RETRY_MS, r));
            }
            return;
        }
        SplittableRandom choice = Streams.stream(seed, Streams.ENTRY, r.choice(), 0);
        MembershipChoice.Proposal p = MembershipChoice.next(choice, cpHost.cp().latestCommitted(),
                cpHost.cp().committedNodes(), nodes, byId, cpHost::everCommittedMember);
        if (p == null) {
            return;
        }
        startReconfiguration(p.members(), p.indices(), p.threshold());
    }

    // =============================================================================================
    // Keepalive, heal, liveness

    private void onKeepaliveSweep() {
        long allowed = limits.pingIntervalMs() + KEEPALIVE_SLACK_MS;
        for (SimNode n : nodes) {
            if (!n.up) {
                continue;
            }
            for (SimConn.End e : n.ends.values()) {
                if (e.open && now - e.lastPingAt > allowed) {
                    throw Keepalive.missed(n.name, e.inc, e.peerNode().name, now - e.lastPingAt);
                }
            }
        }
        queue.add(new Ev.KeepaliveSweep(now + KEEPALIVE_SWEEP_MS));
    }

    private void onHeal() {
        phase = Phase.LIVENESS;
        livenessStartMs = now;
        log.record(T_HEAL, now, 0, 0, 0, 0);
        if (sink != null) {
            sink.event(now, "heal");
        }
        links.heal();
        for (SimNode n : nodes) {
            n.armedCrash = null;
            n.verifiedEpoch = Epoch.NONE; // every member must load the secret again after the heal
            if (!n.up) {
                continue;
            }
            for (SimConn.End e : n.ends.values()) {
                SimConn c = e.conn;
                if (!c.queue[e.side].isEmpty()) {
                    c.flushScheduled[e.side] = false;
                    scheduleFlush(c, e.side);
                }
                if (!c.held[1 - e.side].isEmpty()) {
                    scheduleRelease(c, 1 - e.side, now);
                }
            }
        }
        for (SimNode n : nodes) {
            if (!n.up) {
                restart(n);
            }
        }
        if (!cpHost.cpUp()) {
            cpHost.restart();
        }
        queue.add(new Ev.LivenessPoll(now));
    }

    private void onLivenessPoll() {
        String unmet = Convergence.unmet(cpHost.cpUp(), cpHost.cp(), nodes, byId);
        if (unmet == null) {
            finished = true;
            return;
        }
        if (now - livenessStartMs >= LIVENESS_BOUND_MS) {
            throw Liveness.notConverged(LIVENESS_BOUND_MS, unmet);
        }
        Configuration latest = cpHost.cp().latestCommitted();
        if (latest != null) {
            for (NodeId m : latest.memberIds()) {
                SimNode n = byId.get(m);
                if (n.up && !n.verifiedEpoch.equals(latest.epoch()) && !n.livenessLoadInFlight
                        && n.ledger.durable().isCommitted(latest.epoch())) {
                    n.livenessLoadInFlight = true;
                    issueCall(n, new ApiRequest.LoadRackSecret(latest.epoch()),
                            new CallOrigin.Load(latest.epoch(), 1, true), LOCAL_CALL_DELAY_MS);
                }
            }
        }
        queue.add(new Ev.LivenessPoll(now + LIVENESS_POLL_MS));
    }

    // =============================================================================================
    // The spec trace (tla-traces/README.md); what each step changed is derived in SpecActions

    private void spec(String kind, int node, int peer, long epoch, long inc, long req, int k, List<Integer> members,
            String reason) {
        specTrace.event(now, kind, node, peer, epoch, inc, req, k, members, reason);
    }

    /** What the control-plane host asks of the simulation (calls go through the nodes' API). */
    private final class CpHostContext implements CpHost.Context {
        @Override
        public long now() {
            return now;
        }

        @Override
        public void issueCall(SimNode n, ApiRequest request, CallOrigin origin, long delayMs) {
            Simulation.this.issueCall(n, request, origin, delayMs);
        }

        @Override
        public void cpCommitted(long epoch) {
            if (specTrace != null) {
                spec("CpCommit", 0, 0, epoch, 0, 0, 0, null, null);
            }
        }
    }
}
