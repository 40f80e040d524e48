package org.trustquorum.core.model;

/** The permanent record that this node was removed from the rack: at which epoch, told by whom. */
public record ExpungedMarker(Epoch epoch, NodeId from) {}
