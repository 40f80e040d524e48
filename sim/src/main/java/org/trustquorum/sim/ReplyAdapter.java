package org.trustquorum.sim;

import org.trustquorum.core.controlplane.CpReply;
import org.trustquorum.core.engine.ApiResponse;
import org.trustquorum.core.engine.NetworkConfigGossip;
import org.trustquorum.core.engine.ProxyError;
import org.trustquorum.core.model.Result;
import org.trustquorum.core.msg.ProxyResult;
import org.trustquorum.sim.check.Violation;

/**
 * Turns an engine's {@code Output.Reply} payload into what its caller sees. Proxy and
 * network-config replies come either as raw {@link Result}s or wrapped in
 * {@link ApiResponse.Proxied} / {@link ApiResponse.NetworkConfigUpdated}; both forms are accepted.
 */
final class ReplyAdapter {
    /** A reply whose type does not fit its call. */
    static final String REPLY_TYPE = "reply-type";

    private ReplyAdapter() {}

    /** The control plane's view of the answer to one of its calls. */
    static CpReply toCpReply(Object response) {
        if (response instanceof ApiResponse r) {
            return switch (r) {
                case ApiResponse.Reconfigured x -> switch (x.result()) {
                    case Result.Ok<?, ?> ok -> new CpReply.Reconfigured(
                            (org.trustquorum.core.protocol.ReconfigureOutcome) ok.value());
                    case Result.Err<?, ?> err -> new CpReply.Refused((org.trustquorum.core.api.NodeError) err.error());
                };
                case ApiResponse.Committed x -> commit(x.result());
                case ApiResponse.PreparedAndCommitted x -> commit(x.result());
                case ApiResponse.StatusReport x -> new CpReply.StatusReport(x.status());
                case ApiResponse.Proxied x -> fromProxy(x.result());
                case ApiResponse.SecretLoaded x -> throw unexpected(r);
                case ApiResponse.SecretsCleared x -> throw unexpected(r);
                case ApiResponse.NetworkConfigUpdated x -> throw unexpected(r);
            };
        }
        if (response instanceof Result<?, ?> raw) {
            return fromProxy(raw);
        }
        throw unexpected(response);
    }

    private static CpReply commit(Result<?, ?> r) {
        return switch (r) {
            case Result.Ok<?, ?> ok -> new CpReply.Committed((org.trustquorum.core.api.CommitStatus) ok.value());
            case Result.Err<?, ?> err -> new CpReply.Refused((org.trustquorum.core.api.NodeError) err.error());
        };
    }

    /** A proxy call's outcome as the control plane sees it. */
    static CpReply fromProxy(Result<?, ?> r) {
        return switch (r) {
            case Result.Ok<?, ?> ok -> {
                if (!(ok.value() instanceof ProxyResult pr)) {
                    throw unexpected(ok.value());
                }
                yield switch (pr) {
                    case ProxyResult.Commit c -> new CpReply.Committed(c.status());
                    case ProxyResult.Status s -> new CpReply.StatusReport(s.status());
                    case ProxyResult.Failed f -> new CpReply.Refused(f.error());
                };
            }
            case Result.Err<?, ?> err -> {
                if (!(err.error() instanceof ProxyError pe)) {
                    throw unexpected(err.error());
                }
                yield switch (pe) {
                    case ProxyError.Inner i -> new CpReply.Refused(i.error());
                    case ProxyError.Disconnected d -> new CpReply.Unreachable("proxy: disconnected from " + d.destination());
                    case ProxyError.Busy b -> new CpReply.Unreachable("proxy: busy (" + b.which() + ")");
                    case ProxyError.Timeout t -> new CpReply.Unreachable("proxy: timeout after " + t.afterMs() + " ms");
                    case ProxyError.InvalidResponse i -> new CpReply.Unreachable("proxy: invalid response, expected "
                            + i.expected() + ", got " + i.received());
                    case ProxyError.Shutdown s -> new CpReply.Unreachable("proxy: shutdown");
                };
            }
        };
    }

    /** The outcome of a proxy call: the payload must be a proxy result in one of its two forms. */
    static Result<?, ?> proxyOutcome(Object response) {
        if (response instanceof ApiResponse.Proxied p) {
            return p.result();
        }
        if (response instanceof Result<?, ?> raw
                && (raw instanceof Result.Ok<?, ?> ok ? ok.value() instanceof ProxyResult
                        : ((Result.Err<?, ?>) raw).error() instanceof ProxyError)) {
            return raw;
        }
        throw unexpected(response);
    }

    /** The outcome of a network-config update, in one of its two forms. */
    static Result<?, ?> networkConfigOutcome(Object response) {
        if (response instanceof ApiResponse.NetworkConfigUpdated u) {
            return u.result();
        }
        if (response instanceof Result<?, ?> raw
                && (raw instanceof Result.Ok<?, ?> ok ? ok.value() instanceof Long
                        : ((Result.Err<?, ?>) raw).error() instanceof NetworkConfigGossip.UpdateError)) {
            return raw;
        }
        throw unexpected(response);
    }

    private static Violation unexpected(Object response) {
        return new Violation(REPLY_TYPE, "a reply of unexpected type: " + response);
    }
}
