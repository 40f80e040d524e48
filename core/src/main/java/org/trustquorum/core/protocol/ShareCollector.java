package org.trustquorum.core.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.trustquorum.core.crypto.Digests;
import org.trustquorum.core.model.Configuration;
import org.trustquorum.core.model.KeyShare;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.msg.PeerMsg;

/**
 * Gathers validated shares of one configuration until the threshold is reached. A share is
 * accepted only from a member, at that member's x-coordinate, with the digest the configuration
 * records for it; duplicates from the same member are ignored.
 */
final class ShareCollector {
    private final Configuration config;
    private final Map<NodeId, KeyShare> shares = new TreeMap<>();

    ShareCollector(Configuration config) {
        this.config = config;
    }

    Configuration config() {
        return config;
    }

    /** True if the share is valid for {@code from} in this configuration. */
    static boolean isValid(Configuration config, NodeId from, KeyShare share) {
        if (!config.isMember(from) || share.x() != config.xOf(from)) {
            return false;
        }
        return config.digestOf(from).map(d -> d.equals(Digests.shareDigest(share))).orElse(false);
    }

    /** Adds a share if valid and new; returns whether it was added. */
    boolean offer(NodeId from, KeyShare share) {
        if (shares.containsKey(from) || !isValid(config, from, share)) {
            return false;
        }
        shares.put(from, share.copy());
        return true;
    }

    /** Asks peer for its share, unless it is not a member or its share is already here. */
    void askFor(NodeCtx ctx, NodeId peer) {
        if (config.isMember(peer) && !has(peer)) {
            ctx.send(peer, new PeerMsg.GetShare(config.rackId(), config.epoch()));
        }
    }

    boolean has(NodeId member) {
        return shares.containsKey(member);
    }

    boolean complete() {
        return shares.size() >= config.threshold().value();
    }

    int count() {
        return shares.size();
    }

    /** Exactly threshold shares, in member order. */
    List<KeyShare> thresholdShares() {
        List<KeyShare> out = new ArrayList<>(config.threshold().value());
        for (KeyShare s : shares.values()) {
            if (out.size() == config.threshold().value()) {
                break;
            }
            out.add(s);
        }
        return out;
    }

    /** Zeroes every held share. */
    void wipe() {
        for (KeyShare s : shares.values()) {
            s.wipe();
        }
        shares.clear();
    }
}
