package dev.dspy4j.module;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 * <p>Making a tool by reflection is {@code ReflectiveTools}, reading and converting its arguments
 * {@code ToolArguments}, its schema comes from the adapter's generator through {@code ToolSchemas},
 * and ReAct's reading of the LM's arguments and the tool's results is {@code ToolResults}.
 */
public final class Tool {

    /**
     * One argument.
     *
     * @param name        the argument name
     * @param type        the Java type arguments are converted to
     * @param description shown to the LM; may be empty
     * @param required    false for an {@code Optional} argument
     * @param schema      the JSON Schema of the argument's values (of the value inside, for an
     *                    {@code Optional}); copied, in its given key order
     */
    public record Param(String name, Type type, String description, boolean required, Map<String, Object> schema) {
        /**
         * Checks and copies the components.
         *
         * @param name the argument name; not null
         * @param type the Java type; not null
         * @param description shown to the LM; {@code null} is empty
         * @param required whether the LM must give it
         * @param schema the JSON Schema of its values; copied in order
         * @throws NullPointerException if {@code name}, {@code type} or {@code schema} is null
         */
        public Param {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
            description = description == null ? "" : description;
            // ordered: the schema is printed into prompts, so its text must be the same in every run
            schema = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(schema));
        }

        /**
         * A parameter whose schema comes from its type; {@code Optional} types are not required.
         *
         * @param name the argument name
         * @param type the Java type: a primitive or its box, {@code String}, {@code BigDecimal},
         *     enum, record, collection, array, map (keys {@code String}, enum, {@code Integer} or
         *     {@code Long}), {@code Object} or {@code JsonNode}, or an {@code Optional} of one; not media
         * @param description shown to the LM; {@code null} is empty
         * @return the parameter
         * @throws IllegalArgumentException if the type has no JSON Schema
         */
        public static Param of(String name, Type type, String description) {
            return new Param(name, type, description, !ToolSchemas.optional(type), ToolSchemas.of(type));
        }
    }

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]{0,63}");

    private final String name;
    private final String description;
    private final List<Param> params;
    private final Map<String, Object> argsSchema;
    private final Function<Map<String, Object>, Object> function;

    Tool(
            String name,
            String description,
            List<Param> params,
            Map<String, Object> argsSchema,
            Function<Map<String, Object>, Object> function) {
        if (!NAME.matcher(Objects.requireNonNull(name, "name")).matches()) {
            throw new IllegalArgumentException("tool name '" + name
                    + "' must start with a letter or '_' and hold only letters, digits, '_' or '-'" + " (at most 64)");
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
     * @param target the object to call the method on, or the {@code Class} holding a static method
     * @param methodName the method's name; it must be the only method of that name (use
     *     {@link #fromMethod(Object, Method)} for an overloaded one)
     * @return the tool; an exception the method throws reaches {@link #invoke}'s caller as a
     *     {@link ToolException} with it as the cause (an {@code Error} passes unchanged)
     * @throws IllegalArgumentException if there is no such method, or several, or a parameter type is unsupported
     */
    public static Tool fromMethod(Object target, String methodName) {
        return ReflectiveTools.fromMethod(target, methodName);
    }

    /**
     * A tool calling {@code method} on {@code target}, named and described as
     * {@link #fromMethod(Object, String)} does.
     *
     * @param target the object to call it on; {@code null} for a static method
     * @param method the method; made accessible here
     * @return the tool
     * @throws IllegalArgumentException if {@code target} is null for an instance method, the method
     *     is not accessible, its parameter names were not compiled in, or a parameter type is unsupported
     */
    public static Tool fromMethod(Object target, Method method) {
        return ReflectiveTools.fromMethod(target, method);
    }

    /**
     * Every method of {@code target} annotated with {@link ToolDoc}, as tools, in name order.
     * Only the methods declared by {@code target}'s own class count (not inherited ones).
     *
     * @param target the object whose methods become tools
     * @return the tools, unmodifiable, sorted by method name
     * @throws IllegalArgumentException if there is none
     */
    public static List<Tool> fromObject(Object target) {
        return ReflectiveTools.fromObject(target);
    }

    /**
     * A tool taking one record of arguments: the record's components are the arguments (described
     * by {@link ToolDoc} or Jackson's {@code @JsonPropertyDescription} on each component). Arguments
     * the LM leaves out, or gives as {@code null}, are absent when Jackson builds the record.
     *
     * @param <A> the record type
     * @param name the tool name: letters, digits, {@code _} or {@code -}, at most 64 (OpenAI's rule),
     *     starting with a letter or {@code _} (Gemini's)
     * @param description shown to the LM; {@code null} is empty
     * @param argsType the record class whose components are the arguments
     * @param fn the function, given the arguments as one record
     * @return the tool
     * @throws IllegalArgumentException if the name is not accepted or a component type is unsupported
     */
    public static <A extends Record> Tool of(
            String name, String description, Class<A> argsType, Function<? super A, ?> fn) {
        return ReflectiveTools.ofRecord(name, description, argsType, fn);
    }

    /**
     * A builder for a tool defined by a lambda.
     *
     * @param name the tool name: letters, digits, {@code _} or {@code -}, at most 64, starting with a
     *     letter or {@code _} (checked by {@link Builder#build()})
     * @return a new builder
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** {@return the name the LM calls the tool by} */
    public String name() {
        return name;
    }

    /** {@return what the tool does, as shown to the LM; empty if none was given} */
    public String description() {
        return description;
    }

    /** {@return the arguments, in declaration order; empty for a tool with an explicit schema} */
    public List<Param> params() {
        return params;
    }

    /**
     * The JSON Schema of the arguments object, as JSON-like maps:
     * {@code {"type":"object","properties":{...},"required":[...],"additionalProperties":false}}.
     *
     * @return the schema, unmodifiable; generated from {@link #params()} or given to the builder
     */
    public Map<String, Object> argsSchema() {
        return argsSchema;
    }

    /** {@return {@link #argsSchema()} as one line of JSON, keys in their map order} */
    public String argsSchemaJson() {
        try {
            return ToolArguments.JSON.writeValueAsString(argsSchema);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The OpenAI-style function definition, as in Chat Completions' {@code tools} array.
     *
     * @return {@code {"type":"function","function":{"name":..,"description":..,"parameters":<argsSchema>}}},
     *     as unmodifiable JSON-like maps
     */
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
     * Calls the tool with arguments from the LM (JSON-like values by name). Each value is converted
     * to its parameter's type; a string holding JSON is accepted for a list, map or record argument,
     * a left-out {@code Optional} argument is {@code Optional.empty()}. A tool with an explicit
     * {@linkplain Builder#argsSchema schema} gets the arguments as given.
     *
     * @param args the arguments by name; {@code null} is none
     * @return what the function returned (may be {@code null})
     * @throws ToolException for a missing, unknown or unconvertible argument, or when the tool throws
     *     (the tool's own {@code ToolException} passes unchanged, any other runtime exception is its cause)
     */
    public Object invoke(Map<String, ?> args) {
        Map<String, Object> converted = ToolArguments.convert(name, params, args == null ? Map.of() : args);
        try {
            return function.apply(converted);
        } catch (ToolException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ToolException(
                    name, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
        }
    }

    /**
     * Calls the tool with arguments given as a JSON object string (as native tool calls carry them).
     *
     * @param argsJson a JSON object; {@code null} or blank is no arguments
     * @return what the function returned, as {@link #invoke} does
     * @throws ToolException if the text is not a JSON object, or as {@link #invoke} throws
     */
    public Object invokeJson(String argsJson) {
        return invoke(ToolArguments.parse(name, argsJson));
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

        /**
         * Sets what the tool does, as shown to the LM.
         *
         * @param d the description; {@code null} is empty
         * @return this builder
         */
        public Builder description(String d) {
            this.description = d;
            return this;
        }

        /**
         * Adds an argument, converted to {@code type}; an {@code Optional} type is not required.
         *
         * @param paramName the argument name; unique within the tool
         * @param type its Java type, as {@link Param#of} accepts
         * @param paramDescription shown to the LM; {@code null} is empty
         * @return this builder
         * @throws IllegalArgumentException if the type has no JSON Schema
         */
        public Builder param(String paramName, Type type, String paramDescription) {
            params.add(Param.of(paramName, type, paramDescription));
            return this;
        }

        /**
         * An explicit JSON Schema for the arguments object (JSON-like maps), instead of one generated
         * from {@link #param}s; arguments are then passed to the handler as the LM gave them.
         *
         * @param jsonSchema the schema of the arguments object; copied
         * @return this builder
         */
        public Builder argsSchema(Map<String, ?> jsonSchema) {
            this.schema = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(jsonSchema));
            return this;
        }

        /**
         * Sets the function, given the converted arguments by name.
         *
         * @param fn the function; its result goes to the LM (see {@link Tool#invoke})
         * @return this builder
         */
        public Builder handler(Function<Map<String, Object>, ?> fn) {
            Objects.requireNonNull(fn, "handler");
            this.handler = fn::apply;
            return this;
        }

        /**
         * Builds the tool.
         *
         * @return the tool
         * @throws IllegalStateException if no handler was set, or both params and a schema were given
         * @throws IllegalArgumentException if the name is not accepted or an argument name repeats
         */
        public Tool build() {
            if (handler == null) throw new IllegalStateException("tool " + name + " has no handler");
            if (schema != null && !params.isEmpty()) {
                throw new IllegalStateException(
                        "tool " + name + ": give either params or an explicit argsSchema, not both");
            }
            return new Tool(name, description, params, schema, handler);
        }
    }
}
