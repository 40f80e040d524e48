package org.trustquorum.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.trustquorum.core.TestAuth;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.PersistentState;

/** The engine's status watches: held until the status changes or the wait ends, bounded, released on shutdown. */
class StatusWatchTest {
    static final NodeId SELF = EngineHarness.SELF;
    static final NodeId B = EngineHarness.B;
    static final PeerAddress B_ADDR = new PeerAddress("fd00::6", 12345);
    static final long WAIT_MS = 1_000;

    private NodeEngine engine = newEngine(1);
    private long now;
    private long nextReplyId = 1;

    private static NodeEngine newEngine(long seed) {
        return new NodeEngine(SELF, EngineHarness.SELF_ADDR, PersistentState.EMPTY, EngineLimits.DEFAULTS,
                new SplittableRandom(seed), TestAuth.AUTHORITY);
    }

    private List<Output> step(long at, Input in) {
        now = at;
        Step s = engine.step(in, now);
        engine.checkInvariants();
        return s.afterPersist();
    }

    private List<Output> watch(long at, long knownVersion, long maxWaitMs) {
        return step(at, new Input.ApiCall(nextReplyId++, new ApiRequest.Watch(knownVersion, maxWaitMs)));
    }

    private static List<ApiResponse.Watched> answers(List<Output> out) {
        List<ApiResponse.Watched> w = new ArrayList<>();
        for (Output o : out) {
            if (o instanceof Output.Reply r && r.response() instanceof ApiResponse.Watched watched) {
                w.add(watched);
            }
        }
        return w;
    }

    private long accept(long at) {
        now = at;
        Step s = engine.step(new Input.Accept(), now);
        assertEquals(List.of(), answers(s.afterPersist()));
        return ((Output.Accepted) s.afterPersist().get(0)).incarnation();
    }

    /** The version the node reports now (asked as a caller that knows nothing). */
    private long currentVersion(long at) {
        List<ApiResponse.Watched> w = answers(watch(at, ApiRequest.Watch.UNKNOWN_VERSION, WAIT_MS));
        assertEquals(1, w.size(), "a caller that knows nothing is answered at once");
        return w.get(0).version();
    }

    @Test
    void aHeldWatchIsAnsweredWhenTheStatusChangesAndNotBefore() {
        long v1 = currentVersion(0);
        assertEquals(List.of(), answers(watch(0, v1, 10 * WAIT_MS)), "the caller knows this status: held");
        assertEquals(1, engine.heldWatches());

        // Inputs that leave the status as it is do not answer it.
        List<Output> dial = step(5, new Input.PeersChanged(Set.of(EngineHarness.SELF_ADDR, B_ADDR)));
        assertEquals(List.of(), answers(dial));
        // Whichever side dials, the connection to B starts without changing the status.
        long inc = dial.stream().filter(o -> o instanceof Output.Dial).map(o -> ((Output.Dial) o).incarnation())
                .findFirst().orElseGet(() -> accept(6));
        assertEquals(List.of(), answers(step(6, new Input.TimerFired())));
        assertEquals(1, engine.heldWatches());

        // B connects: the connected peers change, so the watch is answered with the new status.
        List<ApiResponse.Watched> w = answers(step(7, new Input.ConnEstablished(inc, B)));
        assertEquals(1, w.size());
        assertNotEquals(v1, w.get(0).version());
        assertEquals(List.of(B), w.get(0).status().connectedPeers());
        assertEquals(0, engine.heldWatches());
        assertEquals(w.get(0).version(), currentVersion(8), "the version stays while the status does");
    }

    @Test
    void aHeldWatchIsAnsweredUnchangedWhenItsWaitEnds() {
        long v = currentVersion(0);
        watch(100, v, WAIT_MS);
        assertEquals(100 + WAIT_MS, engine.nextDeadlineMs(), "the engine's deadline covers the held watch");
        assertEquals(List.of(), answers(step(100 + WAIT_MS - 1, new Input.TimerFired())));
        List<ApiResponse.Watched> w = answers(step(100 + WAIT_MS, new Input.TimerFired()));
        assertEquals(1, w.size());
        assertEquals(v, w.get(0).version());
        assertEquals(0, engine.heldWatches());
        assertEquals(Long.MAX_VALUE, engine.nextDeadlineMs());
    }

    @Test
    void aWatchWithoutWaitIsAnsweredAtOnceAndAWaitOverTheBoundIsRefused() {
        long v = currentVersion(0);
        assertEquals(1, answers(watch(1, v, 0)).size());
        assertThrows(IllegalArgumentException.class, () -> new ApiRequest.Watch(v, ApiRequest.Watch.MAX_WAIT_MS + 1));
        assertThrows(IllegalArgumentException.class, () -> new ApiRequest.Watch(v, -1));
    }

    @Test
    void heldWatchesAreBoundedAndTheNextIsAnsweredAtOnce() {
        long v = currentVersion(0);
        for (int i = 0; i < StatusWatches.MAX_HELD; i++) {
            assertEquals(List.of(), answers(watch(1, v, WAIT_MS)));
        }
        assertEquals(StatusWatches.MAX_HELD, engine.heldWatches());
        List<ApiResponse.Watched> over = answers(watch(2, v, WAIT_MS));
        assertEquals(1, over.size(), "over the bound: answered at once");
        assertEquals(v, over.get(0).version());
        assertEquals(StatusWatches.MAX_HELD, engine.heldWatches());
        assertEquals(StatusWatches.MAX_HELD, answers(step(1 + WAIT_MS, new Input.TimerFired())).size());
    }

    @Test
    void shutdownAnswersEveryHeldWatchAndLaterWatchesAtOnce() {
        long v = currentVersion(0);
        watch(1, v, WAIT_MS);
        watch(1, v, WAIT_MS);
        assertEquals(2, answers(step(2, new Input.Shutdown())).size());
        assertEquals(0, engine.heldWatches());
        assertEquals(1, answers(watch(3, v, WAIT_MS)).size(), "a stopped node holds nothing");
        assertEquals(0, engine.heldWatches());
    }

    @Test
    void aRestartedEngineAnswersAVersionOfItsPredecessorAtOnce() {
        long v = currentVersion(0);
        watch(1, v, WAIT_MS);
        // Crash: the held watch dies with the engine (the driver fails the call); the new engine
        // has the same status but a version of its own, so the caller hears from it at once.
        engine = newEngine(2);
        now = 0;
        List<ApiResponse.Watched> w = answers(watch(5, v, WAIT_MS));
        assertEquals(1, w.size());
        assertNotEquals(v, w.get(0).version());
        assertTrue(w.get(0).version() != ApiRequest.Watch.UNKNOWN_VERSION);
    }
}
