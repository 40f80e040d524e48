package org.trustquorum.core.controlplane;

import org.trustquorum.core.api.NodeError;
import org.trustquorum.core.engine.ApiRequest;
import org.trustquorum.core.engine.ApiResponse;
import org.trustquorum.core.engine.ProxyError;
import org.trustquorum.core.model.Result;
import org.trustquorum.core.msg.ProxyOp;
import org.trustquorum.core.msg.ProxyResult;

/**
 * Turns a control-plane call into the API request its entry node receives (the call itself, or a
 * proxy request to the target), and that node's reply back into a {@link CpReply}. Both drivers
 * (simulator and runtime) use this, so the control plane sees the same answers everywhere.
 */
public final class CpBridge {
    private CpBridge() {}

    /** The API request to give to {@link CpCall#via()} (proxied) or {@link CpCall#target()} (direct). */
    public static ApiRequest toApi(CpCall call) {
        if (call.proxied()) {
            ProxyOp op = switch (call.request()) {
                case CpRequest.Commit c -> new ProxyOp.Commit(c.rackId(), c.epoch(), c.commitSignature());
                case CpRequest.PrepareAndCommit p -> new ProxyOp.PrepareAndCommit(p.config(), p.commitSignature());
                case CpRequest.Status s -> new ProxyOp.Status();
                // A proxied request cannot be held (the proxy's deadline is shorter than a watch's
                // wait): through a proxy a watch is a plain status call, answered at once.
                case CpRequest.Watch w -> new ProxyOp.Status();
                case CpRequest.Reconfigure r ->
                        throw new IllegalArgumentException("reconfiguration is never proxied: the coordinator is reachable");
            };
            return new ApiRequest.Proxy(call.target(), op);
        }
        return switch (call.request()) {
            case CpRequest.Reconfigure r -> new ApiRequest.Reconfigure(r.request());
            case CpRequest.Commit c -> new ApiRequest.Commit(c.rackId(), c.epoch(), c.commitSignature());
            case CpRequest.PrepareAndCommit p -> new ApiRequest.PrepareAndCommit(p.config(), p.commitSignature());
            case CpRequest.Status s -> new ApiRequest.Status();
            case CpRequest.Watch w -> new ApiRequest.Watch(w.knownVersion(), w.maxWaitMs());
        };
    }

    /** The control plane's view of the entry node's reply. */
    public static CpReply fromApi(ApiResponse response) {
        return switch (response) {
            case ApiResponse.Reconfigured r -> fold(r.result(), CpReply.Reconfigured::new);
            case ApiResponse.Committed c -> fold(c.result(), CpReply.Committed::new);
            case ApiResponse.PreparedAndCommitted p -> fold(p.result(), CpReply.Committed::new);
            case ApiResponse.StatusReport s -> new CpReply.StatusReport(s.status());
            case ApiResponse.Watched w -> new CpReply.Watched(w.version(), w.status());
            case ApiResponse.Proxied p -> fromProxy(p.result());
            case ApiResponse.SecretLoaded s -> new CpReply.Unreachable("unexpected reply: secret load");
            case ApiResponse.SecretsCleared s -> new CpReply.Unreachable("unexpected reply: secrets cleared");
            case ApiResponse.NetworkConfigUpdated n -> new CpReply.Unreachable("unexpected reply: network config");
        };
    }

    private static CpReply fromProxy(Result<ProxyResult, ProxyError> r) {
        return switch (r) {
            case Result.Ok<ProxyResult, ProxyError> ok -> switch (ok.value()) {
                case ProxyResult.Commit c -> new CpReply.Committed(c.status());
                case ProxyResult.Status s -> new CpReply.StatusReport(s.status());
                case ProxyResult.Failed f -> new CpReply.Refused(f.error());
            };
            // The destination's own refusal is a refusal, whichever way the call travelled.
            case Result.Err<ProxyResult, ProxyError> err -> err.error() instanceof ProxyError.Inner inner
                    ? new CpReply.Refused(inner.error())
                    : new CpReply.Unreachable("proxy: " + err.error());
        };
    }

    private static <T, E extends NodeError> CpReply fold(Result<T, E> r, java.util.function.Function<T, CpReply> ok) {
        return switch (r) {
            case Result.Ok<T, E> v -> ok.apply(v.value());
            case Result.Err<T, E> e -> new CpReply.Refused(e.error());
        };
    }

}
