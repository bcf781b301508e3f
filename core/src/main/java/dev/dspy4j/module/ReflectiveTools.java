package dev.dspy4j.module;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Tools made by reflection: from a Java method (its parameters are the arguments) or from a record
 * type (its components are). The public entry points are {@link Tool}'s static factories.
 */
final class ReflectiveTools {
    private ReflectiveTools() {}

    static Tool fromMethod(Object target, String methodName) {
        Objects.requireNonNull(target, "target");
        Class<?> type = target instanceof Class<?> c ? c : target.getClass();
        List<Method> found = new ArrayList<>();
        for (Class<?> k = type; k != null && k != Object.class; k = k.getSuperclass()) {
            for (Method m : k.getDeclaredMethods()) {
                if (m.getName().equals(methodName) && !m.isSynthetic() && !m.isBridge()) found.add(m);
            }
        }
        if (found.isEmpty()) throw new IllegalArgumentException(type.getName() + " has no method '" + methodName + "'");
        if (found.size() > 1) {
            throw new IllegalArgumentException(type.getName() + " has " + found.size() + " methods named '" + methodName
                    + "'; pass the Method to fromMethod(target, method)");
        }
        return fromMethod(target instanceof Class<?> ? null : target, found.get(0));
    }

    static Tool fromMethod(Object target, Method method) {
        Objects.requireNonNull(method, "method");
        boolean isStatic = Modifier.isStatic(method.getModifiers());
        if (!isStatic && target == null) {
            throw new IllegalArgumentException(
                    "method " + method.getName() + " is not static: give the object to call it on");
        }
        try {
            method.setAccessible(true);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("method " + method + " is not accessible: " + e.getMessage(), e);
        }
        List<Tool.Param> params = new ArrayList<>();
        for (Parameter p : method.getParameters()) {
            if (!p.isNamePresent()) {
                throw new IllegalArgumentException("parameter names of " + method
                        + " are not available: compile with -parameters or use Tool.builder");
            }
            ToolDoc doc = p.getAnnotation(ToolDoc.class);
            try {
                params.add(Tool.Param.of(p.getName(), p.getParameterizedType(), doc == null ? "" : doc.value()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "tool " + method.getName() + ", parameter " + p.getName() + ": " + e.getMessage(), e);
            }
        }
        ToolDoc doc = method.getAnnotation(ToolDoc.class);
        Object receiver = isStatic ? null : target;
        List<Tool.Param> order = List.copyOf(params);
        Function<Map<String, Object>, Object> fn = args -> {
            Object[] values = new Object[order.size()];
            for (int i = 0; i < values.length; i++)
                values[i] = args.get(order.get(i).name());
            try {
                return method.invoke(receiver, values);
            } catch (InvocationTargetException e) {
                Throwable c = e.getCause();
                if (c instanceof RuntimeException r) throw r;
                if (c instanceof Error err) throw err;
                throw new ToolException(method.getName(), c.toString(), c);
            } catch (IllegalAccessException e) {
                throw new ToolException(method.getName(), "cannot call " + method + ": " + e.getMessage(), e);
            }
        };
        return new Tool(method.getName(), doc == null ? "" : doc.value(), params, null, fn);
    }

    static List<Tool> fromObject(Object target) {
        Objects.requireNonNull(target, "target");
        List<Method> methods = new ArrayList<>();
        for (Method m : target.getClass().getDeclaredMethods()) {
            if (m.isAnnotationPresent(ToolDoc.class)) methods.add(m);
        }
        if (methods.isEmpty()) {
            throw new IllegalArgumentException(target.getClass().getName() + " has no method annotated @ToolDoc");
        }
        methods.sort(Comparator.comparing(Method::getName));
        List<Tool> tools = new ArrayList<>();
        for (Method m : methods) tools.add(fromMethod(target, m));
        return List.copyOf(tools);
    }

    static <A extends Record> Tool ofRecord(
            String name, String description, Class<A> argsType, Function<? super A, ?> fn) {
        Objects.requireNonNull(argsType, "argsType");
        Objects.requireNonNull(fn, "fn");
        List<Tool.Param> params = new ArrayList<>();
        for (RecordComponent rc : argsType.getRecordComponents()) {
            params.add(Tool.Param.of(rc.getName(), rc.getGenericType(), ToolSchemas.DESCRIBER.describe(rc)));
        }
        return new Tool(name, description, params, null, args -> {
            Map<String, Object> present = new LinkedHashMap<>();
            args.forEach((k, v) -> {
                if (v != null && !(v instanceof Optional<?> o && o.isEmpty())) present.put(k, v);
            });
            return fn.apply(ToolArguments.JSON.convertValue(present, argsType));
        });
    }
}
