package org.trustquorum.runtime.ledger;

import java.io.IOException;

/**
 * The ledger cannot be trusted: no valid copy could be loaded although copies exist, or a write
 * did not become durable. Either way the node must stop rather than act on state it cannot keep.
 */
public final class LedgerException extends IOException {
    private static final long serialVersionUID = 1L;

    public LedgerException(String message) {
        super(message);
    }

    public LedgerException(String message, Throwable cause) {
        super(message, cause);
    }
}
