package org.trustquorum.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.trustquorum.core.controlplane.CpReply;
import org.trustquorum.core.engine.ApiRequest;
import org.trustquorum.core.engine.ApiResponse;
import org.trustquorum.core.engine.Input;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.Result;
import org.trustquorum.core.msg.PeerMsg;
import org.trustquorum.core.msg.ProxyOp;
import org.trustquorum.core.msg.ProxyResult;
import org.trustquorum.core.msg.WireMsg;

/**
 * How a run renders what happens: the numeric codes that go into the event log (and so the digest) and the
 * readable text for the event sink and watchers. Pure functions of their arguments and of the fixed node table.
 */
final class EventText {
    private final SimNode[] nodes;
    private final Map<NodeId, SimNode> byId;

    EventText(SimNode[] nodes, Map<NodeId, SimNode> byId) {
        this.nodes = nodes;
        this.byId = byId;
    }

    // =============================================================================================
    // Encoding for the digest and the readable log

    long inputCode(Input in) {
        return switch (in) {
            case Input.ApiCall c -> (1L << 56) | requestCode(c.request());
            case Input.FrameReceived f -> (2L << 56) | ((long) wireCode(f.msg()) << 32) | (wireEpoch(f.msg()) & 0xFFFFFFFFL);
            case Input.ConnEstablished e -> (3L << 56) | byId.get(e.peer()).index;
            case Input.ConnExited x -> (4L << 56) | x.cause().ordinal();
            case Input.FramesFlushed f -> (5L << 56) | f.count();
            case Input.TimerFired t -> 6L << 56;
            case Input.PeersChanged p -> 7L << 56;
            case Input.Shutdown s -> 8L << 56;
            case Input.Accept a -> 9L << 56;
        };
    }

    static long inputDetail(Input in) {
        return switch (in) {
            case Input.ApiCall c -> c.replyId();
            case Input.FrameReceived f -> f.incarnation();
            case Input.ConnEstablished e -> e.incarnation();
            case Input.ConnExited x -> x.incarnation();
            case Input.FramesFlushed f -> f.incarnation();
            case Input.TimerFired t -> 0;
            case Input.PeersChanged p -> p.peers().size();
            case Input.Shutdown s -> 0;
            case Input.Accept a -> 0;
        };
    }

    static int requestCode(ApiRequest r) {
        return switch (r) {
            case ApiRequest.Reconfigure x -> 1;
            case ApiRequest.Commit x -> 2;
            case ApiRequest.PrepareAndCommit x -> 3;
            case ApiRequest.LoadRackSecret x -> 4;
            case ApiRequest.Status x -> 5;
            case ApiRequest.ClearSecrets x -> 6;
            case ApiRequest.Proxy x -> 7 + 16 * opCode(x.op());
            case ApiRequest.UpdateNetworkConfig x -> 8;
            case ApiRequest.Watch x -> 9;
        };
    }

    static int opCode(ProxyOp op) {
        return switch (op) {
            case ProxyOp.Commit c -> 1;
            case ProxyOp.PrepareAndCommit p -> 2;
            case ProxyOp.Status s -> 3;
        };
    }

    static int wireCode(WireMsg m) {
        return switch (m) {
            case WireMsg.Ping p -> 1;
            case WireMsg.Protocol p -> 10 + switch (p.msg()) {
                case PeerMsg.Prepare x -> 1;
                case PeerMsg.PrepareAck x -> 2;
                case PeerMsg.GetShare x -> 3;
                case PeerMsg.Share x -> 4;
                case PeerMsg.CommitAdvance x -> 5;
                case PeerMsg.Expunged x -> 6;
            };
            case WireMsg.NetworkConfig n -> 30;
            case WireMsg.ProxyRequest r -> 40 + opCode(r.op());
            case WireMsg.ProxyResponse r -> 50 + switch (r.result()) {
                case ProxyResult.Commit c -> 1;
                case ProxyResult.Status s -> 2;
                case ProxyResult.Failed f -> 3;
            };
        };
    }

    static long wireEpoch(WireMsg m) {
        return switch (m) {
            case WireMsg.Protocol p -> PeerMsg.epochOf(p.msg()).value();
            case WireMsg.NetworkConfig n -> n.generation();
            case WireMsg.ProxyRequest r -> r.requestId();
            case WireMsg.ProxyResponse r -> r.requestId();
            case WireMsg.Ping p -> 0;
        };
    }

    static int replyCode(CpReply r) {
        return switch (r) {
            case CpReply.Reconfigured x -> 1;
            case CpReply.Committed x -> 2 + x.status().ordinal();
            case CpReply.StatusReport x -> 4;
            case CpReply.Refused x -> 5;
            case CpReply.Unreachable x -> 6;
            case CpReply.Watched x -> 7;
        };
    }

    String describe(Input in) {
        return switch (in) {
            case Input.ApiCall c -> "api-call " + c.replyId() + " " + describeRequest(c.request());
            case Input.FrameReceived f -> "frame inc " + f.incarnation() + " " + WireMsg.kind(f.msg());
            case Input.ConnEstablished e -> "established inc " + e.incarnation() + " " + byId.get(e.peer()).name;
            case Input.ConnExited x -> "exited inc " + x.incarnation() + " " + x.cause();
            case Input.FramesFlushed f -> "flushed inc " + f.incarnation() + " count " + f.count();
            case Input.TimerFired t -> "timer";
            case Input.PeersChanged p -> "peers " + p.peers().size();
            case Input.Shutdown s -> "shutdown";
            case Input.Accept a -> "accept";
        };
    }

    String describeRequest(ApiRequest r) {
        return switch (r) {
            case ApiRequest.Proxy p -> "Proxy(" + ProxyOp.kind(p.op()) + " to " + byId.get(p.destination()).name + ")";
            case ApiRequest.Reconfigure x -> "Reconfigure(epoch " + x.request().epoch() + ")";
            case ApiRequest.Commit x -> "Commit(epoch " + x.epoch() + ")";
            case ApiRequest.PrepareAndCommit x -> "PrepareAndCommit(epoch " + x.config().epoch() + ")";
            case ApiRequest.LoadRackSecret x -> "LoadRackSecret(epoch " + x.epoch() + ")";
            case ApiRequest.Status x -> "Status";
            case ApiRequest.ClearSecrets x -> "ClearSecrets";
            case ApiRequest.UpdateNetworkConfig x -> "UpdateNetworkConfig(generation " + x.generation() + ")";
            case ApiRequest.Watch x -> "Watch(wait " + x.maxWaitMs() + " ms)";
        };
    }

    static String describeCpReply(CpReply r) {
        return switch (r) {
            case CpReply.Reconfigured x -> "Reconfigured(" + x.outcome() + ")";
            case CpReply.Committed x -> "Committed(" + x.status() + ")";
            case CpReply.StatusReport x -> "Status(committed " + x.status().committedEpochs() + ")";
            case CpReply.Refused x -> "Refused(" + x.error() + ")";
            case CpReply.Unreachable x -> "Unreachable(" + x.reason() + ")";
            case CpReply.Watched x -> "Watched(committed " + x.status().committedEpochs() + ")";
        };
    }

    static String describeResponse(Object response) {
        if (response instanceof ApiResponse r) {
            return switch (r) {
                case ApiResponse.StatusReport s -> "StatusReport";
                case ApiResponse.Watched s -> "Watched";
                case ApiResponse.SecretLoaded s -> s.result().isOk()
                        ? (((Optional<?>) s.result().orElseThrow()).isPresent() ? "SecretLoaded" : "Collecting")
                        : "SecretLoaded(" + s.result().errorOrThrow() + ")";
                case ApiResponse.Reconfigured x -> x.toString();
                case ApiResponse.Committed x -> x.toString();
                case ApiResponse.PreparedAndCommitted x -> x.toString();
                case ApiResponse.SecretsCleared x -> x.toString();
                case ApiResponse.Proxied x -> x.toString();
                case ApiResponse.NetworkConfigUpdated x -> x.toString();
            };
        }
        if (response instanceof Result.Ok<?, ?> ok && ok.value() instanceof ProxyResult.Status) {
            return "Ok(Status)";
        }
        return String.valueOf(response);
    }

    Object[] msgFields(SimNode n, SimConn.End e, WireMsg msg) {
        Object epoch = null;
        Object requestId = null;
        String kind = WireMsg.kind(msg);
        switch (msg) {
            case WireMsg.Protocol p -> epoch = PeerMsg.epochOf(p.msg()).value();
            case WireMsg.ProxyRequest r -> requestId = r.requestId();
            case WireMsg.ProxyResponse r -> requestId = r.requestId();
            case WireMsg.NetworkConfig c -> epoch = c.generation();
            case WireMsg.Ping p -> { }
        }
        return new Object[] {"node", n.name, "inc", e.inc, "peer", e.peerNode().name, "msg", kind, "epoch", epoch,
                "requestId", requestId};
    }

    List<String> names(List<Integer> indices) {
        List<String> out = new ArrayList<>();
        for (int i : indices) {
            out.add(nodes[i].name);
        }
        return out;
    }


    String nameOf(NodeId id) {
        SimNode n = id == null ? null : byId.get(id);
        return n != null ? n.name : String.valueOf(id);
    }

    List<String> namesOf(List<NodeId> ids) {
        List<String> out = new ArrayList<>(ids.size());
        for (NodeId id : ids) {
            out.add(nameOf(id));
        }
        return out;
    }


    static List<Long> epochs(List<Epoch> es) {
        List<Long> out = new ArrayList<>(es.size());
        for (Epoch e : es) {
            out.add(e.value());
        }
        return out;
    }
}
