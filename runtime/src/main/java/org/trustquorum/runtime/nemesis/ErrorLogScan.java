package org.trustquorum.runtime.nemesis;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads what the node logs gained since the last scan and returns every error-level line that is
 * not a documented fault. Works for the plain pattern layout ({@code 12:00:00.000 ERROR [...]})
 * and for JSON lines ({@code "level":"ERROR"}).
 */
public final class ErrorLogScan {
    /** An error-level line in either layout. */
    private static final Pattern ERROR_LINE = Pattern.compile("^\\S+ ERROR |\"level\"\\s*:\\s*\"ERROR\"");
    /**
     * Error-level lines a link fault may legitimately cause: the admin access line of a proxied call
     * that ended with a proxy error (502 {@code Disconnected} or {@code InvalidResponse}, 503
     * {@code Busy}, 504 {@code Timeout}; the access log puts every 5xx at ERROR). The burst checks those
     * outcomes on their own (each request completes once, with a value or one of these errors).
     * Every other fault the nemesis injects ends in a connection exit logged at INFO, DEBUG or WARN.
     */
    static final List<Pattern> DOCUMENTED_FAULTS = List.of(
            Pattern.compile("admin \\S+ POST /v1/proxy/[a-z-]+ 50[234] "));
    /** The most bytes read from one log in one scan (the rest is read by the next scan). */
    private static final int MAX_SCAN_BYTES = 8 * 1024 * 1024;
    /** Characters of an offending line quoted in a violation. */
    private static final int QUOTE_CHARS = 300;

    private final Map<Path, Long> offsets = new HashMap<>();

    /** Skips what the log holds now (call once before the faults begin). */
    public void skipToEnd(Path log) throws IOException {
        offsets.put(log, Files.exists(log) ? Files.size(log) : 0L);
    }

    /** The undocumented error lines added to {@code log} since the last scan. */
    public List<String> newErrors(Path log) throws IOException {
        long from = offsets.getOrDefault(log, 0L);
        if (!Files.exists(log)) {
            return List.of();
        }
        byte[] bytes;
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long size = f.length();
            if (size < from) {
                from = 0; // the log was replaced
            }
            int n = (int) Math.min(MAX_SCAN_BYTES, size - from);
            bytes = new byte[n];
            f.seek(from);
            f.readFully(bytes);
        }
        int lastNewline = lastIndexOf(bytes, (byte) '\n');
        if (lastNewline < 0) {
            return List.of(); // no complete line yet
        }
        offsets.put(log, from + lastNewline + 1);
        String text = new String(bytes, 0, lastNewline, StandardCharsets.UTF_8);
        List<String> errors = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (ERROR_LINE.matcher(line).find() && DOCUMENTED_FAULTS.stream().noneMatch(p -> p.matcher(line).find())) {
                errors.add(line.length() > QUOTE_CHARS ? line.substring(0, QUOTE_CHARS) + "..." : line);
            }
        }
        return errors;
    }

    private static int lastIndexOf(byte[] b, byte v) {
        for (int i = b.length - 1; i >= 0; i--) {
            if (b[i] == v) {
                return i;
            }
        }
        return -1;
    }
}
