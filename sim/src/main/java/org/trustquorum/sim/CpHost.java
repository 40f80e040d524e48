package org.trustquorum.sim;

import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.trustquorum.core.api.CommitStatus;
import org.trustquorum.core.auth.ControlPlaneKey;
import org.trustquorum.core.controlplane.ControlPlane;
import org.trustquorum.core.controlplane.CpBridge;
import org.trustquorum.core.controlplane.CpCall;
import org.trustquorum.core.controlplane.CpLedger;
import org.trustquorum.core.controlplane.CpReply;
import org.trustquorum.core.controlplane.CpRequest;
import org.trustquorum.core.engine.ApiRequest;
import org.trustquorum.core.model.Configuration;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.sim.check.ConfirmedCommitIsDurable;
import org.trustquorum.sim.check.ControlPlaneReachability;
import org.trustquorum.sim.check.Violation;
import org.trustquorum.sim.log.EventLog;
import org.trustquorum.sim.log.EventSink;
import org.trustquorum.sim.scenario.FaultMix;

/**
 * Hosts core's {@link ControlPlane} in the simulation: its timer, the calls it makes (through a
 * node's API, possibly lost on the management network), the answers it gets, its crashes and
 * restarts from its durable ledger. Draws from the shared network stream exactly as before.
 */
final class CpHost implements SimProbe.CpView {
    private static final int PERCENT = 100;

    /** The parts of the simulation the host shares (fixed for the run). */
    record Wiring(EventLog log, EventQueue queue, EventSink sink, FaultMix mix, SplittableRandom net,
            Map<NodeId, SimNode> byId, boolean[] bootstrap, ControlPlaneKey cpKey, long seed,
            EnumMap<Stat, Long> stats) {}

    /** What the host asks of the simulation. */
    interface Context {
        /** The virtual time, in ms. */
        long now();

        /** Delivers a call to a node's API after {@code delayMs}. */
        void issueCall(SimNode n, ApiRequest request, CallOrigin origin, long delayMs);

        /** The control plane committed a new configuration at {@code epoch} (for the spec trace). */
        void cpCommitted(long epoch);
    }

    private final EventLog log;
    private final EventQueue queue;
    private final EventSink sink;
    private final FaultMix mix;
    private final SplittableRandom net;
    private final Map<NodeId, SimNode> byId;
    private final boolean[] bootstrap;
    private final ControlPlaneKey cpKey;
    private final long seed;
    private final EnumMap<Stat, Long> stats;
    private final Context ctx;

    /** Every configuration the control plane committed, by epoch (what a node may be told). */
    private final Map<Epoch, Configuration> decided = new TreeMap<>();
    /** Per node index: was it ever a member of a committed configuration. */
    private final boolean[] everCommittedMember;
    private Configuration lastSeenCommitted;
    private ControlPlane cp;
    private boolean up;
    /** Incremented at every crash: events of an earlier life are ignored. */
    private int life;
    private CpLedger durable;
    private long timerAt = Long.MAX_VALUE;
    private long timerToken;

    CpHost(Wiring w, Context ctx) {
        this.log = w.log();
        this.queue = w.queue();
        this.sink = w.sink();
        this.mix = w.mix();
        this.net = w.net();
        this.byId = w.byId();
        this.bootstrap = w.bootstrap();
        this.cpKey = w.cpKey();
        this.seed = w.seed();
        this.stats = w.stats();
        this.ctx = ctx;
        this.everCommittedMember = new boolean[w.bootstrap().length];
    }

    @Override
    public boolean cpUp() {
        return up;
    }

    /** The running control plane, or null while it is down (or before the start). */
    @Override
    public ControlPlane cp() {
        return cp;
    }

    @Override
    public CpLedger cpDurable() {
        return durable;
    }

    @Override
    public int cpLife() {
        return life;
    }

    Map<Epoch, Configuration> decided() {
        return decided;
    }

    boolean everCommittedMember(int index) {
        return everCommittedMember[index];
    }

    /** The last committed configuration at the end of a run, from the ledger if the control plane is down. */
    Configuration finalCommitted() {
        return cp != null ? cp.latestCommitted() : durable == null ? null : durable.latestCommitted();
    }

    /** The first life of the control plane, at the start of the run. */
    void boot(ControlPlane first) {
        cp = first;
        up = true;
    }

    private void count(Stat s) {
        stats.merge(s, 1L, Long::sum);
    }

    /** After every change to the control plane: note what it committed, drain its log, re-arm its timer. */
    void after() {
        durable = cp.ledger();
        Configuration latest = cp.latestCommitted();
        if (latest != null && latest != lastSeenCommitted) {
            lastSeenCommitted = latest;
            decided.put(latest.epoch(), latest);
            for (NodeId m : latest.memberIds()) {
                everCommittedMember[byId.get(m).index] = true;
            }
        }
        for (String line : cp.drainLog()) {
            if (line.startsWith("start epoch")) {
                count(Stat.ATTEMPTS_STARTED);
            } else if (line.startsWith("abort epoch")) {
                count(Stat.ATTEMPTS_ABORTED);
            }
            if (sink != null) {
                sink.event(ctx.now(), "cp-log", "text", line);
            }
        }
        long d = cp.nextDeadlineMs();
        if (d == timerAt) {
            return;
        }
        timerAt = d;
        timerToken++;
        if (d != Long.MAX_VALUE) {
            queue.add(new Ev.CpTimer(Math.max(d, ctx.now()), life, timerToken));
        }
    }

    void onTimer(Ev.CpTimer t) {
        if (!up || t.cpLife != life || t.token != timerToken) {
            return;
        }
        timerAt = Long.MAX_VALUE;
        for (CpCall call : cp.tick(ctx.now())) {
            dispatchCall(call);
        }
        after();
    }

    private void dispatchCall(CpCall call) {
        SimNode entry = byId.get(call.proxied() ? call.via() : call.target());
        ControlPlaneReachability.check(entry.name, bootstrap[entry.index], entry.ledger.durable(),
                () -> CpRequest.describe(call.request()));
        ApiRequest request;
        try {
            // The same mapping the runtime's control-plane client uses.
            request = CpBridge.toApi(call);
        } catch (IllegalArgumentException e) {
            throw new Violation(ControlPlaneReachability.NAME, "the control plane asked " + entry.name
                    + " to proxy " + CpRequest.describe(call.request()) + " to " + call.target() + ": "
                    + e.getMessage());
        }
        SimNode target = byId.get(call.target());
        count(call.proxied() ? Stat.PROXIED_CP_CALLS : Stat.DIRECT_CP_CALLS);
        log.record(Simulation.T_CP_CALL, ctx.now(), call.callId(), target.index, entry.index,
                EventText.requestCode(request));
        if (sink != null) {
            sink.event(ctx.now(), "cp-call", "callId", call.callId(), "target", target.name, "via",
                    call.proxied() ? entry.name : null, "request", CpRequest.describe(call.request()));
        }
        boolean lost = mix.cpLossPercent() > 0 && net.nextInt(PERCENT) < mix.cpLossPercent();
        boolean requestLost = lost && net.nextBoolean();
        CallOrigin.ControlPlane origin = new CallOrigin.ControlPlane(life, call, lost && !requestLost);
        if (requestLost) {
            // The call itself is lost on the management network: it never reaches the node.
            queue.add(new Ev.CpAnswer(ctx.now() + mix.cpUnreachableDelayMs(), life, origin,
                    new CpReply.Unreachable("call lost on the management network")));
            return;
        }
        ctx.issueCall(entry, request, origin, 1 + net.nextInt(mix.cpLatencyMaxMs()));
    }

    void onAnswer(Ev.CpAnswer a) {
        if (!up || a.cpLife != life) {
            return;
        }
        CpCall call = a.call.call();
        log.record(Simulation.T_CP_ANSWER, ctx.now(), call.callId(), EventText.replyCode(a.reply), 0, 0);
        if (sink != null) {
            sink.event(ctx.now(), "cp-answer", "callId", call.callId(), "target", byId.get(call.target()).name,
                    "reply", EventText.describeCpReply(a.reply));
        }
        if (a.reply instanceof CpReply.Committed c && c.status() == CommitStatus.COMMITTED) {
            Epoch e = switch (call.request()) {
                case CpRequest.Commit x -> x.epoch();
                case CpRequest.PrepareAndCommit x -> x.config().epoch();
                case CpRequest.Reconfigure x -> null;
                case CpRequest.Status x -> null;
                case CpRequest.Watch x -> null;
            };
            if (e != null) {
                SimNode t = byId.get(call.target());
                ConfirmedCommitIsDurable.check(t.name, e, t.ledger.durable());
                if (call.proxied()) {
                    count(Stat.PROXIED_COMMITS_CONFIRMED);
                }
            }
        }
        Configuration committedBefore = cp.latestCommitted();
        cp.onReply(call.callId(), a.reply, ctx.now());
        if (cp.latestCommitted() != null && cp.latestCommitted() != committedBefore) {
            ctx.cpCommitted(cp.latestCommitted().epoch().value());
        }
        after();
    }

    void crash(long downMs) {
        count(Stat.CONTROL_PLANE_CRASHES);
        log.record(Simulation.T_CP_CRASH, ctx.now(), life, downMs, 0, 0);
        if (sink != null) {
            sink.event(ctx.now(), "cp-crash", "life", life, "downMs", downMs);
        }
        up = false;
        cp = null;
        life++;
        timerToken++;
        timerAt = Long.MAX_VALUE;
        queue.add(new Ev.CpRestart(ctx.now() + downMs, life));
    }

    void restart() {
        cp = new ControlPlane(durable, cpKey, Streams.stream(seed, Streams.CONTROL_PLANE, life, 0), ctx.now());
        up = true;
        log.record(Simulation.T_CP_RESTART, ctx.now(), life, 0, 0, 0);
        if (sink != null) {
            sink.event(ctx.now(), "cp-restart", "life", life);
        }
        after();
    }
}
