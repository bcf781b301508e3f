package dev.dspy4j.lm.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Recursion in a JSON Schema, for providers that take {@code $defs}/{@code $ref} only in part. A
 * schema is recursive when a definition under its root's {@code $defs} can reach itself through
 * {@code "$ref": "#/$defs/..."} (what the adapter's generator writes for a record such as
 * {@code record Node(String name, List<Node> children)}).
 *
 * <ul>
 *   <li>Anthropic's structured outputs list recursive schemas as unsupported: {@link #recursive} tells
 *       the codec to leave such a schema to the prompt.</li>
 *   <li>Gemini ({@code responseJsonSchema}, {@code parametersJsonSchema}) unrolls cyclic references to a
 *       limited depth and so takes them only inside properties that are not required (a nullable one
 *       is not enough): {@link #cyclesOptional} drops from {@code required} each property through which
 *       a cycle passes. The model may then leave such a property out; a record component it leaves out
 *       reads as null.</li>
 * </ul>
 */
public final class SchemaCycles {
    private static final String PREFIX = "#/$defs/";

    private SchemaCycles() {}

    /**
     * Whether a definition of {@code schema} can reach itself.
     *
     * @param schema a JSON Schema document (its {@code $defs} at the root)
     * @return true if some {@code $defs} entry refers back to itself, directly or through others
     */
    public static boolean recursive(JsonNode schema) {
        Map<String, Set<String>> graph = graph(schema);
        for (String d : graph.keySet()) {
            if (reaches(graph, d, d)) return true;
        }
        return false;
    }

    /**
     * A copy of {@code schema} in which no cycle passes through a required property: inside each
     * definition, a property whose schema refers to a definition that leads back to this one is
     * removed from its object's {@code required}. A schema without recursion is returned as it is.
     *
     * @param schema a JSON Schema document (its {@code $defs} at the root)
     * @return the schema, or a changed copy
     */
    public static JsonNode cyclesOptional(JsonNode schema) {
        Map<String, Set<String>> graph = graph(schema);
        boolean any = false;
        for (String d : graph.keySet()) any |= reaches(graph, d, d);
        if (!any) return schema;
        ObjectNode copy = ((ObjectNode) schema).deepCopy();
        JsonNode defs = copy.path("$defs");
        for (Map.Entry<String, JsonNode> d : defs.properties()) {
            Set<String> back = new HashSet<>();
            for (String other : graph.keySet()) {
                if (reaches(graph, other, d.getKey())) back.add(other);
            }
            relax(d.getValue(), back);
        }
        return copy;
    }

    /** Removes from {@code required}, at any depth, properties whose schema refers into {@code back}. */
    private static void relax(JsonNode node, Set<String> back) {
        if (node.isObject()) {
            JsonNode props = node.path("properties");
            JsonNode required = node.path("required");
            if (props.isObject() && required.isArray()) {
                ArrayNode kept = ((ArrayNode) required).arrayNode();
                for (JsonNode r : required) {
                    Set<String> refs = new LinkedHashSet<>();
                    refs(props.path(r.asText()), refs);
                    refs.retainAll(back);
                    if (refs.isEmpty()) kept.add(r);
                }
                ((ObjectNode) node).set("required", kept);
            }
            for (JsonNode v : node) relax(v, back);
        } else if (node.isArray()) {
            for (JsonNode v : node) relax(v, back);
        }
    }

    /** Each definition and the definitions its schema refers to. */
    private static Map<String, Set<String>> graph(JsonNode schema) {
        Map<String, Set<String>> graph = new LinkedHashMap<>();
        JsonNode defs = schema == null ? null : schema.path("$defs");
        if (defs == null || !defs.isObject()) return graph;
        for (Map.Entry<String, JsonNode> d : defs.properties()) {
            Set<String> refs = new LinkedHashSet<>();
            refs(d.getValue(), refs);
            graph.put(d.getKey(), refs);
        }
        return graph;
    }

    private static void refs(JsonNode node, Set<String> into) {
        if (node.isObject()) {
            JsonNode ref = node.path("$ref");
            if (ref.isTextual() && ref.asText().startsWith(PREFIX))
                into.add(ref.asText().substring(PREFIX.length()));
            for (JsonNode v : node) refs(v, into);
        } else if (node.isArray()) {
            for (JsonNode v : node) refs(v, into);
        }
    }

    /** Whether a path of one or more references leads from {@code from} to {@code to}. */
    private static boolean reaches(Map<String, Set<String>> graph, String from, String to) {
        Deque<String> todo = new ArrayDeque<>(graph.getOrDefault(from, Set.of()));
        Set<String> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            String d = todo.pop();
            if (d.equals(to)) return true;
            if (seen.add(d)) todo.addAll(graph.getOrDefault(d, Set.of()));
        }
        return false;
    }
}
