package org.trustquorum.runtime.ledger;

/**
 * Versions of the ledger file format. Version 1 files hold exactly {@code generation}, {@code state}
 * and {@code checksum}; from version 2 on a file also names its version in a {@code format} field.
 * A node reads every version up to {@link #CURRENT} and writes {@link #CURRENT}; a copy in a newer
 * format stops the node with a message saying so (it was written by a newer release, whose
 * state this one cannot be trusted to understand; a downgrade must not silently drop it).
 */
public final class LedgerFormat {
    private LedgerFormat() {}

    /** The format this build writes. */
    public static final int CURRENT = 2;
    /** The format of files without a {@code format} field (the first release's). */
    public static final int UNVERSIONED = 1;

    /** Why a copy in {@code format} cannot be read, or null if it can. */
    static String refusal(long format) {
        if (format < UNVERSIONED) {
            return "format " + format + " is not a ledger format version";
        }
        if (format > CURRENT) {
            return "written in ledger format " + format + " by a newer tq release; this release reads formats "
                    + UNVERSIONED + " to " + CURRENT + ". Run the newer release (or restore a backup made for this one)";
        }
        return null;
    }
}
