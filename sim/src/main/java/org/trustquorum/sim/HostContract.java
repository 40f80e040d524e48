package org.trustquorum.sim;

import org.trustquorum.core.engine.EngineHost;
import org.trustquorum.core.engine.Output;
import org.trustquorum.core.msg.WireMsg;
import org.trustquorum.sim.check.EngineInvariants;
import org.trustquorum.sim.check.ExitIsProcessed;
import org.trustquorum.sim.check.NoSendAfterClose;
import org.trustquorum.sim.check.Violation;

/** Maps a broken {@link EngineHost} contract to the simulator's check that names it. */
final class HostContract {
    private HostContract() {
    }

    /** The host's per-incarnation rule as the simulator's check that has always stated it. */
    static Violation violation(String node, EngineHost.ContractBroken b) {
        long inc = b.incarnation();
        return switch (b.rule()) {
            case SEND_ON_GONE -> NoSendAfterClose.of(node, inc,
                    WireMsg.kind(((Output.SendFrame) b.output()).msg()), "has exited or was never allocated");
            case SEND_ON_CLOSED -> NoSendAfterClose.of(node, inc,
                    WireMsg.kind(((Output.SendFrame) b.output()).msg()), "the engine had closed");
            case CLOSE_ON_GONE -> new Violation(ExitIsProcessed.NAME, node + " closed incarnation " + inc
                    + " after its exit was delivered (or it was never allocated)");
            case CLOSE_ON_CLOSED -> new Violation(ExitIsProcessed.NAME, node + " closed incarnation " + inc + " twice");
            case ALLOCATED_TWICE -> new Violation(EngineInvariants.NAME, node + (b.output() instanceof Output.Dial
                    ? " dialed" : " accepted") + " on incarnation " + inc + ", which it had already allocated");
        };
    }
}
