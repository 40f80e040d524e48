package org.trustquorum.sim.check;

import java.util.List;
import org.trustquorum.core.engine.Output;
import org.trustquorum.core.engine.ProxyTracker;
import org.trustquorum.core.msg.WireMsg;

/**
 * A Proxy call either is answered at once with an error, or registers one tracked request whose
 * frame is handed to the network in the same step - never tracked without being sent (§4.3 cases 1, 2).
 */
public final class ProxyCallSentOrRefused {
    public static final String NAME = "proxy-call-sent-or-refused";

    private ProxyCallSentOrRefused() {}

    public static void check(String node, long replyId, List<Output> outputs, ProxyTracker tracker) {
        boolean replied = false;
        for (Output o : outputs) {
            if (o instanceof Output.Reply r && r.replyId() == replyId) {
                replied = true;
            }
        }
        ProxyTracker.Request tracked = null;
        if (tracker.size() > 0) {
            for (ProxyTracker.Request r : tracker.inFlight()) {
                if (r.replyId() == replyId) {
                    tracked = r;
                }
            }
        }
        if (replied) {
            if (tracked != null) {
                throw new Violation(NAME, node + " answered proxy call " + replyId + " and still tracks it");
            }
            return;
        }
        if (tracked == null) {
            throw new Violation(NAME, node + " neither answered nor tracks proxy call " + replyId);
        }
        int frames = 0;
        for (Output o : outputs) {
            if (o instanceof Output.SendFrame f && f.msg() instanceof WireMsg.ProxyRequest pr
                    && pr.requestId() == tracked.requestId()) {
                frames++;
                if (f.incarnation() != tracked.incarnation()) {
                    throw new Violation(NAME, node + " tracks proxy request " + tracked.requestId() + " on incarnation "
                            + tracked.incarnation() + " but sent it on " + f.incarnation());
                }
            }
        }
        if (frames != 1) {
            throw new Violation(NAME, node + " tracks proxy request " + tracked.requestId() + " for call " + replyId
                    + " but handed " + frames + " frames for it to the network");
        }
    }
}
