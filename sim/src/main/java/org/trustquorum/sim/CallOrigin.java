package org.trustquorum.sim;

import org.trustquorum.core.controlplane.CpCall;
import org.trustquorum.core.model.Epoch;

/** Who made an API call, so its reply can be routed (and checked). */
sealed interface CallOrigin {
    /**
     * A control-plane call (direct, or to the proxy node when {@code call.via()} is set). When
     * {@code answerLost}, the node runs it but its answer is lost on the management network: the
     * control plane hears Unreachable instead.
     */
    record ControlPlane(int cpLife, CpCall call, boolean answerLost) implements CallOrigin {}

    /** An operator's LoadRackSecret; {@code liveness} for the loads of the convergence check. */
    record Load(Epoch epoch, int attempt, boolean liveness) implements CallOrigin {}

    /** A proxied Status call made by the scenario. */
    record ProxyStatus() implements CallOrigin {}

    /** An operator's Commit (direct or proxied). */
    record OperatorCommit() implements CallOrigin {}

    /** An operator's ClearSecrets. */
    record ClearSecrets() implements CallOrigin {}

    /**
     * A reconfiguration request without the control plane's signature, made by someone holding
     * the admin token but not the control plane's key (hostile runs): it must be refused.
     */
    record RogueReconfigure() implements CallOrigin {}

    /** A network-config update made by the scenario. */
    record NetConfig(long generation) implements CallOrigin {}
}
