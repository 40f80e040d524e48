package org.trustquorum.runtime.node;

import org.trustquorum.core.Mutation;

/**
 * A switch for tests only: {@code -Dtq.test.mutation=NAME} (a core {@link Mutation}'s command-line
 * name, e.g. {@code tracker-not-cleared-on-exit}) starts a node with that guard turned off, so
 * {@code tq chaos --nemesis --mutant NAME} can show that the nemesis notices. Without the property
 * (production) the node runs with {@link Mutation#NONE}; a node started with a mutation says so in
 * a warning at start-up.
 */
public final class TestMutation {
    /** The JVM system property that names the mutation. */
    public static final String PROPERTY = "tq.test.mutation";

    private TestMutation() {}

    /** The mutation named by {@link #PROPERTY}, or {@link Mutation#NONE}; an unknown name is refused. */
    public static Mutation fromSystemProperty() {
        String name = System.getProperty(PROPERTY);
        return name == null || name.isBlank() ? Mutation.NONE : Mutation.fromCliName(name.strip());
    }

    /** The JVM argument that starts a node with {@code m} switched on. */
    public static String jvmArgument(Mutation m) {
        return "-D" + PROPERTY + "=" + m.cliName();
    }
}
