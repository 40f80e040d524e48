package org.trustquorum.runtime.admin;

/** A request the admin API refuses before it reaches the node: a 4xx status, a stable code and a message. */
public final class BadRequest extends Exception {
    private static final long serialVersionUID = 1L;

    /**
     * Longest message: a refusal quotes what it refuses, and a request body may be up to 1 MiB,
     * so the echo is cut here (an answer is never a copy of a huge hostile body).
     */
    public static final int MAX_MESSAGE_CHARS = 512;
    private static final String CUT = "...";

    private final int status;
    private final String code;

    public BadRequest(int status, String code, String message) {
        super(capped(message), null, false, false);
        this.status = status;
        this.code = code;
    }

    public BadRequest(String message) {
        this(400, "BadRequest", message);
    }

    private static String capped(String raw) {
        String message = PlainText.scrub(raw);
        if (message.length() <= MAX_MESSAGE_CHARS) {
            return message;
        }
        return message.substring(0, MAX_MESSAGE_CHARS - CUT.length()) + CUT;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
