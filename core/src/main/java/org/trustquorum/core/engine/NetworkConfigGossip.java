package org.trustquorum.core.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.trustquorum.core.Check;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.Result;
import org.trustquorum.core.msg.WireMsg;

/**
 * The gossiped network configuration: an opaque blob with a generation number. The newest
 * generation wins and spreads: a strictly newer one received from a peer replaces ours and goes
 * to every other connected peer; an equal or older one is ignored; every new connection gets the
 * current value. Pure: callers pass the connected peers and send to the peers returned.
 */
public final class NetworkConfigGossip {

    /** Why a local update was refused. */
    public sealed interface UpdateError {
        /** The offered generation is not newer than the current one. */
        record StaleGeneration(long current, long offered) implements UpdateError {}

        /** The blob exceeds {@link WireMsg.NetworkConfig#MAX_BLOB_BYTES}. */
        record TooLarge(int bytes, int maxBytes) implements UpdateError {}

        /** The node is shutting down. */
        record ShuttingDown() implements UpdateError {}
    }

    private WireMsg.NetworkConfig current;
    private long ignored;
    private long refused;

    /** Starts empty. */
    public NetworkConfigGossip() {
        this(null);
    }

    /** Starts with a value loaded from elsewhere (or null). */
    public NetworkConfigGossip(WireMsg.NetworkConfig initial) {
        this.current = initial;
    }

    public Optional<WireMsg.NetworkConfig> current() {
        return Optional.ofNullable(current);
    }

    /** Received values that were not newer than ours. */
    public long ignoredCount() {
        return ignored;
    }

    /** True if {@code value} would replace ours (its generation is strictly newer). */
    public boolean isNewer(WireMsg.NetworkConfig value) {
        return current == null || value.generation() > current.generation();
    }

    /** Newer values refused because their sender may not change the network configuration. */
    public long refusedCount() {
        return refused;
    }

    /** Counts a newer value whose sender the caller's gate refused; nothing else changes. */
    public void countRefused() {
        refused++;
    }

    /**
     * A value arrived from {@code from}. If it is strictly newer it becomes ours and the result
     * holds the peers to forward it to (every connected peer except the sender, in id order);
     * otherwise nothing changes and the result is empty.
     */
    public Optional<List<NodeId>> onReceived(NodeId from, WireMsg.NetworkConfig value,
            Collection<NodeId> connected) {
        Check.notNull(from, "from");
        Check.notNull(value, "value");
        if (!isNewer(value)) {
            ignored++;
            return Optional.empty();
        }
        current = value;
        List<NodeId> targets = new ArrayList<>();
        for (NodeId peer : new TreeSet<>(connected)) {
            if (!peer.equals(from)) {
                targets.add(peer);
            }
        }
        return Optional.of(List.copyOf(targets));
    }

    /**
     * A local update. A generation not newer than the current one, or an oversized blob, is an
     * error value and changes nothing. On success the value is ours and the result lists the
     * peers to send it to (all connected peers, in id order).
     */
    public Result<List<NodeId>, UpdateError> onLocalUpdate(long generation, byte[] blob,
            Collection<NodeId> connected) {
        Check.notNull(blob, "blob");
        if (blob.length > WireMsg.NetworkConfig.MAX_BLOB_BYTES) {
            return Result.err(new UpdateError.TooLarge(blob.length, WireMsg.NetworkConfig.MAX_BLOB_BYTES));
        }
        if (current != null && generation <= current.generation()) {
            return Result.err(new UpdateError.StaleGeneration(current.generation(), generation));
        }
        current = new WireMsg.NetworkConfig(generation, blob);
        return Result.ok(List.copyOf(new TreeSet<>(connected)));
    }

    /** What to send on a newly connected peer's connection: the current value, if any. */
    public Optional<WireMsg.NetworkConfig> onConnected() {
        return current();
    }
}
