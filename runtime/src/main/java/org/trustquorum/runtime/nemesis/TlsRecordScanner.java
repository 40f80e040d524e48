package org.trustquorum.runtime.nemesis;

/**
 * Follows the TLS record layer of one direction of a byte stream (5-byte headers: content type,
 * version, 16-bit length) without decrypting anything, to find where the first
 * {@code application_data} record ends. From the dialer, that first encrypted record carries its
 * handshake's last messages (TLS 1.3); from the acceptor, one after it means the acceptor has
 * finished its handshake and sends frames.
 */
final class TlsRecordScanner {
    /** TLS content type of encrypted records. */
    static final int APPLICATION_DATA = 23;
    private static final int HEADER_BYTES = 5;

    private final byte[] header = new byte[HEADER_BYTES];
    private int headerFill;
    private int type = -1;
    private int bodyLeft;
    private boolean done;

    /** True once the end of an application-data record has been passed. */
    boolean sawApplicationData() {
        return done;
    }

    /**
     * Feeds {@code len} bytes; returns the offset (relative to {@code off}) just after the end of
     * the first complete application-data record if it ends inside them, else -1. After that it
     * only returns -1.
     */
    int feed(byte[] buf, int off, int len) {
        int i = 0;
        while (i < len && !done) {
            if (bodyLeft == 0 && type >= 0) {
                type = -1; // the previous record ended
            }
            if (type < 0) {
                header[headerFill++] = buf[off + i++];
                if (headerFill == HEADER_BYTES) {
                    headerFill = 0;
                    type = header[0] & 0xff;
                    bodyLeft = ((header[3] & 0xff) << 8) | (header[4] & 0xff);
                    if (bodyLeft == 0 && type == APPLICATION_DATA) {
                        done = true;
                        return i;
                    }
                }
                continue;
            }
            int take = Math.min(bodyLeft, len - i);
            i += take;
            bodyLeft -= take;
            if (bodyLeft == 0 && type == APPLICATION_DATA) {
                done = true;
                return i;
            }
        }
        return -1;
    }
}
