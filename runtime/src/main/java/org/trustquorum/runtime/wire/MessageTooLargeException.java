package org.trustquorum.runtime.wire;

/** A message we were asked to send does not fit in one frame. This is a bug or a misuse on the sending side. */
public final class MessageTooLargeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public MessageTooLargeException(String message) {
        super(message);
    }
}
