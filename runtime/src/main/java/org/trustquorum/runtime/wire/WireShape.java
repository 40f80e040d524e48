package org.trustquorum.runtime.wire;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Set;

/**
 * Checks that a decoded message has the shape its Java types promise. Kryo builds records through
 * their canonical constructors, which check what the model checks, but generics are erased: a
 * hostile frame could put an {@code Epoch} into a {@code List<NodeId>}, or a null where the model
 * never expects one. This walk rejects both, so the engine only ever sees well-typed messages.
 *
 * <p>A component may be null only if it is listed in {@link #NULLABLE}.
 */
final class WireShape {
    private WireShape() {}

    /** Record components that may legitimately be null, as {@code SimpleRecordName.component}. */
    static final Set<String> NULLABLE = Set.of(
            "Configuration.encryptedSecrets",
            // Unsigned or unproven messages must decode, so the protocol can refuse (and count) them.
            "Configuration.authorization",
            "CommitAdvance.commitSignature",
            "Expunged.proof",
            "Expunged.proofSignature",
            "Commit.commitSignature",
            "PrepareAndCommit.commitSignature",
            "NodeStatus.rackId",
            "NodeStatus.expunged",
            "NodeStatus.coordinator",
            "NodeStatus.computingShareFor",
            "CoordinatorStatus.config");

    private static final ClassValue<Component[]> COMPONENTS = new ClassValue<>() {
        @Override
        protected Component[] computeValue(Class<?> type) {
            RecordComponent[] rcs = type.getRecordComponents();
            Component[] out = new Component[rcs.length];
            for (int i = 0; i < rcs.length; i++) {
                RecordComponent rc = rcs[i];
                Class<?> element = null;
                if (List.class.isAssignableFrom(rc.getType())) {
                    element = listElementType(type, rc);
                }
                boolean nullable = NULLABLE.contains(type.getSimpleName() + "." + rc.getName());
                rc.getAccessor().setAccessible(true);
                out[i] = new Component(rc, nullable, element);
            }
            return out;
        }
    };

    private record Component(RecordComponent rc, boolean nullable, Class<?> element) {}

    private static Class<?> listElementType(Class<?> owner, RecordComponent rc) {
        Type generic = rc.getGenericType();
        if (generic instanceof ParameterizedType p && p.getActualTypeArguments()[0] instanceof Class<?> c) {
            return c;
        }
        throw new IllegalStateException(owner.getName() + "." + rc.getName() + " must be a List of a concrete type");
    }

    /** Throws {@link IllegalArgumentException} naming the first offending component. */
    static void check(Object value) {
        check(value, value.getClass().getSimpleName(), 0);
    }

    private static void check(Object value, String path, int depth) {
        if (depth > WireRegistry.MAX_OBJECT_DEPTH) {
            throw new IllegalArgumentException("message nests too deeply at " + path);
        }
        Class<?> type = value.getClass();
        if (!type.isRecord()) {
            return;
        }
        for (Component c : COMPONENTS.get(type)) {
            Object v;
            try {
                v = c.rc.getAccessor().invoke(value);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + path + "." + c.rc.getName(), e);
            }
            String here = path + "." + c.rc.getName();
            if (v == null) {
                if (!c.nullable) {
                    throw new IllegalArgumentException(here + " must not be null");
                }
                continue;
            }
            if (c.element != null) {
                List<?> list = (List<?>) v;
                for (int i = 0; i < list.size(); i++) {
                    Object e = list.get(i);
                    if (e == null) {
                        throw new IllegalArgumentException(here + "[" + i + "] must not be null");
                    }
                    if (!c.element.isInstance(e)) {
                        throw new IllegalArgumentException(here + "[" + i + "] is a " + e.getClass().getSimpleName()
                                + ", expected " + c.element.getSimpleName());
                    }
                    check(e, here + "[" + i + "]", depth + 1);
                }
            } else {
                check(v, here, depth + 1);
            }
        }
    }
}
