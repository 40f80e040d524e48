package org.trustquorum.tla;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * One event of a simulator trace: one action of the Quint spec with all its parameters.
 *
 * <p>The fields mirror the spec's {@code Event} record (spec/TraceReplay.qnt). {@code node} is
 * the node where the event happens, {@code peer} the other party; fields a kind does not use are
 * 0, empty or "". See tla-traces/README.md for the meaning of each field per kind.
 */
public record TraceEvent(
        Kind kind, int node, int peer, long epoch, long inc, long req, int k,
        SortedSet<Integer> members, String reason) {

    /** The fields of an event, as named in JSON and in the spec. */
    public enum Field { NODE, PEER, EPOCH, INC, REQ, K, MEMBERS, REASON;

        public String jsonName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Event kinds: exactly the actions TraceReplay.apply dispatches to. */
    public enum Kind {
        Reconfigure(Field.NODE, Field.EPOCH, Field.MEMBERS, Field.K),
        Prepare(Field.NODE, Field.PEER, Field.EPOCH),
        Ack(Field.NODE, Field.PEER, Field.EPOCH),
        /** node = the member that releases the ack, peer = the coordinator it goes to. */
        AckSent(Field.NODE, Field.PEER, Field.EPOCH),
        CpCommit(Field.EPOCH),
        Commit(Field.NODE, Field.EPOCH),
        PrepareAndCommit(Field.NODE, Field.EPOCH),
        ComputeShare(Field.NODE, Field.EPOCH),
        Expunge(Field.NODE, Field.EPOCH),
        LoadSecret(Field.NODE, Field.EPOCH, Field.MEMBERS),
        Crash(Field.NODE),
        Restart(Field.NODE),
        ConnOpen(Field.NODE, Field.PEER, Field.INC),
        ConnEstablish(Field.NODE, Field.PEER, Field.INC),
        ConnClose(Field.NODE, Field.INC),
        ConnExit(Field.NODE, Field.INC),
        ProxySend(Field.NODE, Field.PEER, Field.REQ, Field.INC),
        ProxyBusy(Field.NODE, Field.PEER, Field.REQ),
        ProxyRespond(Field.NODE, Field.REQ),
        ProxyFail(Field.NODE, Field.REQ, Field.REASON),
        Converged(),
        /**
         * A simulator step whose observable effects match no spec action (see SimTraceAdapter);
         * {@code reason} says which. The replay harness never enables it.
         */
        Unmatched(Field.REASON);

        private final Set<Field> required;

        Kind(Field... required) {
            EnumSet<Field> set = EnumSet.noneOf(Field.class);
            Collections.addAll(set, required);
            this.required = Collections.unmodifiableSet(set);
        }

        /** Fields an event of this kind must carry. */
        public Set<Field> required() {
            return required;
        }

        /** Whether {@code inc} names one of the event node's incarnations. */
        public boolean hasIncarnation() {
            return required.contains(Field.INC);
        }

        /** Whether {@code req} names one of the event node's proxy requests. */
        public boolean hasRequest() {
            return required.contains(Field.REQ);
        }
    }

    public TraceEvent {
        Objects.requireNonNull(kind, "kind");
        members = Collections.unmodifiableSortedSet(new TreeSet<>(Objects.requireNonNull(members, "members")));
        Objects.requireNonNull(reason, "reason");
    }

    /** An event with only a kind; use the {@code with...} methods for the rest. */
    public static TraceEvent of(Kind kind) {
        return new TraceEvent(kind, 0, 0, 0, 0, 0, 0, new TreeSet<>(), "");
    }

    public TraceEvent withNode(int value) {
        return new TraceEvent(kind, value, peer, epoch, inc, req, k, members, reason);
    }

    public TraceEvent withPeer(int value) {
        return new TraceEvent(kind, node, value, epoch, inc, req, k, members, reason);
    }

    public TraceEvent withEpoch(long value) {
        return new TraceEvent(kind, node, peer, value, inc, req, k, members, reason);
    }

    public TraceEvent withInc(long value) {
        return new TraceEvent(kind, node, peer, epoch, value, req, k, members, reason);
    }

    public TraceEvent withReq(long value) {
        return new TraceEvent(kind, node, peer, epoch, inc, value, k, members, reason);
    }

    public TraceEvent withK(int value) {
        return new TraceEvent(kind, node, peer, epoch, inc, req, value, members, reason);
    }

    public TraceEvent withMembers(Set<Integer> value) {
        return new TraceEvent(kind, node, peer, epoch, inc, req, k, new TreeSet<>(value), reason);
    }

    public TraceEvent withReason(String value) {
        return new TraceEvent(kind, node, peer, epoch, inc, req, k, members, value);
    }

    /** Node ids this event mentions (node, peer, members), without zeros. */
    public SortedSet<Integer> nodeIds() {
        SortedSet<Integer> ids = new TreeSet<>(members);
        if (node != 0) {
            ids.add(node);
        }
        if (peer != 0) {
            ids.add(peer);
        }
        return ids;
    }
}
