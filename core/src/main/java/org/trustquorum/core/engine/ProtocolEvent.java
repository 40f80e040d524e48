package org.trustquorum.core.engine;

import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.msg.PeerMsg;
import org.trustquorum.core.msg.ProxyOp;

/**
 * What the connection layer hands to the protocol (through the node engine that owns both).
 * {@link ConnectionEngine} queues these; the owner drains them with
 * {@link ConnectionEngine#pollProtocolEvent()} until none is left.
 */
public sealed interface ProtocolEvent {

    /**
     * {@code peer} has a (new) current connection: the protocol re-sends whatever it waits for
     * from that peer. Also reported when a newer connection replaced an older one for a peer that
     * stayed connected - messages sent on the old one may be lost.
     */
    record PeerConnected(NodeId peer) implements ProtocolEvent {}

    /** {@code peer}'s current connection ended and it has none now. */
    record PeerDisconnected(NodeId peer) implements ProtocolEvent {}

    /** A protocol message from a connected peer. */
    record PeerMessage(NodeId from, PeerMsg msg) implements ProtocolEvent {}

    /**
     * A peer asks this node to run {@code op} itself. The owner runs it against the local node and
     * answers with {@link ConnectionEngine#answerProxyRequest}; it never proxies it further.
     */
    record ProxiedRequest(long incarnation, NodeId from, long requestId, ProxyOp op) implements ProtocolEvent {}

    /** An API call that the protocol answers (anything but Proxy and UpdateNetworkConfig). */
    record ApiForProtocol(long replyId, ApiRequest request) implements ProtocolEvent {}
}
