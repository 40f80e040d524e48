package org.trustquorum.core.model;

import java.util.Arrays;
import org.trustquorum.core.Check;

/**
 * The gossiped network configuration as a node keeps it across restarts: the newest generation it
 * accepted and that generation's opaque blob. The protocol never reads the blob.
 */
public record StoredNetworkConfig(long generation, byte[] blob) {
    public StoredNetworkConfig {
        Check.notNull(blob, "network config blob");
        blob = blob.clone();
    }

    @Override
    public byte[] blob() {
        return blob.clone();
    }

    /** True if this value is strictly newer than {@code other} (anything is newer than null). */
    public boolean isNewerThan(StoredNetworkConfig other) {
        return other == null || generation > other.generation;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StoredNetworkConfig other && generation == other.generation
                && Arrays.equals(blob, other.blob);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(generation) * 31 + Arrays.hashCode(blob);
    }

    @Override
    public String toString() {
        return "StoredNetworkConfig[generation=" + generation + ", " + blob.length + " bytes]";
    }
}
