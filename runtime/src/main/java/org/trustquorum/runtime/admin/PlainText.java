package org.trustquorum.runtime.admin;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a library's message (Jackson's, mostly) into one a person reads: no Java class or method
 * names, no configuration setting names, one line, and nothing outside printable ASCII (other
 * characters are escaped). Every refusal the admin API sends passes here.
 */
final class PlainText {
    private PlainText() {}

    /** A parenthesis that only points at a library setting: "(1000, from `StreamReadConstraints.getMaxNestingDepth()`)". */
    private static final Pattern SETTING_SOURCE = Pattern.compile(",? from `[^`]*`");
    /** "(class org.trustquorum.core.model.Epoch)" and the like. */
    private static final Pattern CLASS_NOTE = Pattern.compile("\\s*\\(class [\\w.$]+\\)");
    /** A backquoted type or member: `org.trustquorum.core.model.Threshold`, `java.util.List<...>`. */
    private static final Pattern QUOTED_TYPE = Pattern.compile("`([^`]*)`");
    /** A fully qualified name left anywhere else. */
    private static final Pattern QUALIFIED = Pattern.compile("\\b(?:[a-z][a-z0-9_]*\\.)+([A-Z][\\w$]*)");
    /** Jackson's note of the token it saw: "(token `JsonToken.VALUE_STRING`)". */
    private static final Pattern TOKEN_NOTE = Pattern.compile("\\s*\\(token `[^`]*`\\)");
    private static final Pattern CAMEL = Pattern.compile("(?<=[a-z0-9])(?=[A-Z])");

    /** The first line of {@code message}, without class, method or setting names. */
    static String scrub(String message) {
        if (message == null) {
            return "";
        }
        String s = Fields.firstLine(message);
        s = SETTING_SOURCE.matcher(s).replaceAll("");
        s = CLASS_NOTE.matcher(s).replaceAll("");
        s = TOKEN_NOTE.matcher(s).replaceAll("");
        Matcher m = QUOTED_TYPE.matcher(s);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(b, Matcher.quoteReplacement(words(m.group(1))));
        }
        m.appendTail(b);
        s = b.toString();
        m = QUALIFIED.matcher(s);
        b = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(b, Matcher.quoteReplacement(words(m.group(1))));
        }
        m.appendTail(b);
        return printable(b.toString());
    }

    /** Escapes every character outside printable ASCII as backslash-u and 4 hex digits, so a quoted value cannot hide or forge text. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= ' ' && c <= '~') {
                b.append(c);
            } else {
                b.append(String.format("\\u%04X", (int) c));
            }
        }
        return b.toString();
    }

    /** "org.trustquorum.core.model.RackId" -> "rack id"; "java.util.List<...>" -> "list"; "x.getY()" -> "value". */
    private static String words(String name) {
        String n = name;
        int generic = n.indexOf('<');
        if (generic >= 0) {
            n = n.substring(0, generic);
        }
        if (n.contains("(")) {
            return "value";
        }
        n = n.substring(n.lastIndexOf('.') + 1).replace("$", " ").replace("[]", "s");
        return CAMEL.matcher(n).replaceAll(" ").toLowerCase(java.util.Locale.ROOT).trim();
    }
}
