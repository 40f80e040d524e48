package org.trustquorum.core.engine;

import java.util.List;
import org.trustquorum.core.Check;
import org.trustquorum.core.model.PersistentState;

/**
 * What one input caused. Persist before send: the driver makes {@code persist} durable (when it
 * is not null) before it performs any output of {@code afterPersist}.
 *
 * @param persist      the new persistent state, or null if this step changed nothing durable
 * @param afterPersist outputs, in order
 */
public record Step(PersistentState persist, List<Output> afterPersist) {
    public Step {
        Check.notNull(afterPersist, "afterPersist");
        afterPersist = List.copyOf(afterPersist);
    }

    public static Step of(List<Output> outputs) {
        return new Step(null, outputs);
    }
}
