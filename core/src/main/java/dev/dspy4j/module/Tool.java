package dev.dspy4j.module;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A function the LM may call: a name, a description, and its arguments with a JSON Schema generated
 * from their Java types. Arguments arrive from the LM as JSON values and are converted (through
 * Jackson) to the declared types; a string holding JSON is accepted for a list, map or record
 * argument, and a numeric string for a number. Immutable and thread-safe if the function is.
 *
 * <pre>{@code
 * class Weather {
 *     @ToolDoc("Current temperature in a city, in degrees Celsius.")
 *     public double temperature(@ToolDoc("city name") String city) { ... }
 * }
 * Tool t = Tool.fromMethod(new Weather(), "temperature");
 *
 * Tool add = Tool.builder("add").description("Adds two integers.")
 *     .param("a", int.class, "first").param("b", int.class, "second")
 *     .handler(args -> (int) args.get("a") + (int) args.get("b")).build();
 * }</pre>
 *
 * <p>(About 400 lines, kept in one file: the three ways to make a tool, its schema and the argument
 * conversion all read the same {@link Param} list; the schema itself comes from the adapter's
 * generator, and ReAct's reading of arguments and results is {@code ToolResults}.)
 */
public final class Tool {

    /**
     * One argument.
     *
     * @param name        the argument name
     * @param type        the Java type arguments are converted to
     * @param description shown to the LM; may be empty
     * @param required    false for an {@code Optional} argument
     * @param schema      the JSON Schema of the argument's values
     */
    public record Param(String name, Type type, String description, boolean required, Map<String, Object> schema) {
        public Param {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
            description = description == null ? "" : description;
            // ordered: the schema is printed into prompts, so its text must be the same in every run
            schema = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(schema));
        }

        /** A parameter whose schema comes from its type; {@code Optional} types are not required. */
        public static Param of(String name, Type type, String description) {
            return new Param(name, type, description, !ToolSchemas.optional(type), ToolSchemas.of(type));
        }
    }

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]{0,63}");
    static final ObjectMapper JSON = new ObjectMapper().registerModule(new Jdk8Module());

    private final String name;
    private final String description;
    private final List<Param> params;
    private final Map<String, Object> argsSchema;
    private final Function<Map<String, Object>, Object> function;

    private Tool(
            String name,
            String description,
            List<Param> params,
            Map<String, Object> argsSchema,
            Function<Map<String, Object>, Object> function) {
        if (!NAME.matcher(Objects.requireNonNull(name, "name")).matches()) {
            throw new IllegalArgumentException(
                    "tool name '" + name + "' must be letters, digits, '_' or '-' (at most 64)");
        }
        this.name = name;
        this.description = description == null ? "" : description;
        this.params = List.copyOf(params);
        Set<String> seen = new LinkedHashSet<>();
        for (Param p : this.params) {
            if (!seen.add(p.name()))
                throw new IllegalArgumentException("tool " + name + ": duplicate argument '" + p.name() + "'");
        }
        this.argsSchema = argsSchema != null ? argsSchema : ToolSchemas.object(this.params);
        this.function = Objects.requireNonNull(function, "function");
    }

    /**
     * A tool calling {@code target.methodName(...)} (or a static method when {@code target} is a
     * {@code Class}). The name is the method's, the description comes from {@link ToolDoc} on the
     * method, and each parameter's from {@link ToolDoc} on the parameter. Needs {@code -parameters}.
     *
     * @throws IllegalArgumentException if there is no such method, or several, or a parameter type is unsupported
     */
    public static Tool fromMethod(Object target, String methodName) {
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

    /** A tool calling {@code method} on {@code target} (null for a static method). */
    public static Tool fromMethod(Object target, Method method) {
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
        List<Param> params = new ArrayList<>();
        for (Parameter p : method.getParameters()) {
            if (!p.isNamePresent()) {
                throw new IllegalArgumentException("parameter names of " + method
                        + " are not available: compile with -parameters or use Tool.builder");
            }
            ToolDoc doc = p.getAnnotation(ToolDoc.class);
            try {
                params.add(Param.of(p.getName(), p.getParameterizedType(), doc == null ? "" : doc.value()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "tool " + method.getName() + ", parameter " + p.getName() + ": " + e.getMessage(), e);
            }
        }
        ToolDoc doc = method.getAnnotation(ToolDoc.class);
        Object receiver = isStatic ? null : target;
        List<Param> order = List.copyOf(params);
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

    /**
     * Every method of {@code target} annotated with {@link ToolDoc}, as tools, in name order.
     *
     * @throws IllegalArgumentException if there is none
     */
    public static List<Tool> fromObject(Object target) {
        Objects.requireNonNull(target, "target");
        List<Method> methods = new ArrayList<>();
        for (Method m : target.getClass().getDeclaredMethods()) {
            if (m.isAnnotationPresent(ToolDoc.class)) methods.add(m);
        }
        if (methods.isEmpty()) {
            throw new IllegalArgumentException(target.getClass().getName() + " has no method annotated @ToolDoc");
        }
        methods.sort(java.util.Comparator.comparing(Method::getName));
        List<Tool> tools = new ArrayList<>();
        for (Method m : methods) tools.add(fromMethod(target, m));
        return List.copyOf(tools);
    }

    /**
     * A tool taking one record of arguments: the record's components are the arguments (described
     * by {@link ToolDoc} or Jackson's {@code @JsonPropertyDescription} on each component).
     */
    public static <A extends Record> Tool of(
            String name, String description, Class<A> argsType, Function<? super A, ?> fn) {
        Objects.requireNonNull(argsType, "argsType");
        Objects.requireNonNull(fn, "fn");
        List<Param> params = new ArrayList<>();
        for (RecordComponent rc : argsType.getRecordComponents()) {
            params.add(Param.of(rc.getName(), rc.getGenericType(), ToolSchemas.DESCRIBER.describe(rc)));
        }
        return new Tool(name, description, params, null, args -> {
            Map<String, Object> present = new LinkedHashMap<>();
            args.forEach((k, v) -> {
                if (v != null && !(v instanceof Optional<?> o && o.isEmpty())) present.put(k, v);
            });
            return fn.apply(JSON.convertValue(present, argsType));
        });
    }

    /** A builder for a tool defined by a lambda. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    public String name() {
        return name;
    }

    public String description() {
        return description;
    }

    /** The arguments, in declaration order. */
    public List<Param> params() {
        return params;
    }

    /**
     * The JSON Schema of the arguments object, as JSON-like maps:
     * {@code {"type":"object","properties":{...},"required":[...],"additionalProperties":false}}.
     */
    public Map<String, Object> argsSchema() {
        return argsSchema;
    }

    /** The schema as a JSON string. */
    public String argsSchemaJson() {
        try {
            return JSON.writeValueAsString(argsSchema);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The OpenAI-style function definition: {@code {"type":"function","function":{name, description, parameters}}}. */
    public Map<String, Object> toFunctionSpec() {
        Map<String, Object> fn = new LinkedHashMap<>();
        fn.put("name", name);
        fn.put("description", description);
        fn.put("parameters", argsSchema);
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("type", "function");
        spec.put("function", fn);
        return java.util.Collections.unmodifiableMap(spec);
    }

    /**
     * Calls the tool with arguments from the LM (JSON-like values by name).
     *
     * @throws ToolException for a missing, unknown or unconvertible argument, or when the tool throws
     */
    public Object invoke(Map<String, ?> args) {
        Map<String, ?> given = args == null ? Map.of() : args;
        Map<String, Object> converted = new LinkedHashMap<>();
        Set<String> known = new LinkedHashSet<>();
        if (!params.isEmpty()) {
            for (Param p : params) known.add(p.name());
            for (String k : given.keySet()) {
                if (!known.contains(k)) {
                    throw new ToolException(
                            name, "tool " + name + " has no argument '" + k + "'; its arguments are " + known, null);
                }
            }
            for (Param p : params) {
                converted.put(p.name(), convert(p, given.get(p.name())));
            }
        } else {
            converted.putAll(given);
        }
        try {
            return function.apply(converted);
        } catch (ToolException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ToolException(
                    name, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
        }
    }

    /** Calls the tool with arguments given as a JSON object string (as native tool calls carry them). */
    @SuppressWarnings("unchecked")
    public Object invokeJson(String argsJson) {
        Map<String, Object> args;
        try {
            Object v = argsJson == null || argsJson.isBlank() ? Map.of() : JSON.readValue(argsJson, Object.class);
            if (!(v instanceof Map)) {
                throw new ToolException(
                        name, "tool " + name + ": arguments must be a JSON object, not " + argsJson, null);
            }
            args = (Map<String, Object>) v;
        } catch (JsonProcessingException e) {
            throw new ToolException(
                    name, "tool " + name + ": arguments are not valid JSON: " + e.getOriginalMessage(), e);
        }
        return invoke(args);
    }

    private Object convert(Param p, Object value) {
        boolean optional = ToolSchemas.optional(p.type());
        if (value == null) {
            if (optional) return Optional.empty();
            if ((p.type() instanceof Class<?> c && c.isPrimitive()) || p.required()) {
                throw new ToolException(name, "tool " + name + ": missing argument '" + p.name() + "'", null);
            }
            return null;
        }
        JavaType target = JSON.getTypeFactory().constructType(p.type());
        Object v = value;
        if (v instanceof String s && wantsStructure(target)) {
            String t = s.trim();
            if (t.startsWith("{") || t.startsWith("[")) {
                try {
                    v = JSON.readValue(t, Object.class);
                } catch (JsonProcessingException e) {
                    // not JSON after all: let the conversion below report the mismatch
                }
            }
        }
        try {
            return JSON.convertValue(v, target);
        } catch (IllegalArgumentException e) {
            throw new ToolException(
                    name,
                    "tool " + name + ": argument '" + p.name() + "' = " + abbreviate(value) + " is not a valid "
                            + p.type().getTypeName(),
                    e);
        }
    }

    private static boolean wantsStructure(JavaType t) {
        if (t.isReferenceType()) t = t.getReferencedType();
        return t.isContainerType() || t.isArrayType() || t.getRawClass().isRecord();
    }

    private static String abbreviate(Object v) {
        String s = String.valueOf(v);
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    @Override
    public String toString() {
        return "Tool(" + name + ")";
    }

    /** Builds a {@link Tool} from a function of its arguments by name. */
    public static final class Builder {
        private final String name;
        private String description = "";
        private final List<Param> params = new ArrayList<>();
        private Map<String, Object> schema;
        private Function<Map<String, Object>, Object> handler;

        private Builder(String name) {
            this.name = name;
        }

        public Builder description(String d) {
            this.description = d;
            return this;
        }

        /** An argument converted to {@code type}; an {@code Optional} type is not required. */
        public Builder param(String paramName, Type type, String paramDescription) {
            params.add(Param.of(paramName, type, paramDescription));
            return this;
        }

        /**
         * An explicit JSON Schema for the arguments object (JSON-like maps), instead of one generated
         * from {@link #param}s; arguments are then passed to the handler as the LM gave them.
         */
        public Builder argsSchema(Map<String, ?> jsonSchema) {
            this.schema = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(jsonSchema));
            return this;
        }

        /** The function, given the converted arguments by name. */
        public Builder handler(Function<Map<String, Object>, ?> fn) {
            Objects.requireNonNull(fn, "handler");
            this.handler = fn::apply;
            return this;
        }

        public Tool build() {
            if (handler == null) throw new IllegalStateException("tool " + name + " has no handler");
            if (schema != null && !params.isEmpty()) {
                throw new IllegalStateException(
                        "tool " + name + ": give either params or an explicit argsSchema, not both");
            }
            return new Tool(name, description, params, schema, handler);
        }
    }

    static String describeArgs(Map<String, ?> args) {
        try {
            return JSON.writeValueAsString(args);
        } catch (JsonProcessingException e) {
            return String.valueOf(args);
        }
    }

    static List<String> names(List<Tool> tools) {
        return Arrays.asList(tools.stream().map(Tool::name).toArray(String[]::new));
    }
}
