package org.trustquorum.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.trustquorum.core.engine.EngineHarness.B;
import static org.trustquorum.core.engine.EngineHarness.C;
import static org.trustquorum.core.engine.EngineHarness.D;
import static org.trustquorum.core.engine.EngineHarness.E;
import static org.trustquorum.core.engine.EngineHarness.effects;
import static org.trustquorum.core.engine.EngineHarness.only;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.trustquorum.core.model.Result;
import org.trustquorum.core.msg.WireMsg;

/** The network-config gossip rules, alone and inside the engine. */
class NetworkConfigGossipTest {
    private static WireMsg.NetworkConfig nc(long generation) {
        return new WireMsg.NetworkConfig(generation, new byte[] {(byte) generation});
    }

    @Test
    void aStrictlyNewerValueReplacesOursAndIsForwardedToEveryPeerButTheSender() {
        NetworkConfigGossip g = new NetworkConfigGossip(nc(3));
        assertEquals(Optional.of(List.of(B, D)), g.onReceived(C, nc(4), List.of(D, C, B)));
        assertEquals(Optional.of(nc(4)), g.current());
    }

    @Test
    void anEqualOrOlderValueIsIgnored() {
        NetworkConfigGossip g = new NetworkConfigGossip(nc(4));
        assertEquals(Optional.empty(), g.onReceived(C, new WireMsg.NetworkConfig(4, new byte[] {9}), List.of(B)));
        assertEquals(Optional.empty(), g.onReceived(C, nc(2), List.of(B)));
        assertEquals(Optional.of(nc(4)), g.current());
        assertEquals(2, g.ignoredCount());
    }

    @Test
    void anyValueIsNewerThanNone() {
        NetworkConfigGossip g = new NetworkConfigGossip();
        assertEquals(Optional.empty(), g.onConnected());
        assertEquals(Optional.of(List.of()), g.onReceived(B, nc(0), List.of(B)));
        assertEquals(Optional.of(nc(0)), g.onConnected());
    }

    @Test
    void aLocalUpdateThatIsNotNewerIsAnErrorValueAndChangesNothing() {
        NetworkConfigGossip g = new NetworkConfigGossip(nc(5));
        assertEquals(Result.err(new NetworkConfigGossip.UpdateError.StaleGeneration(5, 5)),
                g.onLocalUpdate(5, new byte[] {1}, List.of(B)));
        assertEquals(Result.err(new NetworkConfigGossip.UpdateError.StaleGeneration(5, 4)),
                g.onLocalUpdate(4, new byte[] {1}, List.of(B)));
        assertEquals(Optional.of(nc(5)), g.current());
        assertEquals(Result.ok(List.of(B, C)), g.onLocalUpdate(6, new byte[] {6}, List.of(C, B)));
        assertEquals(Optional.of(nc(6)), g.current());
    }

    @Test
    void anOversizedLocalUpdateIsAnErrorValue() {
        NetworkConfigGossip g = new NetworkConfigGossip();
        int tooBig = WireMsg.NetworkConfig.MAX_BLOB_BYTES + 1;
        assertEquals(Result.err(new NetworkConfigGossip.UpdateError.TooLarge(tooBig, WireMsg.NetworkConfig.MAX_BLOB_BYTES)),
                g.onLocalUpdate(1, new byte[tooBig], List.of()));
        assertEquals(Optional.empty(), g.current());
    }

    @Test
    void theEngineForwardsANewerValueToOtherPeersAndSendsTheCurrentOneOnEveryNewConnection() {
        EngineHarness h = new EngineHarness();
        long incB = h.connectInbound(B);
        long incC = h.connectInbound(C);
        long incD = h.connectInbound(D);

        List<Output> out = h.step(new Input.FrameReceived(incB, nc(5)));
        assertEquals(List.of(new Output.SendFrame(incC, nc(5)), new Output.SendFrame(incD, nc(5))),
                only(out, Output.SendFrame.class));

        out = h.step(new Input.FrameReceived(incC, nc(5)));
        assertEquals(List.of(), only(out, Output.SendFrame.class), "an equal generation is not re-broadcast");
        out = h.step(new Input.FrameReceived(incD, nc(1)));
        assertEquals(List.of(), only(out, Output.SendFrame.class), "an older generation is not re-broadcast");

        long incE = h.accept();
        out = h.step(new Input.ConnEstablished(incE, E));
        assertEquals(List.of(new Output.SendFrame(incE, nc(5))), only(out, Output.SendFrame.class));
    }

    @Test
    void theEngineAnswersLocalUpdatesAndBroadcastsAcceptedOnes() {
        EngineHarness h = new EngineHarness();
        long incB = h.connectInbound(B);
        long incC = h.connectInbound(C);

        List<Output> out = h.step(new Input.ApiCall(1, new ApiRequest.UpdateNetworkConfig(7, new byte[] {7})));
        assertEquals(List.of(new Output.SendFrame(incB, nc(7)), new Output.SendFrame(incC, nc(7)),
                new Output.Reply(1, new ApiResponse.NetworkConfigUpdated(Result.ok(7L)))), effects(out));

        out = h.step(new Input.ApiCall(2, new ApiRequest.UpdateNetworkConfig(7, new byte[] {8})));
        assertEquals(List.of(new Output.Reply(2, new ApiResponse.NetworkConfigUpdated(Result.err(new NetworkConfigGossip.UpdateError.StaleGeneration(7, 7))))),
                effects(out));

        h.step(new Input.Shutdown());
        out = h.step(new Input.ApiCall(3, new ApiRequest.UpdateNetworkConfig(8, new byte[] {8})));
        assertEquals(List.of(new Output.Reply(3, new ApiResponse.NetworkConfigUpdated(Result.err(new NetworkConfigGossip.UpdateError.ShuttingDown())))),
                effects(out));
        assertFalse(h.engine.gossip().current().orElseThrow().generation() == 8);
    }
}
