package org.trustquorum.runtime.ledger;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trustquorum.core.model.PersistentState;

/**
 * A node's durable {@link PersistentState}, kept as identical JSON copies at several paths:
 * <pre>{ "format": 2, "generation": n, "state": {...}, "checksum": "hex SHA-256" }</pre>
 * ({@link LedgerFormat}: files without {@code format} are version 1 and are read as such; a copy in
 * a newer format than this build's stops {@link #load} with a message saying so).
 *
 * <p><b>Writing</b> replaces every copy in turn, each atomically: write a temporary file in the
 * same directory, force it to disk, rename it over the copy, force the directory. A write returns
 * only when every copy is durable; if any step fails it throws and the ledger refuses further
 * writes (the node must stop, since it cannot tell what is on disk).
 *
 * <p><b>Loading</b> reads every copy, ignores those that do not parse, fail the model's validation
 * or fail their checksum, and takes the one with the highest generation. Copies that exist but are
 * all invalid are an error: starting empty would forget key shares and commits.
 *
 * <p>The ledger holds this node's own key shares (that is what it is for), never a rack secret.
 * Files are created readable by the owner only where the file system supports POSIX permissions.
 * Nothing here logs state contents. Methods are synchronized; blocking I/O, so call them off the
 * event loop.
 */
public final class Ledger {
    private static final Logger LOG = LoggerFactory.getLogger(Ledger.class);

    /** Fewest copies a ledger keeps. */
    public static final int MIN_COPIES = 2;

    /** Largest ledger file we read; a bigger one is treated as corrupt rather than loaded into memory. */
    public static final long MAX_FILE_BYTES = 64L * 1024 * 1024;

    private static final String TEMP_SUFFIX = ".tmp";
    private static final String FORMAT_FIELD = "format";
    private static final int CHECKSUM_HEX_CHARS = 64;

    private final List<Path> paths;
    private long generation = -1; // -1 until load() ran
    private String brokenBy; // set once a write failed

    /** What load() found at one path. */
    public record CopyReport(Path path, Status status, long generation, String problem) {
        public enum Status { MISSING, VALID, INVALID }
    }

    /** The loaded state, its generation (0 when no copy existed) and what was found at each path. */
    public record Loaded(long generation, PersistentState state, List<CopyReport> copies) {
        public Loaded {
            copies = List.copyOf(copies);
        }

        /** True if every copy is present, valid and at the loaded generation. */
        public boolean allCopiesCurrent() {
            return copies.stream().allMatch(c -> c.status() == CopyReport.Status.VALID && c.generation() == generation);
        }
    }

    public Ledger(List<Path> paths) {
        if (paths.size() < MIN_COPIES) {
            throw new IllegalArgumentException("a ledger needs at least " + MIN_COPIES + " paths, got " + paths.size());
        }
        Set<Path> distinct = new HashSet<>();
        List<Path> normalized = new ArrayList<>();
        for (Path p : paths) {
            Path n = p.toAbsolutePath().normalize();
            if (!distinct.add(n)) {
                throw new IllegalArgumentException("ledger path given twice: " + n);
            }
            normalized.add(n);
        }
        this.paths = List.copyOf(normalized);
    }

    public List<Path> paths() {
        return paths;
    }

    /** The generation last loaded or written; -1 before {@link #load()}. */
    public synchronized long generation() {
        return generation;
    }

    /**
     * Reads the newest valid copy. Must be called before the first {@link #write}.
     *
     * @throws LedgerException if copies exist but none is valid, or valid copies of the same
     *                         generation disagree
     */
    public synchronized Loaded load() throws LedgerException {
        List<CopyReport> reports = new ArrayList<>();
        PersistentState best = null;
        long bestGeneration = 0;
        Path bestPath = null;
        for (Path path : paths) {
            CopyReport report;
            PersistentState state = null;
            try {
                Optional<Parsed> parsed = readCopy(path);
                if (parsed.isEmpty()) {
                    report = new CopyReport(path, CopyReport.Status.MISSING, 0, null);
                } else {
                    state = parsed.get().state;
                    report = new CopyReport(path, CopyReport.Status.VALID, parsed.get().generation, null);
                }
            } catch (InvalidCopy e) {
                if (e.newerFormat) {
                    throw new LedgerException("ledger copy " + path + ": " + e.getMessage());
                }
                report = new CopyReport(path, CopyReport.Status.INVALID, 0, e.getMessage());
                LOG.warn("ignoring ledger copy {}: {}", path, e.getMessage());
            }
            reports.add(report);
            if (state == null) {
                continue;
            }
            if (best == null || report.generation() > bestGeneration) {
                best = state;
                bestGeneration = report.generation();
                bestPath = path;
            } else if (report.generation() == bestGeneration && !state.equals(best)) {
                throw new LedgerException("ledger copies " + bestPath + " and " + path + " hold different states at generation "
                        + bestGeneration + "; refusing to choose");
            }
        }
        if (best == null) {
            boolean anyPresent = reports.stream().anyMatch(r -> r.status() != CopyReport.Status.MISSING);
            if (anyPresent) {
                StringBuilder why = new StringBuilder("no valid ledger copy, refusing to start with an empty state:");
                for (CopyReport r : reports) {
                    why.append(' ').append(r.path()).append(" (")
                            .append(r.status() == CopyReport.Status.MISSING ? "missing" : r.problem()).append(')');
                }
                throw new LedgerException(why.toString());
            }
            LOG.info("no ledger copies at {}; starting with an empty state", paths);
            generation = 0;
            return new Loaded(0, PersistentState.EMPTY, reports);
        }
        generation = bestGeneration;
        LOG.info("loaded ledger generation {} from {}", bestGeneration, bestPath);
        return new Loaded(bestGeneration, best, reports);
    }

    /**
     * Makes {@code state} durable as {@code newGeneration}, which must be greater than the last
     * loaded or written generation. Returns only once every copy is on disk.
     *
     * @throws LedgerException if any copy could not be written; the ledger then refuses all
     *                         further writes
     */
    public synchronized void write(long newGeneration, PersistentState state) throws LedgerException {
        if (brokenBy != null) {
            throw new LedgerException("ledger is unusable after a failed write: " + brokenBy);
        }
        if (generation < 0) {
            throw new IllegalStateException("load() the ledger before writing it");
        }
        if (newGeneration <= generation) {
            throw new IllegalArgumentException("generation must increase: last " + generation + ", got " + newGeneration);
        }
        if (state == null) {
            throw new IllegalArgumentException("state must not be null");
        }
        byte[] bytes;
        try {
            bytes = serialize(newGeneration, state);
        } catch (JsonProcessingException e) {
            brokenBy = "cannot serialize the state: " + e.getOriginalMessage();
            throw new LedgerException(brokenBy, e);
        }
        for (Path path : paths) {
            try {
                writeAtomically(path, bytes);
            } catch (IOException | RuntimeException e) {
                brokenBy = "writing " + path + " failed: " + e;
                throw new LedgerException(brokenBy, e);
            }
        }
        generation = newGeneration;
    }

    /** Writes {@code state} at the next generation and returns that generation. */
    public synchronized long append(PersistentState state) throws LedgerException {
        long next = generation + 1;
        write(next, state);
        return next;
    }

    // ---- format ----

    private record Parsed(long generation, PersistentState state) {}

    /** A copy that exists but cannot be used; the message says why (never the contents). */
    private static final class InvalidCopy extends Exception {
        private static final long serialVersionUID = 1L;
        /** The copy is well-formed but in a format this build cannot read: never skip it silently. */
        final boolean newerFormat;

        InvalidCopy(String message) {
            this(message, false);
        }

        InvalidCopy(String message, boolean newerFormat) {
            super(message, null, false, false);
            this.newerFormat = newerFormat;
        }
    }

    /**
     * One copy's bytes: the state is serialised once, compact; the checksum covers exactly those
     * bytes (with the generation), and they are embedded as they are. A pretty-printed file cost
     * three serialisations of the whole state per write and was most of a ledger write's CPU time
     * (profiled under {@code ./tq bench runtime}); loading accepts either layout.
     */
    static byte[] serialize(long generation, PersistentState state) throws JsonProcessingException {
        byte[] stateJson = LedgerJson.MAPPER.writeValueAsBytes(state);
        ByteArrayOutputStream out = new ByteArrayOutputStream(stateJson.length + FILE_OVERHEAD_BYTES);
        try (JsonGenerator g = LedgerJson.MAPPER.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField(FORMAT_FIELD, LedgerFormat.CURRENT);
            g.writeNumberField("generation", generation);
            g.writeFieldName("state");
            g.writeRawValue(new String(stateJson, StandardCharsets.UTF_8));
            g.writeStringField("checksum", HexFormat.of().formatHex(LedgerJson.checksumOf(generation, stateJson)));
            g.writeEndObject();
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new IllegalStateException("writing JSON to memory cannot fail", e);
        }
        out.write('\n');
        return out.toByteArray();
    }

    /** Room for the fields around the state in a copy, so its buffer is sized once. */
    private static final int FILE_OVERHEAD_BYTES = 256;

    private static Optional<Parsed> readCopy(Path path) throws InvalidCopy {
        byte[] bytes;
        try {
            long size = Files.size(path);
            if (size > MAX_FILE_BYTES) {
                throw new InvalidCopy("file of " + size + " bytes exceeds the " + MAX_FILE_BYTES + "-byte limit");
            }
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new InvalidCopy("cannot read: " + e);
        }
        return Optional.of(parse(bytes));
    }

    static Parsed parse(byte[] bytes) throws InvalidCopy {
        JsonNode root;
        try {
            root = LedgerJson.MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new InvalidCopy("not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw new InvalidCopy("not a JSON object");
        }
        JsonNode format = root.get(FORMAT_FIELD);
        if (format != null) {
            if (!format.isIntegralNumber() || !format.canConvertToLong()) {
                throw new InvalidCopy("format is not an integer");
            }
            String refusal = LedgerFormat.refusal(format.asLong());
            if (refusal != null) {
                throw new InvalidCopy(refusal, format.asLong() > LedgerFormat.CURRENT);
            }
        }
        if (root.size() != (format == null ? 3 : 4)) {
            throw new InvalidCopy("expected exactly the fields " + (format == null ? "" : "format, ")
                    + "generation, state, checksum");
        }
        JsonNode gen = root.get("generation");
        JsonNode stateNode = root.get("state");
        JsonNode sum = root.get("checksum");
        if (gen == null || !gen.isIntegralNumber() || !gen.canConvertToLong() || gen.asLong() < 1) {
            throw new InvalidCopy("generation missing or not a positive 64-bit integer");
        }
        if (stateNode == null || !stateNode.isObject()) {
            throw new InvalidCopy("state missing or not an object");
        }
        if (sum == null || !sum.isTextual() || sum.asText().length() != CHECKSUM_HEX_CHARS) {
            throw new InvalidCopy("checksum missing or not " + CHECKSUM_HEX_CHARS + " hex characters");
        }
        byte[] expected;
        try {
            expected = HexFormat.of().parseHex(sum.asText());
        } catch (IllegalArgumentException e) {
            throw new InvalidCopy("checksum is not hex");
        }
        long generation = gen.asLong();
        PersistentState state;
        try {
            state = LedgerJson.MAPPER.treeToValue(stateNode, PersistentState.class);
        } catch (JsonProcessingException | RuntimeException e) {
            // The model's constructors reject inconsistent values; Jackson reports them here.
            throw new InvalidCopy("state does not decode: " + firstLine(e.getMessage()));
        }
        if (state == null) {
            throw new InvalidCopy("state is null");
        }
        byte[] actual;
        try {
            actual = LedgerJson.checksum(generation, state);
        } catch (JsonProcessingException e) {
            throw new InvalidCopy("state cannot be re-encoded: " + e.getOriginalMessage());
        }
        if (!MessageDigest.isEqual(expected, actual)) {
            throw new InvalidCopy("checksum mismatch");
        }
        return new Parsed(generation, state);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    // ---- durable file replacement ----

    private static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path dir = target.getParent();
        ensureDirectory(dir);
        Path temp = dir.resolve("." + target.getFileName() + TEMP_SUFFIX);
        Files.deleteIfExists(temp); // left over from a crash mid-write
        try (FileChannel ch = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                ownerOnly(dir))) {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        forceDirectory(dir);
    }

    private static void ensureDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        try {
            Files.createDirectories(dir);
        } catch (FileAlreadyExistsException e) {
            throw new IOException(dir + " exists and is not a directory", e);
        }
        // Make the new directory entry itself durable.
        if (dir.getParent() != null) {
            forceDirectory(dir.getParent());
        }
    }

    private static void forceDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    private static FileAttribute<?>[] ownerOnly(Path dir) {
        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))};
        }
        return new FileAttribute<?>[0];
    }
}
