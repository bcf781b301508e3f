package dev.dspy4j.module;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ToolTest {

    enum Unit {
        CELSIUS,
        FAHRENHEIT
    }

    record Point(@ToolDoc("x coordinate") int x, int y) {}

    static final class Weather {
        @ToolDoc("Current temperature in a city.")
        public String temperature(@ToolDoc("city name") String city, Unit unit, Optional<Integer> days) {
            return city + ":" + unit + ":" + days.orElse(0);
        }

        @ToolDoc("Sums numbers.")
        public double sum(List<Double> values, Map<String, Integer> weights, Point origin, boolean negate) {
            double s = values.stream().mapToDouble(Double::doubleValue).sum()
                    + weights.values().stream().mapToInt(i -> i).sum()
                    + origin.x()
                    + origin.y();
            return negate ? -s : s;
        }

        @SuppressWarnings("DoNotCallSuggester") // a tool that fails on purpose, to test how failures reach the model
        public String broken(String why) {
            throw new IllegalStateException("cannot: " + why);
        }

        public static long twice(long n) {
            return 2 * n;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void schemaIsGeneratedFromTheMethodsParameterTypes() throws Exception {
        Tool t = Tool.fromMethod(new Weather(), "temperature");
        assertThat(t.name()).isEqualTo("temperature");
        assertThat(t.description()).isEqualTo("Current temperature in a city.");
        assertThat(JSON.readTree(t.argsSchemaJson())).isEqualTo(JSON.readTree("""
                {"type":"object",
                 "properties":{
                   "city":{"type":"string","description":"city name"},
                   "unit":{"type":"string","enum":["CELSIUS","FAHRENHEIT"]},
                   "days":{"type":"integer"}},
                 "required":["city","unit"],
                 "additionalProperties":false}"""));

        Tool sum = Tool.fromMethod(new Weather(), "sum");
        assertThat(JSON.readTree(sum.argsSchemaJson())).isEqualTo(JSON.readTree("""
                {"type":"object",
                 "properties":{
                   "values":{"type":"array","items":{"type":"number"}},
                   "weights":{"type":"object","additionalProperties":{"type":"integer"}},
                   "origin":{"type":"object","properties":{"x":{"type":"integer","description":"x coordinate"},
                             "y":{"type":"integer"}},"required":["x","y"],"additionalProperties":false},
                   "negate":{"type":"boolean"}},
                 "required":["values","weights","origin","negate"],
                 "additionalProperties":false}"""));
    }

    @Test
    void schemaTextKeepsItsKeyOrderSoPromptsAndCacheKeysAreStableAcrossRuns() {
        // the schema text goes verbatim into ReAct's instructions and into native tool specs, so its
        // key order must not depend on the JVM run (Map.copyOf iteration order is randomized per run)
        Tool sum = Tool.fromMethod(new Weather(), "sum");
        assertThat(sum.argsSchemaJson())
                .isEqualTo(
                        "{\"type\":\"object\",\"properties\":{"
                                + "\"values\":{\"type\":\"array\",\"items\":{\"type\":\"number\"}},"
                                + "\"weights\":{\"type\":\"object\",\"additionalProperties\":{\"type\":\"integer\"}},"
                                + "\"origin\":{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"integer\",\"description\":\"x coordinate\"},"
                                + "\"y\":{\"type\":\"integer\"}},\"required\":[\"x\",\"y\"],\"additionalProperties\":false},"
                                + "\"negate\":{\"type\":\"boolean\"}},"
                                + "\"required\":[\"values\",\"weights\",\"origin\",\"negate\"],\"additionalProperties\":false}");
        Tool t = Tool.fromMethod(new Weather(), "temperature");
        assertThat(t.params().get(1).schema().keySet()).containsExactly("type", "enum");
        assertThat(sum.params().get(2).schema().keySet())
                .containsExactly("type", "properties", "required", "additionalProperties");
    }

    @Test
    void argumentsFromTheLmAreConvertedToTheParameterTypes() {
        Tool t = Tool.fromMethod(new Weather(), "temperature");
        assertThat(t.invoke(Map.of("city", "Oslo", "unit", "CELSIUS"))).isEqualTo("Oslo:CELSIUS:0");
        assertThat(t.invoke(Map.of("city", "Oslo", "unit", "FAHRENHEIT", "days", 3)))
                .isEqualTo("Oslo:FAHRENHEIT:3");
        assertThat(t.invokeJson("{\"city\":\"Rome\",\"unit\":\"CELSIUS\",\"days\":\"2\"}"))
                .isEqualTo("Rome:CELSIUS:2");

        Tool sum = Tool.fromMethod(new Weather(), "sum");
        Object r = sum.invoke(Map.of(
                "values",
                List.of(1, 2.5),
                "weights",
                Map.of("a", 1),
                "origin",
                Map.of("x", 1, "y", 2),
                "negate",
                true));
        assertThat(r).isEqualTo(-7.5);
        // a JSON string where a structure is expected is accepted
        Object r2 = sum.invoke(
                Map.of("values", "[1, 2]", "weights", "{}", "origin", "{\"x\": 0, \"y\": 0}", "negate", false));
        assertThat(r2).isEqualTo(3.0);
    }

    @Test
    void badArgumentsAreReportedClearly() {
        Tool t = Tool.fromMethod(new Weather(), "temperature");
        assertThatThrownBy(() -> t.invoke(Map.of("unit", "CELSIUS")))
                .isInstanceOf(ToolException.class)
                .hasMessage("tool temperature: missing argument 'city'");
        assertThatThrownBy(() -> t.invoke(Map.of("city", "x", "unit", "CELSIUS", "country", "y")))
                .isInstanceOf(ToolException.class)
                .hasMessage("tool temperature has no argument 'country'; its arguments are [city, unit, days]");
        assertThatThrownBy(() -> t.invoke(Map.of("city", "x", "unit", "KELVIN")))
                .isInstanceOf(ToolException.class)
                .hasMessageStartingWith("tool temperature: argument 'unit' = KELVIN is not a valid");
        assertThatThrownBy(() -> t.invokeJson("{not json"))
                .isInstanceOf(ToolException.class)
                .hasMessageContaining("arguments are not valid JSON");
    }

    @Test
    void anExceptionInsideTheToolBecomesAToolException() {
        Tool t = Tool.fromMethod(new Weather(), "broken");
        assertThatThrownBy(() -> t.invoke(Map.of("why", "reasons")))
                .isInstanceOf(ToolException.class)
                .hasMessage("IllegalStateException: cannot: reasons")
                .hasCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void staticMethodsAndAnnotatedObjects() {
        Tool twice = Tool.fromMethod(Weather.class, "twice");
        assertThat(twice.invoke(Map.of("n", 21))).isEqualTo(42L);
        List<Tool> tools = Tool.fromObject(new Weather());
        assertThat(tools).extracting(Tool::name).containsExactly("sum", "temperature");
        assertThatThrownBy(() -> Tool.fromMethod(new Weather(), "nope")).hasMessageContaining("has no method 'nope'");
        assertThatThrownBy(() -> Tool.fromObject("plain string")).hasMessageContaining("no method annotated @ToolDoc");
    }

    @Test
    void lambdaToolsWithExplicitArguments() throws Exception {
        Tool add = Tool.builder("add")
                .description("Adds two integers.")
                .param("a", int.class, "first")
                .param("b", int.class, "second")
                .handler(args -> (int) args.get("a") + (int) args.get("b"))
                .build();
        assertThat(add.invoke(Map.of("a", 2, "b", "3"))).isEqualTo(5);
        assertThat(JSON.readTree(JSON.writeValueAsString(add.toFunctionSpec()))).isEqualTo(JSON.readTree("""
                {"type":"function","function":{"name":"add","description":"Adds two integers.",
                 "parameters":{"type":"object","properties":{"a":{"type":"integer","description":"first"},
                 "b":{"type":"integer","description":"second"}},"required":["a","b"],"additionalProperties":false}}}"""));

        Tool raw = Tool.builder("echo")
                .argsSchema(Map.of("type", "object"))
                .handler(args -> args.toString())
                .build();
        assertThat(raw.invoke(Map.of("anything", 1))).isEqualTo("{anything=1}");
        assertThat(raw.argsSchema()).isEqualTo(Map.of("type", "object"));

        Tool move = Tool.of("move", "Moves to a point.", Point.class, p -> p.x() * 10 + p.y());
        assertThat(move.invoke(Map.of("x", 4, "y", 2))).isEqualTo(42);
        assertThat(move.params()).extracting(Tool.Param::name).containsExactly("x", "y");
    }

    @Test
    void invalidToolsAreRejected() {
        assertThatThrownBy(() -> Tool.builder("has space").handler(a -> 1).build())
                .hasMessageContaining("tool name 'has space'");
        assertThatThrownBy(() -> Tool.builder("t").build()).hasMessageContaining("has no handler");
        assertThatThrownBy(() -> Tool.builder("t")
                        .param("img", dev.dspy4j.media.Image.class, "")
                        .handler(a -> 1)
                        .build())
                .hasMessageContaining("Image cannot be a JSON value");
    }
}
