package org.trustquorum.core;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

/** Runs one JUnit test method by hand (used to show a test fails once its guard is switched off). */
public final class TestInvoker {
    private TestInvoker() {}

    public static void invoke(Class<?> testClass, String method) throws Throwable {
        Object instance;
        if (testClass.getEnclosingClass() != null && !Modifier.isStatic(testClass.getModifiers())) {
            Object outer = construct(testClass.getEnclosingClass());
            var ctor = testClass.getDeclaredConstructor(testClass.getEnclosingClass());
            ctor.setAccessible(true);
            instance = ctor.newInstance(outer);
        } else {
            instance = construct(testClass);
        }
        Method m = testClass.getDeclaredMethod(method);
        m.setAccessible(true);
        try {
            m.invoke(instance);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static Object construct(Class<?> c) throws ReflectiveOperationException {
        var ctor = c.getDeclaredConstructor();
        ctor.setAccessible(true);
        return ctor.newInstance();
    }
}
