package org.trustquorum.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.trustquorum.core.Check;
import org.trustquorum.core.Mutation;
import org.trustquorum.core.TestAuth;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.PersistentState;
import org.trustquorum.core.model.RackId;
import org.trustquorum.core.api.ReconfigureRequest;
import org.trustquorum.core.model.Threshold;
import org.trustquorum.core.msg.PeerMsg;
import org.trustquorum.core.msg.ProxyOp;
import org.trustquorum.core.msg.WireMsg;

/** The driver contract as {@link EngineHost} carries it out, seen from a recording driver. */
class EngineHostTest {
    static final NodeId SELF = EngineHarness.SELF;
    static final NodeId B = EngineHarness.B;
    static final RackId RACK = EngineHarness.RACK;

    /** A driver that writes down every call the host makes, and can be told to fail or defer writes. */
    static final class RecordingIo implements EngineHost.Io {
        final List<String> log = new ArrayList<>();
        final List<Output> released = new ArrayList<>();
        EngineHost.Durability durability = EngineHost.Durability.DURABLE;
        boolean failWrites;
        PersistentState durable;

        @Override
        public void stepped(Input input, Step step) {
            log.add("stepped " + input.getClass().getSimpleName());
        }

        @Override
        public EngineHost.Durability persist(PersistentState state) {
            if (failWrites) {
                log.add("persist failed");
                throw new UncheckedIOException(new java.io.IOException("disk full"));
            }
            log.add("persist");
            durable = state;
            return durability;
        }

        @Override
        public void release(Output output) {
            log.add("release " + output.getClass().getSimpleName());
            released.add(output);
        }

        @Override
        public void deadline(long atMs) {
            log.add("deadline");
        }

        long accepted() {
            for (int i = released.size() - 1; i >= 0; i--) {
                if (released.get(i) instanceof Output.Accepted a) {
                    return a.incarnation();
                }
            }
            throw new AssertionError("nothing accepted: " + log);
        }
    }

    private final RecordingIo io = new RecordingIo();

    private EngineHost host(Mutation mutation) {
        NodeEngine engine = new NodeEngine(SELF, EngineHarness.SELF_ADDR, PersistentState.EMPTY, EngineLimits.DEFAULTS,
                new SplittableRandom(7), TestAuth.AUTHORITY, mutation);
        return new EngineHost(engine, io);
    }

    /** Accepts a connection from B and establishes it; returns its incarnation. */
    private long connectB(EngineHost h) {
        assertEquals(EngineHost.Outcome.RELEASED, h.step(new Input.Accept(), 0));
        long inc = io.accepted();
        assertEquals(EngineHost.Outcome.RELEASED, h.step(new Input.ConnEstablished(inc, B), 0));
        return inc;
    }

    /** SELF coordinates epoch 1 over itself, B and C: it stores its share and sends B (connected) a Prepare. */
    private static Input.ApiCall coordinate() {
        ReconfigureRequest r = new ReconfigureRequest(RACK, Epoch.of(1), Epoch.NONE, List.of(SELF, B, EngineHarness.C),
                Threshold.of(2));
        return new Input.ApiCall(1, new ApiRequest.Reconfigure(TestAuth.sign(r, SELF)));
    }

    private List<String> logFrom(int from) {
        return List.copyOf(io.log.subList(from, io.log.size()));
    }

    private static boolean sendsPrepare(List<Output> outputs) {
        return outputs.stream().anyMatch(o -> o instanceof Output.SendFrame f && f.msg() instanceof WireMsg.Protocol p
                && p.msg() instanceof PeerMsg.Prepare);
    }

    @Test
    void theWriteComesBeforeAnyOutputAndTheTimerAfterThem() {
        EngineHost h = host(Mutation.NONE);
        connectB(h);
        int mark = io.log.size();
        int releasedBefore = io.released.size();

        assertEquals(EngineHost.Outcome.RELEASED, h.step(coordinate(), 10));

        List<String> log = logFrom(mark);
        assertEquals("stepped ApiCall", log.get(0));
        assertEquals("persist", log.get(1), "the write is the first thing after the step: " + log);
        assertTrue(sendsPrepare(io.released.subList(releasedBefore, io.released.size())), "a Prepare went to B: " + log);
        assertTrue(log.subList(2, log.size()).stream().allMatch(e -> e.startsWith("release") || e.equals("deadline")), log::toString);
        assertTrue(log.indexOf("deadline") < 0 || log.indexOf("deadline") == log.size() - 1, "the timer is armed last: " + log);
        assertEquals(h.engine().state(), io.durable);
    }

    @Test
    void aFailedWriteReleasesNothingAndStopsTheHost() {
        EngineHost h = host(Mutation.NONE);
        connectB(h);
        int mark = io.log.size();
        io.failWrites = true;

        assertThrows(UncheckedIOException.class, () -> h.step(coordinate(), 10));

        assertEquals(List.of("stepped ApiCall", "persist failed"), logFrom(mark), "nothing released after a failed write");
        assertTrue(h.failed());
        assertThrows(Check.InvariantViolation.class, () -> h.step(new Input.TimerFired(), 20),
                "a host whose write failed takes no more inputs");
    }

    /** A host connected to B whose driver has just started (and not finished) the write of a coordination step. */
    private EngineHost coordinatingWithPendingWrite(int[] mark) {
        EngineHost h = host(Mutation.NONE);
        connectB(h);
        io.durability = EngineHost.Durability.PENDING;
        mark[0] = io.log.size();
        assertEquals(EngineHost.Outcome.AWAITING_PERSIST, h.step(coordinate(), 10));
        assertEquals(List.of("stepped ApiCall", "persist"), logFrom(mark[0]), "held while the write is pending");
        return h;
    }

    @Test
    void aPendingWriteHoldsTheOutputsUntilItIsDurable() {
        int[] at = new int[1];
        EngineHost h = coordinatingWithPendingWrite(at);
        int mark = at[0];
        assertThrows(Check.InvariantViolation.class, () -> h.step(new Input.TimerFired(), 11),
                "no input while a write is pending");

        h.persisted();
        List<String> log = logFrom(mark);
        assertTrue(log.size() > 2 && log.get(2).startsWith("release"), log::toString);
        assertTrue(sendsPrepare(io.released), "released once durable: " + log);
    }

    @Test
    void aPendingWriteThatFailsReleasesNothing() {
        int[] at = new int[1];
        EngineHost h = coordinatingWithPendingWrite(at);

        h.persistFailed();

        assertEquals(List.of("stepped ApiCall", "persist"), logFrom(at[0]));
        assertFalse(sendsPrepare(io.released));
        assertTrue(h.failed());
        assertThrows(Check.InvariantViolation.class, h::persisted);
    }

    @Test
    void theEngineSeesOneExitPerIncarnation() {
        EngineHost h = host(Mutation.NONE);
        long inc = connectB(h);
        assertEquals(EngineHost.Outcome.RELEASED, h.step(new Input.ConnExited(inc, ExitCause.IO_ERROR), 5));
        int mark = io.log.size();

        assertEquals(EngineHost.Outcome.IGNORED, h.step(new Input.ConnExited(inc, ExitCause.CLEAN_CLOSE), 6));
        assertEquals(EngineHost.Outcome.IGNORED, h.step(new Input.ConnExited(inc + 100, ExitCause.IO_ERROR), 6),
                "an incarnation the engine never allocated");
        assertEquals(List.of(), logFrom(mark), "the repeated exit never reached the engine");
    }

    @Test
    void anExitAfterTheEngineClosedTheIncarnationIsDeliveredOnce() {
        EngineHost h = host(Mutation.NONE);
        long inc = connectB(h);
        h.step(new Input.Shutdown(), 5);
        assertTrue(io.released.contains(new Output.CloseConn(inc, ExitCause.SHUTDOWN)), io.released::toString);

        assertEquals(EngineHost.Outcome.RELEASED, h.step(new Input.ConnExited(inc, ExitCause.SHUTDOWN), 6));
        assertEquals(EngineHost.Outcome.IGNORED, h.step(new Input.ConnExited(inc, ExitCause.SHUTDOWN), 7));
    }

    /**
     * An engine that keeps using a connection after processing its exit (here the mutant that
     * ignores exits caused by handler exceptions) is stopped before anything of that step leaves.
     */
    @Test
    void noFrameIsReleasedOnAnIncarnationAfterItsExit() {
        EngineHost h = host(Mutation.IGNORE_HANDLER_EXCEPTION_EXIT);
        long inc = connectB(h);
        h.step(new Input.ConnExited(inc, ExitCause.HANDLER_EXCEPTION), 5);
        int mark = io.log.size();

        EngineHost.ContractBroken v = assertThrows(EngineHost.ContractBroken.class,
                () -> h.step(new Input.ApiCall(9, new ApiRequest.Proxy(B, new ProxyOp.Status())), 6));

        assertEquals(EngineHost.Rule.SEND_ON_GONE, v.rule());
        assertEquals(inc, v.incarnation());
        assertEquals(List.of("stepped ApiCall"), logFrom(mark), "nothing of the step left the host");
        assertTrue(h.failed());
    }

    @Test
    void theTimerIsReArmedOnlyWhenTheDeadlineMoves() {
        EngineHost h = host(Mutation.NONE);
        // SELF has the higher address, so it dials, and the dial has a deadline.
        h.step(new Input.PeersChanged(java.util.Set.of(EngineHarness.SELF_ADDR, new PeerAddress("fd00::4", 1))), 0);
        long armed = h.armedDeadlineMs();
        assertTrue(armed != Long.MAX_VALUE, "a dial is pending: " + io.log);
        assertEquals(h.engine().nextDeadlineMs(), armed);
        int deadlines = (int) io.log.stream().filter("deadline"::equals).count();

        h.step(new Input.ApiCall(2, new ApiRequest.Status()), 1);
        assertEquals(deadlines, io.log.stream().filter("deadline"::equals).count(), "same deadline: not re-armed");

        h.step(new Input.TimerFired(), armed);
        assertEquals(h.engine().nextDeadlineMs(), h.armedDeadlineMs());
        assertEquals(deadlines + 1, io.log.stream().filter("deadline"::equals).count(),
                "a fired timer is armed again for the next deadline");
    }
}
