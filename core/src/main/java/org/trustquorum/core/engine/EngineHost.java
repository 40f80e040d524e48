package org.trustquorum.core.engine;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.trustquorum.core.Check;
import org.trustquorum.core.Mutation;
import org.trustquorum.core.model.PersistentState;

/**
 * The driver contract, written once: every driver (simulator, runtime, test cluster, replayers)
 * feeds a node's inputs to its host, and the host runs the engine's step and hands the outcome to
 * the driver's {@link Io} in this order:
 *
 * <ol>
 *   <li>{@link Io#stepped} (a driver that records steps sees the whole step first, even one the
 *       host then refuses);
 *   <li>{@link Io#persist} if the step changed durable state; if the write fails, nothing of the
 *       step is released and the host takes no more inputs (persist before release);
 *   <li>{@link Io#release} for each output, in order;
 *   <li>{@link Io#deadline} if the engine's next deadline differs from the timer armed before.
 * </ol>
 *
 * <p>It also keeps the rules that hold per connection incarnation, whatever the driver:
 * <ul>
 *   <li><b>one exit:</b> the engine sees at most one {@link Input.ConnExited} per incarnation it
 *       allocated (by {@link Output.Dial} or {@link Output.Accepted}); a repeated exit, or one for an
 *       incarnation the engine never allocated, is not stepped ({@link Outcome#IGNORED});
 *   <li><b>no send after close:</b> a step that sends on an incarnation the engine closed or whose
 *       exit it processed, or closes one twice, breaks the engine's contract: the host throws
 *       {@link ContractBroken} before persisting or releasing anything of that step.
 * </ul>
 *
 * <p>A driver whose writes complete later (the runtime's ledger is written on a worker thread)
 * returns {@link Durability#PENDING} from {@link Io#persist} and calls {@link #persisted()} or
 * {@link #persistFailed()} when the write is over; until then the host takes no input. After a
 * failure (a failed write, an engine or driver exception) the host takes no more inputs: the
 * node's outputs could no longer be released faithfully.
 *
 * <p>Single-threaded, no clock, no randomness: time comes with each input.
 */
public final class EngineHost {

    /** What a driver supplies: durable storage, the world's side of each output, and one timer. */
    public interface Io {
        /** The engine stepped; called before anything of the step is persisted or released. */
        default void stepped(Input input, Step step) {}

        /**
         * Makes {@code state} durable. Returns {@link Durability#DURABLE} if it is durable on
         * return, or {@link Durability#PENDING} if the write finishes later (the driver then calls
         * {@link EngineHost#persisted()} or {@link EngineHost#persistFailed()}). Throwing means the
         * write failed.
         */
        Durability persist(PersistentState state);

        /** Performs one output. */
        void release(Output output);

        /** Arms the node's one timer for {@code atMs}, replacing the armed one; {@link Long#MAX_VALUE}: none. */
        void deadline(long atMs);
    }

    /** Whether a persist is durable when {@link Io#persist} returns. */
    public enum Durability {
        DURABLE,
        PENDING
    }

    /** What became of one input. */
    public enum Outcome {
        /** Stepped, made durable if needed, released, timer re-armed. */
        RELEASED,
        /** Stepped; the outputs wait for {@link #persisted()}. */
        AWAITING_PERSIST,
        /** Not stepped: an exit the engine already had, or of an incarnation it never allocated. */
        IGNORED
    }

    /** Per allocated incarnation until its exit is stepped: false while open, true once the engine closed it. */
    private final Map<Long, Boolean> closedByIncarnation = new HashMap<>();
    private final NodeEngine engine;
    private final Io io;
    private Step awaitingPersist;
    private boolean failed;
    private long armedMs = Long.MAX_VALUE;
    private final boolean releaseFirst;

    public EngineHost(NodeEngine engine, Io io) {
        this(engine, io, Mutation.NONE);
    }

    /**
     * With a deliberate bug (simulator only): {@link Mutation#REPLY_BEFORE_PERSIST} releases a
     * step's outputs before its write; every other mutation lives in the engine.
     */
    public EngineHost(NodeEngine engine, Io io, Mutation mutation) {
        this.engine = Check.notNull(engine, "engine");
        this.io = Check.notNull(io, "io");
        this.releaseFirst = Check.notNull(mutation, "mutation") == Mutation.REPLY_BEFORE_PERSIST;
    }

    /** Steps the engine with {@code input} at {@code nowMs} and hands the outcome to the driver. */
    public Outcome step(Input input, long nowMs) {
        Check.notNull(input, "input");
        Check.state(!failed, "%s: the host failed earlier and takes no more inputs", engine.id());
        Check.state(awaitingPersist == null, "%s: an input arrived while a persist is pending", engine.id());
        if (input instanceof Input.ConnExited x && !closedByIncarnation.containsKey(x.incarnation())) {
            return Outcome.IGNORED;
        }
        if (input instanceof Input.TimerFired) {
            armedMs = Long.MAX_VALUE; // the armed timer went off
        }
        boolean ok = false;
        try {
            Step step = engine.step(input, nowMs);
            if (input instanceof Input.ConnExited x) {
                closedByIncarnation.remove(x.incarnation());
            }
            io.stepped(input, step);
            track(step.afterPersist());
            Outcome outcome = Outcome.RELEASED;
            if (releaseFirst) {
                releaseOutputs(step); // the mutant: out before the write (case 9)
                step = new Step(step.persist(), List.of());
            }
            if (step.persist() != null && io.persist(step.persist()) == Durability.PENDING) {
                awaitingPersist = step;
                outcome = Outcome.AWAITING_PERSIST;
            } else {
                release(step);
            }
            ok = true;
            return outcome;
        } finally {
            failed = !ok;
        }
    }

    /** The pending write of the last step is durable: releases that step's outputs. */
    public void persisted() {
        Check.state(awaitingPersist != null, "%s: no persist is pending", engine.id());
        Step step = awaitingPersist;
        awaitingPersist = null;
        boolean ok = false;
        try {
            release(step);
            ok = true;
        } finally {
            failed = !ok;
        }
    }

    /** The pending write failed: the step's outputs are dropped and the host takes no more inputs. */
    public void persistFailed() {
        Check.state(awaitingPersist != null, "%s: no persist is pending", engine.id());
        awaitingPersist = null;
        failed = true;
    }

    private void release(Step step) {
        releaseOutputs(step);
        long next = engine.nextDeadlineMs();
        if (next != armedMs) {
            armedMs = next;
            io.deadline(next);
        }
    }

    private void releaseOutputs(Step step) {
        List<Output> outputs = step.afterPersist();
        for (int i = 0; i < outputs.size(); i++) {
            io.release(outputs.get(i));
        }
    }

    /** Follows each incarnation through the step's outputs; refuses a send or close after its close. */
    private void track(List<Output> outputs) {
        for (int i = 0; i < outputs.size(); i++) {
            Output o = outputs.get(i);
            switch (o) {
                case Output.Dial d -> allocated(d.incarnation(), o);
                case Output.Accepted a -> allocated(a.incarnation(), o);
                case Output.SendFrame f -> {
                    Boolean closed = closedByIncarnation.get(f.incarnation());
                    if (closed != Boolean.FALSE) {
                        throw new ContractBroken(engine.id(), closed == null ? Rule.SEND_ON_GONE : Rule.SEND_ON_CLOSED,
                                f.incarnation(), o);
                    }
                }
                case Output.CloseConn c -> {
                    Boolean closed = closedByIncarnation.get(c.incarnation());
                    if (closed != Boolean.FALSE) {
                        throw new ContractBroken(engine.id(), closed == null ? Rule.CLOSE_ON_GONE : Rule.CLOSE_ON_CLOSED,
                                c.incarnation(), o);
                    }
                    closedByIncarnation.put(c.incarnation(), true);
                }
                case Output.Reply r -> { }
                case Output.RaiseAlarm a -> { }
                case Output.PeerRefused r -> { }
                case Output.TraceEvent t -> { }
            }
        }
    }

    private void allocated(long incarnation, Output o) {
        if (closedByIncarnation.put(incarnation, false) != null) {
            throw new ContractBroken(engine.id(), Rule.ALLOCATED_TWICE, incarnation, o);
        }
    }

    /** A per-incarnation rule the engine's step broke. */
    public enum Rule {
        /** A frame on an incarnation whose exit the engine processed, or that it never allocated. */
        SEND_ON_GONE("sent a frame on an incarnation whose exit it had processed (or never allocated)"),
        /** A frame on an incarnation the engine had closed. */
        SEND_ON_CLOSED("sent a frame on an incarnation it had closed"),
        /** A close of an incarnation whose exit the engine processed, or that it never allocated. */
        CLOSE_ON_GONE("closed an incarnation whose exit it had processed (or never allocated)"),
        /** A second close of one incarnation. */
        CLOSE_ON_CLOSED("closed an incarnation twice"),
        /** A dial or accept on an incarnation number already in use. */
        ALLOCATED_TWICE("allocated an incarnation that was already allocated");

        private final String description;

        Rule(String description) {
            this.description = description;
        }
    }

    /** The engine broke a per-incarnation rule; nothing of that step was persisted or released. */
    public static final class ContractBroken extends IllegalStateException {
        private static final long serialVersionUID = 1L;
        private final transient Rule rule;
        private final long incarnation;
        private final transient Output output;

        ContractBroken(org.trustquorum.core.model.NodeId node, Rule rule, long incarnation, Output output) {
            super(node + ": " + rule.description + ": incarnation " + incarnation + " (" + output.getClass().getSimpleName()
                    + ")");
            this.rule = rule;
            this.incarnation = incarnation;
            this.output = output;
        }

        public Rule rule() {
            return rule;
        }

        public long incarnation() {
            return incarnation;
        }

        /** The output that broke the rule. */
        public Output output() {
            return output;
        }
    }

    /** The engine, for reading (status, invariants); never step it directly. */
    public NodeEngine engine() {
        return engine;
    }

    /** The deadline of the timer the driver was last asked to arm ({@link Long#MAX_VALUE}: none). */
    public long armedDeadlineMs() {
        return armedMs;
    }

    /** True once a write, the engine or the driver failed: the host takes no more inputs. */
    public boolean failed() {
        return failed;
    }
}
