package org.trustquorum.core.msg;

import java.util.Arrays;
import org.trustquorum.core.Check;

/** The envelope of everything sent on a node-to-node connection. */
public sealed interface WireMsg {
    /** Keepalive. */
    record Ping() implements WireMsg {}

    record Protocol(PeerMsg msg) implements WireMsg {}

    /** Gossiped network configuration: a generation number and an opaque blob. */
    record NetworkConfig(long generation, byte[] blob) implements WireMsg {
        /** Largest blob we gossip. */
        public static final int MAX_BLOB_BYTES = 64 * 1024;

        public NetworkConfig {
            Check.notNull(blob, "blob");
            Check.argument(blob.length <= MAX_BLOB_BYTES, "network config blob too large: %d bytes", blob.length);
            blob = blob.clone();
        }

        @Override
        public byte[] blob() {
            return blob.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof NetworkConfig other && generation == other.generation && Arrays.equals(blob, other.blob);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(generation) * 31 + Arrays.hashCode(blob);
        }

        @Override
        public String toString() {
            return "NetworkConfig[generation=" + generation + ", " + blob.length + " bytes]";
        }
    }

    record ProxyRequest(long requestId, ProxyOp op) implements WireMsg {}

    record ProxyResponse(long requestId, ProxyResult result) implements WireMsg {}

    static String kind(WireMsg msg) {
        return switch (msg) {
            case Ping p -> "Ping";
            case Protocol p -> PeerMsg.kind(p.msg());
            case NetworkConfig n -> "NetworkConfig";
            case ProxyRequest r -> "ProxyRequest(" + ProxyOp.kind(r.op()) + ")";
            case ProxyResponse r -> "ProxyResponse(" + ProxyResult.kind(r.result()) + ")";
        };
    }
}
