package org.trustquorum.core.model;

import java.util.Optional;

/**
 * The one rule a node id must follow, wherever it enters a node (admin API, configuration files,
 * certificates, wire frames, ledgers): {@link NodeId}'s constructor applies it, so no id that
 * breaks it can exist in memory.
 *
 * <p>The rule follows the shape of a platform (baseboard) identity: a part number and a serial
 * number, each 1 to its bound of <em>visible</em> ASCII characters ({@code '!'} to {@code '~'}):
 * no space, no control character (NUL included), nothing outside ASCII. That refuses every
 * look-alike (a Cyrillic {@code 'Т'} for a Latin {@code 'T'}), every invisible character
 * (zero-width, bidirectional overrides) and every emoji, so two ids that print the same are the
 * same id. The part number must not contain {@code ':'}, which separates the two in the text form
 * {@code PART:SERIAL}.
 */
public final class NodeIdRule {
    private NodeIdRule() {}

    /** Longest part number accepted, in characters (= bytes: the rule allows ASCII only). */
    public static final int MAX_PART_NUMBER_CHARS = 64;
    /** Longest serial number accepted, in characters (= bytes). */
    public static final int MAX_SERIAL_NUMBER_CHARS = 64;
    /** Longest text form {@code PART:SERIAL} a valid id can have. */
    public static final int MAX_TEXT_CHARS = MAX_PART_NUMBER_CHARS + 1 + MAX_SERIAL_NUMBER_CHARS;
    /** Lowest character allowed: {@code '!'}, the first visible ASCII character. */
    public static final char FIRST_ALLOWED_CHAR = '!';
    /** Highest character allowed: {@code '~'}, the last visible ASCII character. */
    public static final char LAST_ALLOWED_CHAR = '~';
    /** The separator of the text form; not allowed in a part number. */
    public static final char SEPARATOR = ':';
    /** Longest piece of a refused value quoted back in a message (after escaping). */
    public static final int MAX_QUOTED_CHARS = 80;

    /** Why {@code part:serial} is not a valid node id, or empty if it is. */
    public static Optional<String> problem(String partNumber, String serialNumber) {
        if (partNumber == null || serialNumber == null) {
            return Optional.of("a node id needs a part number and a serial number");
        }
        Optional<String> p = fieldProblem("part number", partNumber, MAX_PART_NUMBER_CHARS, true);
        return p.isPresent() ? p : fieldProblem("serial number", serialNumber, MAX_SERIAL_NUMBER_CHARS, false);
    }

    /** Why {@code text} is not the text form {@code PART:SERIAL} of a valid node id, or empty if it is. */
    public static Optional<String> problemOfText(String text) {
        if (text == null) {
            return Optional.of("a node id is required");
        }
        int colon = text.indexOf(SEPARATOR);
        if (colon <= 0 || colon == text.length() - 1) {
            return Optional.of("node id " + quote(text) + " must look like PART:SERIAL");
        }
        return problem(text.substring(0, colon), text.substring(colon + 1));
    }

    /** True if {@code c} may appear in a node id (the part number also excludes {@link #SEPARATOR}). */
    public static boolean allowed(char c) {
        return c >= FIRST_ALLOWED_CHAR && c <= LAST_ALLOWED_CHAR;
    }

    private static Optional<String> fieldProblem(String what, String value, int maxChars, boolean noSeparator) {
        if (value.isEmpty()) {
            return Optional.of("the " + what + " of a node id must not be empty");
        }
        if (value.length() > maxChars) {
            return Optional.of("the " + what + " " + quote(value) + " has " + value.length() + " characters; at most "
                    + maxChars + " are allowed");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!allowed(c)) {
                return Optional.of("the " + what + " " + quote(value) + " contains " + describe(value.codePointAt(i))
                        + " at position " + i + "; node ids are visible ASCII only ('!' to '~')");
            }
            if (noSeparator && c == SEPARATOR) {
                return Optional.of("the " + what + " " + quote(value) + " must not contain ':'");
            }
        }
        return Optional.empty();
    }

    private static String describe(int codePoint) {
        String hex = String.format("U+%04X", codePoint);
        if (codePoint == 0) {
            return "a NUL character (" + hex + ")";
        }
        if (codePoint == ' ') {
            return "a space";
        }
        if (Character.isISOControl(codePoint)) {
            return "a control character (" + hex + ")";
        }
        return "the non-ASCII character " + hex;
    }

    /**
     * A value quoted for a message or a log line, safe whatever it holds: in double quotes, every
     * character outside visible ASCII (and {@code "} and {@code \}) escaped as {@code \}{@code uXXXX},
     * cut after {@link #MAX_QUOTED_CHARS} characters with "...".
     */
    public static String quote(String raw) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < raw.length(); i++) {
            if (b.length() > MAX_QUOTED_CHARS) {
                b.append("...");
                break;
            }
            char c = raw.charAt(i);
            if (allowed(c) && c != '"' && c != '\\') {
                b.append(c);
            } else {
                b.append(String.format("\\u%04X", (int) c));
            }
        }
        return b.append('"').toString();
    }
}
