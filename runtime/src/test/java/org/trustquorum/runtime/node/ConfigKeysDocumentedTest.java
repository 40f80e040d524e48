package org.trustquorum.runtime.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/OPERATIONS.md documents exactly the configuration keys the node reads. The keys the code
 * reads are the components of {@link NodeConfig} (the file is mapped onto it, unknown keys
 * refused), nested records as {@code a.b}, lists of records as {@code a[].b}; the documented keys
 * are the first column of the key table in section 4.
 */
class ConfigKeysDocumentedTest {
    private static final Path GUIDE = Path.of("..", "docs", "OPERATIONS.md");
    private static final Pattern TABLE_KEY = Pattern.compile("^\\| `([A-Za-z\\[\\].]+)` \\|", Pattern.MULTILINE);

    static Set<String> keysTheCodeReads() {
        Set<String> keys = new TreeSet<>();
        collect(NodeConfig.class, "", keys);
        return keys;
    }

    private static void collect(Class<?> record, String prefix, Set<String> keys) {
        for (RecordComponent c : record.getRecordComponents()) {
            String key = prefix + c.getName();
            Class<?> type = c.getType();
            if (type.isRecord()) {
                collect(type, key + ".", keys);
            } else if (List.class.isAssignableFrom(type) && elementType(c.getGenericType()) instanceof Class<?> e
                    && e.isRecord()) {
                collect(e, key + "[].", keys);
            } else {
                keys.add(key);
            }
        }
    }

    private static Type elementType(Type listType) {
        return ((ParameterizedType) listType).getActualTypeArguments()[0];
    }

    static Set<String> keysTheGuideDocuments() throws Exception {
        String text = Files.readString(GUIDE);
        int from = text.indexOf("## 4. Configuration");
        int to = text.indexOf("\n## ", from + 1);
        assertTrue(from >= 0 && to > from, "section 4 of " + GUIDE);
        Matcher m = TABLE_KEY.matcher(text.substring(from, to));
        Set<String> keys = new TreeSet<>();
        while (m.find()) {
            keys.add(m.group(1));
        }
        return keys;
    }

    @Test
    void theGuideDocumentsExactlyTheKeysTheCodeReads() throws Exception {
        Set<String> code = keysTheCodeReads();
        assertTrue(code.contains("admin.token") && code.contains("peers[].port") && code.contains("ledger"), code.toString());
        assertEquals(code, keysTheGuideDocuments(),
                "docs/OPERATIONS.md section 4 must list every key NodeConfig reads, and no other");
    }
}
