package org.trustquorum.runtime.wire;

import java.util.List;

/**
 * The version of the peer wire format (frame layout, Kryo registrations, message shapes). Nodes
 * agree on it during the TLS handshake through ALPN: each side offers exactly one protocol name,
 * {@code tq-wire/<version>}, so peers of different versions never exchange a frame they could
 * misread. A mismatch ends the connection before any frame with a log line that names both sides'
 * expectation, and counts in {@code tq_wire_version_mismatches_total}.
 *
 * <p>Bump {@link #CURRENT} whenever {@link WireRegistry}'s registrations or a message's fields
 * change ({@code WireShapeVersionTest} pins the shape each version was made with).
 */
public final class WireVersion {
    private WireVersion() {}

    /** The wire format this build speaks. */
    public static final int CURRENT = 2;

    private static final String PROTOCOL_PREFIX = "tq-wire/";

    /** The ALPN protocol name of a wire version. */
    public static String protocolName(int version) {
        return PROTOCOL_PREFIX + version;
    }

    /** What a node offers in ALPN: its own version only. */
    public static List<String> alpnProtocols() {
        return List.of(protocolName(CURRENT));
    }

    /**
     * Why a connection whose TLS handshake completed must be refused, or null if the negotiated
     * protocol is this build's.
     *
     * @param negotiated the ALPN protocol the handshake agreed on; null or empty if none
     */
    public static String mismatch(String negotiated) {
        if (protocolName(CURRENT).equals(negotiated)) {
            return null;
        }
        if (negotiated == null || negotiated.isEmpty()) {
            return "the peer negotiated no wire version (a tq release before wire versioning, or not a tq node); this node speaks "
                    + protocolName(CURRENT);
        }
        return "the peer speaks " + negotiated + ", this node speaks " + protocolName(CURRENT);
    }

    /**
     * True if a failed handshake was refused because the two sides offered no common ALPN
     * protocol: the peer runs another wire version.
     */
    public static boolean isAlpnRefusal(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage();
            if (m != null && (m.contains("no_application_protocol") || m.contains("application layer protocol"))) {
                return true;
            }
        }
        return false;
    }

    /** The log text for a handshake refused by ALPN. */
    public static String alpnRefusal() {
        return "the peer offered no wire version in common with this node's " + protocolName(CURRENT)
                + " (it runs an incompatible tq release)";
    }
}
