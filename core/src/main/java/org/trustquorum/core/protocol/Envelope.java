package org.trustquorum.core.protocol;

import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.msg.PeerMsg;

/** A protocol message the node wants sent to a peer. */
public record Envelope(NodeId to, NodeId from, PeerMsg msg) {}
