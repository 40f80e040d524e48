package org.trustquorum.runtime.admin;

/**
 * An admin API call that did not produce a node response: the server refused it (bad request,
 * missing token, unknown path, ...), answered something unreadable, or could not be reached
 * ({@code status} 0).
 */
public final class AdminException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;

    public AdminException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public AdminException(String message, Throwable cause) {
        super(message, cause);
        this.status = 0;
        this.code = "Unreachable";
    }

    /** The HTTP status, or 0 if no answer arrived. */
    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    @Override
    public String toString() {
        return (status == 0 ? "unreachable" : "HTTP " + status) + " " + code + ": " + getMessage();
    }
}
