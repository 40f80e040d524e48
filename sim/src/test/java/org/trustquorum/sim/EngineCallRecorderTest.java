package org.trustquorum.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.trustquorum.core.Mutation;
import org.trustquorum.core.engine.Input;
import org.trustquorum.core.model.KeyShare;
import org.trustquorum.core.msg.PeerMsg;
import org.trustquorum.core.msg.WireMsg;

/** The recorded engine calls of a run can be fed again to fresh engines and mean the same. */
class EngineCallRecorderTest {

    @Test
    void recordedSharesSurviveTheEnginesWipingTheOnesItReceived() {
        RunSpec spec = RunSpec.generate(1, 4, FaultProfile.SWARM, Mutation.NONE);
        EngineCallRecorder rec = new EngineCallRecorder();
        assertTrue(new Simulation(spec).recordEngineCalls(rec).run().passed());
        List<KeyShare> shares = rec.calls().stream()
                .filter(c -> c.input() instanceof Input.FrameReceived)
                .map(c -> ((Input.FrameReceived) c.input()).msg())
                .filter(m -> m instanceof WireMsg.Protocol)
                .map(m -> ((WireMsg.Protocol) m).msg())
                .<KeyShare>mapMulti((m, out) -> {
                    if (m instanceof PeerMsg.Prepare p) {
                        out.accept(p.share());
                    } else if (m instanceof PeerMsg.Share s) {
                        out.accept(s.share());
                    }
                })
                .toList();
        assertFalse(shares.isEmpty(), "the run delivered no Prepare or Share");
        for (KeyShare s : shares) {
            boolean allZero = true;
            for (int i = 0; i < KeyShare.SECRET_LENGTH_BYTES; i++) {
                allZero &= s.yAt(i) == 0;
            }
            assertFalse(allZero, "a recorded share was wiped by the engine that received it: x=" + s.x());
        }
    }

    @Test
    void replayingTheRecordedCallsGivesTheSameResultTwice() {
        RunSpec spec = RunSpec.generate(2, 4, FaultProfile.SWARM, Mutation.NONE);
        EngineCallRecorder rec = new EngineCallRecorder();
        new Simulation(spec).recordEngineCalls(rec).run();
        assertEquals(EngineCallRecorder.replay(spec, rec.calls()), EngineCallRecorder.replay(spec, rec.calls()));
    }
}
