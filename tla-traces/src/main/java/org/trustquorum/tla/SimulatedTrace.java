package org.trustquorum.tla;

import java.io.StringWriter;
import org.trustquorum.sim.EngineCallRecorder;
import org.trustquorum.sim.RunResult;
import org.trustquorum.sim.RunSpec;
import org.trustquorum.sim.Simulation;
import org.trustquorum.sim.log.JsonlSink;

/**
 * One simulator run with its JSONL trace, and the trace's spec events.
 *
 * @param spec    what was run
 * @param result  how the simulator judged it
 * @param jsonl   the simulator's trace; for a failing run, with the event its check stopped at
 *                added (see {@link ViolatingStepRecovery})
 * @param adapted the spec events, or null if the trace could not be adapted
 * @param error   why it could not be adapted, or null
 */
public record SimulatedTrace(RunSpec spec, RunResult result, String jsonl, SimTraceAdapter.Adapted adapted,
        String error) {

    /** Runs the simulator in-process with a trace sink and adapts the trace. */
    public static SimulatedTrace run(RunSpec spec) {
        StringWriter trace = new StringWriter();
        JsonlSink sink = new JsonlSink(trace);
        EngineCallRecorder calls = new EngineCallRecorder();
        RunResult result = new Simulation(spec, sink).recordEngineCalls(calls).run();
        sink.close();
        // the event that broke a check on a persist or a frame is not in the trace: add it
        String jsonl = ViolatingStepRecovery.complete(trace.toString(), spec, result, calls.calls());
        try {
            return new SimulatedTrace(spec, result, jsonl, SimTraceAdapter.adapt(jsonl), null);
        } catch (TraceFormatException e) {
            return new SimulatedTrace(spec, result, jsonl, null, "cannot adapt the simulator trace: " + e.getMessage());
        }
    }
}
