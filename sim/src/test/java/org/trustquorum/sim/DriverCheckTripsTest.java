package org.trustquorum.sim;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.trustquorum.sim.EveryCheckCanFailTest.thrown;
import static org.trustquorum.sim.Scripts.nodes;
import static org.trustquorum.sim.Scripts.scripted;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.trustquorum.core.api.NodeStatus;
import org.trustquorum.core.auth.ControlPlaneKey;
import org.trustquorum.core.engine.ApiResponse;
import org.trustquorum.core.engine.EngineHost;
import org.trustquorum.core.engine.EngineLimits;
import org.trustquorum.core.engine.Input;
import org.trustquorum.core.engine.NodeEngine;
import org.trustquorum.core.engine.Output;
import org.trustquorum.core.engine.PeerAddress;
import org.trustquorum.core.engine.ProxyError;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.PersistentState;
import org.trustquorum.core.model.Result;
import org.trustquorum.core.msg.ProxyOp;
import org.trustquorum.core.msg.WireMsg;
import org.trustquorum.sim.check.ControlPlaneReachability;
import org.trustquorum.sim.check.EngineException;
import org.trustquorum.sim.check.EngineInvariants;
import org.trustquorum.sim.check.EventBound;
import org.trustquorum.sim.check.ExactlyOneReply;
import org.trustquorum.sim.check.LossFollowedByExit;
import org.trustquorum.sim.check.NetworkModel;
import org.trustquorum.sim.check.NoAlarms;
import org.trustquorum.sim.check.NoSendAfterClose;
import org.trustquorum.sim.check.NotCoordinatingWhileComputing;
import org.trustquorum.sim.check.ProxyCallCompletes;

/**
 * Trips for the checks whose condition the simulator's driver decides (or that look at an engine's
 * whole state): the simulator calls each through a small static method of {@code sim/check}, so
 * a bad value or a broken engine can be handed to the very code a run uses. {@link
 * EveryCheckCanFailTest} runs these trips with the others; the test here shows the same methods
 * let sound values pass, so a trip is not a check that always fires.
 */
class DriverCheckTripsTest {
    private static final NodeId ME = new NodeId("tq-sim", "node-00");
    private static final Input.TimerFired TIMER = new Input.TimerFired();
    /** A bound far below what a four-node run needs to converge. */
    private static final long SHORT_EVENT_LIMIT = 100;
    private static final long REPLY_ID = 7;
    private static final long INCARNATION = 5;
    private static final long WAITED_MS = 10_000;
    private static final long LOST_AT_MS = 1_000;
    private static final long LOSS_BOUND_MS = 2_000;
    private static final long STEP_AT_MS = 10;
    private static final long EARLIER_MS = 5;

    /** Adds the trips of the driver's checks to {@code t}. */
    static void addTo(Map<String, Supplier<String>> t) {
        // A run cut off far before it can converge.
        t.put(EventBound.NAME, () -> new Simulation(scripted(1, 4, nodes(0, 1, 2, 3), 2, 5_000))
                .withEventLimit(SHORT_EVENT_LIMIT).run().check());
        // A broken engine handed to the simulator's engine checks.
        t.put(EngineException.NAME, () -> thrown(() -> {
            EngineHost host = host(engine(PersistentState.EMPTY));
            EngineException.step("n00", host, TIMER, STEP_AT_MS);
            EngineException.step("n00", host, TIMER, EARLIER_MS); // time runs backwards: core's clock check throws
        }));
        t.put(EngineInvariants.NAME, () -> thrown(() -> {
            NodeEngine engine = engine(PersistentState.EMPTY);
            // The table is shut down behind the engine's back: the two disagree.
            engine.connections().table().shutdown(STEP_AT_MS, new ArrayList<>());
            EngineInvariants.check("n00", engine);
        }));
        // A ledger that lost the configuration of its commit: the engine raises CommittedConfigurationLost.
        t.put(NoAlarms.NAME, () -> thrown(() -> NoAlarms.check("n00", engine(committedOnly()).alarms())));
        // Bad values handed to the driver's checks.
        t.put(NotCoordinatingWhileComputing.NAME, () -> thrown(() -> NotCoordinatingWhileComputing.check("n00",
                Epoch.of(2), new NodeStatus.CoordinatorStatus(Epoch.of(3), NodeStatus.Phase.COLLECTING_SHARES,
                        List.of(), null))));
        t.put(ExactlyOneReply.NAME, () -> thrown(() -> {
            Map<Long, String> open = openCall();
            ExactlyOneReply.answer("n00", open, REPLY_ID, "first answer");
            ExactlyOneReply.answer("n00", open, REPLY_ID, "second answer");
        }));
        t.put(ProxyCallCompletes.NAME, () -> thrown(() -> ProxyCallCompletes.atDeadline("n00", true, openCall(),
                REPLY_ID, WAITED_MS)));
        t.put(LossFollowedByExit.NAME, () -> thrown(() -> LossFollowedByExit.atDeadline("n00", INCARNATION, true,
                false, LOST_AT_MS, LOSS_BOUND_MS)));
        t.put(NoSendAfterClose.NAME, () -> thrown(() -> NoSendAfterClose.check("n00", INCARNATION, frame(), true,
                true, true)));
        t.put(ControlPlaneReachability.NAME, () -> thrown(() -> ControlPlaneReachability.check("n05", false,
                PersistentState.EMPTY, () -> "Status")));
        t.put(NetworkModel.NAME, () -> thrown(() -> NetworkModel.inOrder(1, 0, 3, 2)));
        t.put(ReplyAdapter.REPLY_TYPE, () -> thrown(() -> ReplyAdapter.proxyOutcome(new ApiResponse.SecretsCleared())));
    }

    @Test
    void soundValuesPassTheChecks() {
        assertDoesNotThrow(() -> {
            NodeEngine engine = engine(PersistentState.EMPTY);
            EngineHost host = host(engine);
            EngineException.step("n00", host, TIMER, EARLIER_MS);
            EngineException.step("n00", host, TIMER, STEP_AT_MS);
            EngineInvariants.check("n00", engine);
            NoAlarms.check("n00", engine.alarms());
            NotCoordinatingWhileComputing.check("n00", Epoch.NONE, new NodeStatus.CoordinatorStatus(Epoch.of(3),
                    NodeStatus.Phase.COLLECTING_SHARES, List.of(), null));
            NotCoordinatingWhileComputing.check("n00", Epoch.of(2), null);
            ExactlyOneReply.answer("n00", openCall(), REPLY_ID, "the answer");
            ProxyCallCompletes.atDeadline("n00", true, Map.of(), REPLY_ID, WAITED_MS);
            ProxyCallCompletes.atDeadline("n00", false, openCall(), REPLY_ID, WAITED_MS);
            LossFollowedByExit.atDeadline("n00", INCARNATION, true, true, LOST_AT_MS, LOSS_BOUND_MS);
            LossFollowedByExit.atDeadline("n00", INCARNATION, false, false, LOST_AT_MS, LOSS_BOUND_MS);
            NoSendAfterClose.check("n00", INCARNATION, frame(), true, false, true);
            ControlPlaneReachability.check("n05", true, PersistentState.EMPTY, () -> "Status");
            ControlPlaneReachability.check("n05", false, EveryCheckCanFailTest.committed(1), () -> "Status");
            NetworkModel.inOrder(1, 0, 2, 2);
            NetworkModel.exitScheduled("n00", INCARNATION, true, true);
            ReplyAdapter.proxyOutcome(new ApiResponse.Proxied(Result.err(new ProxyError.Shutdown())));
        });
        assertEquals(NetworkModel.NAME, thrown(() -> NetworkModel.exitScheduled("n00", INCARNATION, true, false)));
    }

    /** A host that takes every write as durable and drops every output: only the engine's own checks act. */
    private static EngineHost host(NodeEngine engine) {
        return new EngineHost(engine, new EngineHost.Io() {
            @Override
            public EngineHost.Durability persist(PersistentState state) {
                return EngineHost.Durability.DURABLE;
            }

            @Override
            public void release(Output output) {}

            @Override
            public void deadline(long atMs) {}
        });
    }

    private static NodeEngine engine(PersistentState loaded) {
        return new NodeEngine(ME, new PeerAddress("10.0.0.1", 12345), loaded, EngineLimits.DEFAULTS,
                new SplittableRandom(1), ControlPlaneKey.generate(new SplittableRandom(2)).authority());
    }

    /** A ledger with epoch 1 committed but neither its configuration nor its share. */
    private static PersistentState committedOnly() {
        return EveryCheckCanFailTest.committed(1);
    }

    private static Map<Long, String> openCall() {
        Map<Long, String> open = new LinkedHashMap<>();
        open.put(REPLY_ID, "Proxy(Status)");
        return open;
    }

    private static WireMsg frame() {
        return new WireMsg.ProxyRequest(REPLY_ID, new ProxyOp.Status());
    }
}
