package org.trustquorum.runtime.admin;

/** A request the admin API refuses before it reaches the node: a 4xx status, a stable code and a message. */
public final class BadRequest extends Exception {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;

    public BadRequest(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    public BadRequest(String message) {
        this(400, "BadRequest", message);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
