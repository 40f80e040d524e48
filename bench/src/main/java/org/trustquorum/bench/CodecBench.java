package org.trustquorum.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.trustquorum.core.api.NodeStatus;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.RackId;
import org.trustquorum.core.msg.ProxyOp;
import org.trustquorum.core.msg.ProxyResult;
import org.trustquorum.core.msg.WireMsg;
import org.trustquorum.runtime.wire.FrameDecodeException;
import org.trustquorum.runtime.wire.WireCodec;
import org.trustquorum.sim.Simulation;

/**
 * The runtime's Kryo frame codec ({@link WireCodec}) on the messages of a proxied status round
 * trip: the request, and the answer with the status of a node of a 16-node rack.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBench {
    /** Members of the rack whose status is encoded. */
    static final int RACK_NODES = 16;
    /** Committed configurations in that status. */
    static final int EPOCHS = 3;

    private final WireCodec codec = new WireCodec();
    private WireMsg request;
    private WireMsg response;
    private byte[] requestBytes;
    private byte[] responseBytes;

    @Setup
    public void setup() {
        List<NodeId> peers = new ArrayList<>();
        for (int i = 1; i < RACK_NODES; i++) {
            peers.add(Simulation.nodeId(i));
        }
        List<Epoch> epochs = new ArrayList<>();
        for (int e = 1; e <= EPOCHS; e++) {
            epochs.add(Epoch.of(e));
        }
        NodeStatus status = new NodeStatus(Simulation.nodeId(0), peers, List.of(), new RackId(0x1234L, 0x5678L),
                epochs, epochs, epochs, null, null, null, List.of());
        request = new WireMsg.ProxyRequest(1, new ProxyOp.Status());
        response = new WireMsg.ProxyResponse(1, new ProxyResult.Status(status));
        requestBytes = codec.encode(request);
        responseBytes = codec.encode(response);
    }

    @Benchmark
    public byte[] encodeStatusRequest() {
        return codec.encode(request);
    }

    @Benchmark
    public WireMsg decodeStatusRequest() throws FrameDecodeException {
        return codec.decode(requestBytes);
    }

    @Benchmark
    public byte[] encodeStatusResponse() {
        return codec.encode(response);
    }

    @Benchmark
    public WireMsg decodeStatusResponse() throws FrameDecodeException {
        return codec.decode(responseBytes);
    }
}
