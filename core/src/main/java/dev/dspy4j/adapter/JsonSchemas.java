package dev.dspy4j.adapter;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.dspy4j.signature.Field;
import dev.dspy4j.signature.FieldType;
import dev.dspy4j.signature.Signature;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The one JSON Schema generator, for the values an LM writes: signature outputs (the JSON adapter's
 * {@code response_format}, the schemas printed into prompts) and tool arguments.
 *
 * <p>Schemas follow the rules of OpenAI's strict structured outputs: an object lists every property
 * as required and allows no additional properties; {@code Optional} is {@code anyOf} with
 * {@code null} (a value or null, never left out); a recursive record (one that can reach itself, as
 * {@code record Node(String name, List<Node> children)}) is defined once under {@code $defs} by its
 * simple name and referred to as {@code {"$ref": "#/$defs/Node"}}; other records are written inline.
 * Enums and {@code Literal} become {@code enum}; a union {@code anyOf} of its options; {@code Any}
 * (and {@code Object}, {@code JsonNode}) the empty schema; a map with string keys an object with
 * {@code additionalProperties}; a fixed tuple an array with {@code prefixItems}. The last three do not
 * fit strict mode: {@link #strictCompatible} says so. A record component's description (see
 * {@link Describer}) becomes the property's {@code description}.
 *
 * <p>Schemas are immutable maps with a fixed key order, so their text is the same in every run and
 * can go into request parameters, prompts and cache keys. Why not a library generator (victools'
 * {@code jsonschema-generator}): it generates from Java types only, while a string signature's types
 * ({@code Literal['a', 1]}, {@code Union[int, str]}, {@code tuple[int, str]}, {@code Any}) have no Java
 * type, so a generator over {@link FieldType} is needed anyway; using both would bring back two sets
 * of conventions for one schema.
 *
 * <p>Errors: {@link IllegalArgumentException} naming the type (and the record component) that has no
 * JSON form: media, maps with non-string keys, type variables, classes that are not records.
 */
public final class JsonSchemas {
    private JsonSchemas() {}

    /** Where the description of a record component comes from; returns "" for none. */
    @FunctionalInterface
    public interface Describer {
        /**
         * The description of one record component.
         *
         * @param component a component of a record met while generating
         * @return its description, or "" for none
         */
        String describe(RecordComponent component);
    }

    /**
     * Jackson's {@link JsonPropertyDescription} on a record component (Java puts it on the
     * component's field and accessor): the description read for outputs and for tool arguments.
     */
    public static final Describer JACKSON_DESCRIPTIONS = JsonSchemas::jacksonDescription;

    /**
     * One property of an object schema.
     *
     * @param name        the property name
     * @param schema      its schema, possibly a whole document with {@code $defs} (they move to the object)
     * @param description added to the property's schema unless empty
     * @param required    whether the property is listed in {@code required}
     */
    public record Property(String name, Map<String, Object> schema, String description, boolean required) {
        /**
         * Checks the name and schema are given; a null description is "".
         *
         * @param name        the property name
         * @param schema      its schema
         * @param description its description, may be null or empty
         * @param required    whether it is required
         */
        public Property {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(schema, "schema");
            description = description == null ? "" : description;
        }
    }

    /**
     * The schema of an object holding every output of {@code signature}.
     *
     * @param signature the signature whose outputs are described
     * @return the object schema, with the {@code $defs} of any recursive record at its root
     * @throws IllegalArgumentException if an output type has no JSON form
     */
    public static Map<String, Object> outputs(Signature signature) {
        SchemaGenerator gen = new SchemaGenerator(JACKSON_DESCRIPTIONS);
        List<Property> props = new ArrayList<>();
        for (Field f : signature.outputs()) {
            props.add(new Property(f.name(), gen.of(f.type()), "", true));
        }
        return gen.document(objectOf(props));
    }

    /** The schema of one field's values, as a whole document. */
    static Map<String, Object> of(Field field) {
        return of(field.type());
    }

    /**
     * The schema of values of {@code type}, as a whole document.
     *
     * @param type a signature field type
     * @return its schema, with {@code $defs} if it refers to recursive records
     * @throws IllegalArgumentException if the type has no JSON form (media, history)
     */
    public static Map<String, Object> of(FieldType type) {
        SchemaGenerator gen = new SchemaGenerator(JACKSON_DESCRIPTIONS);
        return gen.document(gen.of(type));
    }

    /**
     * The schema of values of the Java type {@code type}, as a whole document.
     *
     * @param type      a reflective Java type (a class, or a parameterized, array or wildcard type)
     * @param describer where record components' descriptions come from, e.g. {@link #JACKSON_DESCRIPTIONS}
     * @return its schema, with {@code $defs} if it refers to recursive records
     * @throws IllegalArgumentException naming the type (and record component) that has no JSON form
     */
    public static Map<String, Object> of(Type type, Describer describer) {
        SchemaGenerator gen = new SchemaGenerator(Objects.requireNonNull(describer, "describer"));
        return gen.document(gen.of(type));
    }

    /**
     * An object schema with these properties, in order ({@code additionalProperties: false}). The
     * {@code $defs} of the properties' schemas move to the object.
     *
     * @param properties the properties, in the order they are written
     * @return the object schema
     * @throws IllegalArgumentException if two different records define the same {@code $defs} name
     */
    public static Map<String, Object> object(List<Property> properties) {
        Map<String, Object> defs = new LinkedHashMap<>();
        List<Property> props = new ArrayList<>();
        for (Property p : properties) {
            Object d = p.schema().get("$defs");
            if (d instanceof Map<?, ?> pd) {
                for (Map.Entry<?, ?> e : pd.entrySet()) {
                    Object before = defs.putIfAbsent((String) e.getKey(), e.getValue());
                    if (before != null && !before.equals(e.getValue())) {
                        throw new IllegalArgumentException("two different records are both named " + e.getKey()
                                + " in the schema (property " + p.name() + "); JSON Schema $defs are keyed by the "
                                + "record's simple name: rename one");
                    }
                }
                Map<String, Object> s = new LinkedHashMap<>(p.schema());
                s.remove("$defs");
                p = new Property(p.name(), Collections.unmodifiableMap(s), p.description(), p.required());
            }
            props.add(p);
        }
        Map<String, Object> o = objectOf(props);
        if (defs.isEmpty()) return o;
        Map<String, Object> m = new LinkedHashMap<>(o);
        m.put("$defs", Collections.unmodifiableMap(defs));
        return refsStandAlone(m);
    }

    /**
     * The document with no keyword beside a {@code $ref}: OpenAI's strict mode refuses one ("$ref
     * cannot have keywords {'description'}") and Gemini ignores or refuses them, yet a described
     * component or parameter whose type is a recursive record has exactly that shape. Such a node
     * becomes the referenced definition written in place (one level; the references inside it stay)
     * with the node's own keywords, as OpenAI's SDKs do. A definition already being written in place
     * on the way there (a chain of described references back to itself) is referred to bare instead,
     * without its description, so the result is finite.
     */
    static Map<String, Object> refsStandAlone(Map<String, Object> document) {
        if (!(document.get("$defs") instanceof Map<?, ?> defs)) return document;
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : document.entrySet()) {
            if (e.getKey().equals("$defs")) {
                Map<String, Object> fixed = new LinkedHashMap<>();
                for (Map.Entry<?, ?> d : defs.entrySet()) {
                    fixed.put(
                            (String) d.getKey(), standAlone(d.getValue(), defs, java.util.Set.of((String) d.getKey())));
                }
                out.put("$defs", Collections.unmodifiableMap(fixed));
            } else {
                out.put(e.getKey(), standAlone(e.getValue(), defs, java.util.Set.of()));
            }
        }
        return Collections.unmodifiableMap(out);
    }

    private static Object standAlone(Object node, Map<?, ?> defs, java.util.Set<String> inPlace) {
        if (node instanceof Map<?, ?> m) {
            Object ref = m.get("$ref");
            if (ref instanceof String r && r.startsWith("#/$defs/") && m.size() > 1) {
                String name = r.substring("#/$defs/".length());
                Map<String, Object> out = new LinkedHashMap<>();
                if (inPlace.contains(name) || !(defs.get(name) instanceof Map<?, ?> def)) {
                    out.put("$ref", r);
                } else {
                    java.util.Set<String> deeper = new java.util.HashSet<>(inPlace);
                    deeper.add(name);
                    Object body = standAlone(def, defs, deeper);
                    for (Map.Entry<?, ?> e : ((Map<?, ?>) body).entrySet()) out.put((String) e.getKey(), e.getValue());
                    for (Map.Entry<?, ?> e : m.entrySet()) {
                        if (!e.getKey().equals("$ref"))
                            out.put((String) e.getKey(), standAlone(e.getValue(), defs, inPlace));
                    }
                }
                return Collections.unmodifiableMap(out);
            }
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet())
                out.put((String) e.getKey(), standAlone(e.getValue(), defs, inPlace));
            return Collections.unmodifiableMap(out);
        }
        if (node instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object v : l) out.add(standAlone(v, defs, inPlace));
            return Collections.unmodifiableList(out);
        }
        return node;
    }

    /**
     * True if the schema fits OpenAI's strict mode: no free-form maps, no {@code Any} (an empty
     * schema), no fixed-length tuples ({@code prefixItems}).
     *
     * @param schema a schema from this class (maps, lists and values)
     * @return whether OpenAI's strict mode accepts it
     */
    public static boolean strictCompatible(Object schema) {
        if (schema instanceof Map<?, ?> m) {
            Object ap = m.get("additionalProperties");
            if (ap instanceof Map || m.isEmpty() || m.containsKey("prefixItems")) return false;
            for (Object v : m.values()) {
                if (!strictCompatible(v)) return false;
            }
        } else if (schema instanceof Collection<?> c) {
            for (Object v : c) {
                if (!strictCompatible(v)) return false;
            }
        }
        return true;
    }

    /** The object schema itself, without moving {@code $defs} (the generator keeps its own). */
    static Map<String, Object> objectOf(List<Property> properties) {
        Map<String, Object> props = new LinkedHashMap<>();
        List<String> required = new ArrayList<>();
        for (Property p : properties) {
            Map<String, Object> s = p.schema();
            if (!p.description().isEmpty()) {
                s = new LinkedHashMap<>(s);
                s.put("description", p.description());
                s = Collections.unmodifiableMap(s);
            }
            if (props.put(p.name(), s) != null) {
                throw new IllegalArgumentException("duplicate property '" + p.name() + "' in an object schema");
            }
            if (p.required()) required.add(p.name());
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "object");
        m.put("properties", Collections.unmodifiableMap(props));
        m.put("required", List.copyOf(required));
        m.put("additionalProperties", false);
        return Collections.unmodifiableMap(m);
    }

    static IllegalArgumentException sameName(String name, String a, String b) {
        return new IllegalArgumentException("two different records are both named " + name + " (" + a + ", " + b
                + "); JSON Schema $defs are keyed by the record's simple name: rename one");
    }

    private static String jacksonDescription(RecordComponent c) {
        JsonPropertyDescription d = c.getAnnotation(JsonPropertyDescription.class);
        if (d == null) d = c.getAccessor().getAnnotation(JsonPropertyDescription.class);
        if (d == null) {
            try {
                d = c.getDeclaringRecord().getDeclaredField(c.getName()).getAnnotation(JsonPropertyDescription.class);
            } catch (NoSuchFieldException e) {
                d = null;
            }
        }
        return d == null ? "" : d.value();
    }
}
