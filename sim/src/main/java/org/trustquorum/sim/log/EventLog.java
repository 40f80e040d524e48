package org.trustquorum.sim.log;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The running digest of a run's event log. Every event is appended as a fixed-size binary record
 * (a tag, the virtual time and four numeric fields) into a SHA-256; records are buffered so the
 * digest is updated in large blocks. Same seed and schedule give byte-identical records, hence the
 * same digest. Human-readable and JSON renderings of the same events go to an optional
 * {@link EventSink}.
 */
public final class EventLog {
    private static final int RECORD_BYTES = 1 + 5 * Long.BYTES;
    private static final int BUFFER_BYTES = 16 * 1024;

    private final MessageDigest sha;
    private final byte[] buf = new byte[BUFFER_BYTES];
    private int pos;
    private long records;
    private String hex;

    public EventLog() {
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK provides no SHA-256", e);
        }
    }

    /** Appends one record. */
    public void record(int tag, long atMs, long a, long b, long c, long d) {
        if (pos + RECORD_BYTES > BUFFER_BYTES) {
            sha.update(buf, 0, pos);
            pos = 0;
        }
        byte[] x = buf;
        int p = pos;
        x[p++] = (byte) tag;
        p = putLong(x, p, atMs);
        p = putLong(x, p, a);
        p = putLong(x, p, b);
        p = putLong(x, p, c);
        p = putLong(x, p, d);
        pos = p;
        records++;
    }

    private static int putLong(byte[] x, int p, long v) {
        x[p] = (byte) (v >>> 56);
        x[p + 1] = (byte) (v >>> 48);
        x[p + 2] = (byte) (v >>> 40);
        x[p + 3] = (byte) (v >>> 32);
        x[p + 4] = (byte) (v >>> 24);
        x[p + 5] = (byte) (v >>> 16);
        x[p + 6] = (byte) (v >>> 8);
        x[p + 7] = (byte) v;
        return p + 8;
    }

    public long records() {
        return records;
    }

    /** The hex SHA-256 of every record so far; no more records may be added afterwards. */
    public String digestHex() {
        if (hex == null) {
            sha.update(buf, 0, pos);
            pos = 0;
            hex = HexFormat.of().formatHex(sha.digest());
        }
        return hex;
    }
}
