package org.trustquorum.core.protocol;

import org.trustquorum.core.model.NodeId;

/** A peer frame the protocol refused as unauthorised, with the reason (never holds a secret). */
public record Refusal(NodeId peer, String kind, String reason) {}
