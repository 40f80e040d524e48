package org.trustquorum.sim.shrink;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.trustquorum.sim.scenario.Entry;
import org.trustquorum.sim.scenario.FaultMix;
import org.trustquorum.sim.scenario.Schedule;

/**
 * Schedules to and from JSON-shaped maps. Records are written field by field under their component
 * names, so the files stay readable and a renamed field fails loudly on load. A fault-mix field
 * missing from an older file reads as 0 (new fault knobs are added "off" at 0).
 */
public final class ScheduleCodec {
    private static final Map<String, Class<?>> ENTRY_KINDS = new LinkedHashMap<>();

    static {
        for (Class<?> c : Entry.class.getPermittedSubclasses()) {
            ENTRY_KINDS.put(kindOf(c), c);
        }
    }

    private ScheduleCodec() {}

    private static String kindOf(Class<?> c) {
        // "OneWayPartition" -> "one-way-partition", matching Entry.kind.
        String simple = c.getSimpleName();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < simple.length(); i++) {
            char ch = simple.charAt(i);
            if (Character.isUpperCase(ch) && i > 0) {
                sb.append('-');
            }
            sb.append(Character.toLowerCase(ch));
        }
        return sb.toString();
    }

    public static Map<String, Object> toJson(Schedule s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("nodes", (long) s.nodes());
        List<Object> initial = new ArrayList<>();
        for (int i : s.initialMembers()) {
            initial.add((long) i);
        }
        m.put("initialMembers", initial);
        m.put("initialThreshold", (long) s.initialThreshold());
        m.put("mix", recordToJson(s.mix()));
        List<Object> entries = new ArrayList<>();
        for (Entry e : s.entries()) {
            Map<String, Object> em = new LinkedHashMap<>();
            em.put("kind", Entry.kind(e));
            em.putAll(recordToJson((Record) e));
            entries.add(em);
        }
        m.put("entries", entries);
        return m;
    }

    @SuppressWarnings("unchecked")
    public static Schedule fromJson(Map<String, Object> m) {
        int nodes = asInt(m.get("nodes"));
        List<Integer> initial = new ArrayList<>();
        for (Object o : (List<Object>) m.get("initialMembers")) {
            initial.add(asInt(o));
        }
        int threshold = asInt(m.get("initialThreshold"));
        FaultMix mix = recordFromJson(FaultMix.class, (Map<String, Object>) m.get("mix"));
        List<Entry> entries = new ArrayList<>();
        for (Object o : (List<Object>) m.get("entries")) {
            Map<String, Object> em = (Map<String, Object>) o;
            String kind = (String) em.get("kind");
            Class<?> c = ENTRY_KINDS.get(kind);
            if (c == null) {
                throw new IllegalArgumentException("unknown schedule entry kind '" + kind + "'");
            }
            entries.add((Entry) recordFromJson(c, em));
        }
        return new Schedule(nodes, mix, initial, threshold, entries);
    }

    static Map<String, Object> recordToJson(Record r) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (RecordComponent rc : r.getClass().getRecordComponents()) {
            try {
                Object v = rc.getAccessor().invoke(r);
                if (v instanceof Enum<?> e) {
                    v = e.name();
                } else if (v instanceof Integer i) {
                    v = (long) i;
                }
                m.put(rc.getName(), v);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("cannot read " + rc, e);
            }
        }
        return m;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static <T> T recordFromJson(Class<T> c, Map<String, Object> m) {
        RecordComponent[] rcs = c.getRecordComponents();
        Class<?>[] types = new Class<?>[rcs.length];
        Object[] args = new Object[rcs.length];
        for (int i = 0; i < rcs.length; i++) {
            types[i] = rcs[i].getType();
            Object v = m.get(rcs[i].getName());
            if (v == null && c == FaultMix.class && types[i].isPrimitive() && types[i] != boolean.class) {
                // A fault knob added after the file was written: off.
                v = 0L;
            }
            if (v == null) {
                throw new IllegalArgumentException(c.getSimpleName() + ": missing field '" + rcs[i].getName() + "'");
            }
            if (types[i] == int.class) {
                args[i] = asInt(v);
            } else if (types[i] == long.class) {
                args[i] = ((Number) v).longValue();
            } else if (types[i] == double.class) {
                args[i] = ((Number) v).doubleValue();
            } else if (types[i] == boolean.class) {
                args[i] = (Boolean) v;
            } else if (types[i].isEnum()) {
                args[i] = Enum.valueOf((Class) types[i], (String) v);
            } else {
                throw new IllegalStateException("unsupported field type " + types[i]);
            }
        }
        try {
            Constructor<T> ctor = c.getDeclaredConstructor(types);
            return ctor.newInstance(args);
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("cannot build " + c.getSimpleName() + ": " + e, e);
        }
    }

    private static int asInt(Object o) {
        return Math.toIntExact(((Number) o).longValue());
    }
}
