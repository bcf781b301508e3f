package dev.dspy4j.module;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The reflection behind {@link Module#predictors()} and {@link Module#withPredictors} for programs
 * that do not implement them: a record's components, or a class's instance fields (superclasses
 * first), that hold a {@link Module} or a {@code List} of modules. A predictor is named by the path
 * to it: {@code draft.predict} (component {@code draft}, a ChainOfThought), {@code answer.self}
 * (component {@code answer}, a Predict), {@code steps[1].self} (an element of a list).
 */
final class Submodules {
    private Submodules() {}

    private static final ClassValue<List<Member>> MEMBERS = new ClassValue<>() {
        @Override
        protected List<Member> computeValue(Class<?> type) {
            return members(type);
        }
    };

    /** A record component or a field, readable. */
    private record Member(String name, RecordComponent component, Field field) {
        Object get(Object owner) {
            try {
                return component != null ? component.getAccessor().invoke(owner) : field.get(owner);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(
                        "cannot read " + owner.getClass().getName() + "." + name + ": " + e, e);
            }
        }
    }

    private static List<Member> members(Class<?> type) {
        List<Member> out = new ArrayList<>();
        if (type.isRecord()) {
            for (RecordComponent rc : type.getRecordComponents()) {
                rc.getAccessor().setAccessible(true);
                out.add(new Member(rc.getName(), rc, null));
            }
            return out;
        }
        List<Class<?>> chain = new ArrayList<>();
        for (Class<?> c = type; c != null && c != Object.class && c != CompositeModule.class; c = c.getSuperclass()) {
            chain.add(0, c);
        }
        for (Class<?> c : chain) {
            for (Field f : c.getDeclaredFields()) {
                int mod = f.getModifiers();
                if (Modifier.isStatic(mod) || Modifier.isTransient(mod) || f.isSynthetic()) continue;
                if (!Module.class.isAssignableFrom(f.getType()) && !List.class.isAssignableFrom(f.getType())) {
                    continue;
                }
                f.setAccessible(true);
                out.add(new Member(f.getName(), null, f));
            }
        }
        return out;
    }

    /** The modules directly held by {@code owner}, by slot name, in declaration order. */
    private static Map<String, Module> children(Module owner) {
        Map<String, Module> out = new LinkedHashMap<>();
        for (Member m : MEMBERS.get(owner.getClass())) {
            Object v = m.get(owner);
            if (v instanceof Module sub) {
                out.put(m.name(), sub);
            } else if (v instanceof List<?> list) {
                for (int i = 0; i < list.size(); i++) {
                    if (list.get(i) instanceof Module sub) out.put(m.name() + "[" + i + "]", sub);
                }
            }
        }
        return out;
    }

    /**
     * The predictors under {@code owner}, each instance once, under the first path that reaches it (as
     * DSPy's {@code named_predictors()} skips a parameter it has already seen): a predictor shared by two
     * components is one thing to optimize, not two that would drift apart.
     */
    static Map<String, Predict> predictors(Module owner) {
        Map<String, Predict> out = new LinkedHashMap<>();
        Set<Predict> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        children(owner)
                .forEach((slot, sub) -> sub.predictors().forEach((name, p) -> {
                    if (seen.add(p)) out.put(slot + "." + name, p);
                }));
        return out;
    }

    /**
     * A copy of {@code owner} with the named predictors replaced. A replaced instance is replaced in every
     * slot that holds it, so a shared predictor stays shared.
     */
    static Module withPredictors(Module owner, Map<String, Predict> replacements) {
        if (replacements.isEmpty()) return owner;
        Map<String, Predict> known = predictors(owner);
        IdentityHashMap<Predict, Predict> swap = new IdentityHashMap<>();
        for (Map.Entry<String, Predict> e : replacements.entrySet()) {
            if (!known.containsKey(e.getKey())) {
                throw new IllegalArgumentException(owner.getClass().getSimpleName() + " has no predictor '" + e.getKey()
                        + "'; its predictors are " + new TreeSet<>(known.keySet()));
            }
            java.util.Objects.requireNonNull(e.getValue(), () -> "the replacement for predictor '" + e.getKey() + "'");
            swap.put(known.get(e.getKey()), e.getValue());
        }
        Map<String, Module> replaced = new LinkedHashMap<>();
        children(owner).forEach((slot, child) -> {
            Map<String, Predict> sub = new LinkedHashMap<>();
            child.predictors().forEach((name, p) -> {
                Predict r = swap.get(p);
                if (r != null) sub.put(name, r);
            });
            if (!sub.isEmpty()) replaced.put(slot, child.withPredictors(sub));
        });
        return rebuild(owner, replaced);
    }

    /** A copy of {@code owner} with the modules in these slots replaced. */
    private static Module rebuild(Module owner, Map<String, Module> replaced) {
        Class<?> type = owner.getClass();
        List<Member> members = MEMBERS.get(type);
        if (type.isRecord()) {
            Object[] args = new Object[members.size()];
            Class<?>[] types = new Class<?>[members.size()];
            for (int i = 0; i < members.size(); i++) {
                Member m = members.get(i);
                args[i] = newValue(m, m.get(owner), replaced);
                types[i] = m.component().getType();
            }
            try {
                Constructor<?> c = type.getDeclaredConstructor(types);
                c.setAccessible(true);
                return (Module) c.newInstance(args);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(
                        "cannot rebuild record " + type.getName() + " with new predictors: " + e, e);
            }
        }
        if (!(owner instanceof CompositeModule composite)) {
            throw new IllegalArgumentException(
                    type.getName() + " cannot be rebuilt with new predictors: make it a record,"
                            + " extend CompositeModule, or implement withPredictors");
        }
        Module copy = composite.shallowCopy();
        for (Member m : members) {
            Object old = m.get(owner);
            Object now = newValue(m, old, replaced);
            if (now == old) continue;
            try {
                m.field().set(copy, now);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("cannot set " + type.getName() + "." + m.name() + ": " + e, e);
            }
        }
        return copy;
    }

    private static Object newValue(Member m, Object old, Map<String, Module> replaced) {
        if (old instanceof Module module) return replaced.getOrDefault(m.name(), module);
        if (old instanceof List<?> list) {
            boolean changed = false;
            List<Object> out = new ArrayList<>(list);
            for (int i = 0; i < list.size(); i++) {
                Module r = replaced.get(m.name() + "[" + i + "]");
                if (r != null) {
                    out.set(i, r);
                    changed = true;
                }
            }
            return changed ? List.copyOf(out) : old;
        }
        return old;
    }
}
