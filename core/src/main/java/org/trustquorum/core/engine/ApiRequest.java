package org.trustquorum.core.engine;

import java.util.Arrays;
import org.trustquorum.core.Check;
import org.trustquorum.core.api.ReconfigureRequest;
import org.trustquorum.core.model.Configuration;
import org.trustquorum.core.model.CpSignature;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.RackId;
import org.trustquorum.core.msg.ProxyOp;

/** The node API as the engine receives it (one record per call). */
public sealed interface ApiRequest {

    record Reconfigure(ReconfigureRequest request) implements ApiRequest {
        public Reconfigure {
            Check.notNull(request, "request");
        }
    }

    /** {@code commitSignature} is the control plane's signed commit decision (null if unsigned: refused). */
    record Commit(RackId rackId, Epoch epoch, CpSignature commitSignature) implements ApiRequest {
        public Commit {
            Check.notNull(rackId, "rack id");
            Check.notNull(epoch, "epoch");
        }
    }

    record PrepareAndCommit(Configuration config, CpSignature commitSignature) implements ApiRequest {
        public PrepareAndCommit {
            Check.notNull(config, "config");
        }
    }

    record LoadRackSecret(Epoch epoch) implements ApiRequest {
        public LoadRackSecret {
            Check.notNull(epoch, "epoch");
        }
    }

    record Status() implements ApiRequest {}

    record ClearSecrets() implements ApiRequest {}

    /**
     * The node's status, once it differs from the one the caller knows: answered at once when
     * {@code knownVersion} is not the node's current status version, otherwise held until the status
     * changes or {@code maxWaitMs} passes (a long poll), and answered with {@link ApiResponse.Watched}.
     */
    record Watch(long knownVersion, long maxWaitMs) implements ApiRequest {
        /** The version of a caller that knows no status of this node (answered at once). */
        public static final long UNKNOWN_VERSION = 0;
        /** Longest wait a watch may ask for; below the admin API's call and idle timeouts. */
        public static final long MAX_WAIT_MS = 20_000;

        public Watch {
            Check.argument(maxWaitMs >= 0 && maxWaitMs <= MAX_WAIT_MS, "watch wait %d ms outside 0..%d", maxWaitMs,
                    MAX_WAIT_MS);
        }
    }

    /** Ask {@code destination} to run {@code op} and answer with its result. */
    record Proxy(NodeId destination, ProxyOp op) implements ApiRequest {
        public Proxy {
            Check.notNull(destination, "destination");
            Check.notNull(op, "op");
        }
    }

    /** Replace the gossiped network configuration; {@code generation} must exceed the current one. */
    record UpdateNetworkConfig(long generation, byte[] blob) implements ApiRequest {
        public UpdateNetworkConfig {
            Check.notNull(blob, "blob");
            blob = blob.clone();
        }

        @Override
        public byte[] blob() {
            return blob.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof UpdateNetworkConfig other && generation == other.generation
                    && Arrays.equals(blob, other.blob);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(generation) * 31 + Arrays.hashCode(blob);
        }

        @Override
        public String toString() {
            return "UpdateNetworkConfig[generation=" + generation + ", " + blob.length + " bytes]";
        }
    }

    /** Short name of the call, for traces. */
    static String kind(ApiRequest request) {
        return switch (request) {
            case Reconfigure r -> "Reconfigure";
            case Commit c -> "Commit";
            case PrepareAndCommit p -> "PrepareAndCommit";
            case LoadRackSecret l -> "LoadRackSecret";
            case Status s -> "Status";
            case ClearSecrets c -> "ClearSecrets";
            case Watch w -> "Watch";
            case Proxy p -> "Proxy";
            case UpdateNetworkConfig u -> "UpdateNetworkConfig";
        };
    }
}
