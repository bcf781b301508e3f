package dev.dspy4j.module;

import static dev.dspy4j.module.Chat.answer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.lm.Completion;
import dev.dspy4j.lm.ContextWindowExceededException;
import dev.dspy4j.lm.LanguageModel;
import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.lm.LmResponse;
import dev.dspy4j.lm.ScriptedLm;
import dev.dspy4j.lm.ToolCall;
import dev.dspy4j.lm.Usage;
import dev.dspy4j.media.Image;
import dev.dspy4j.prompt.Part;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ReActTest {

    /** A real tool: a tiny library catalogue. */
    static final class Library {
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());

        @ToolDoc("Finds the author of a book.")
        public String author(@ToolDoc("the book's title") String title) {
            calls.add(title);
            switch (title) {
                case "Dune":
                    return "Frank Herbert";
                case "Emma":
                    return "Jane Austen";
                default:
                    throw new IllegalArgumentException("no book titled '" + title + "'");
            }
        }

        @ToolDoc("Counts the pages of a book.")
        public int pages(String title, int edition) {
            return title.length() * 100 + edition;
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> traj(Prediction p) {
        return (Map<String, Object>) p.get(ReAct.TRAJECTORY);
    }

    private static String step(String thought, String tool, String args) {
        return answer("next_thought", thought, "next_tool_name", tool, "next_tool_args", args);
    }

    @Test
    void twoStepTrajectoryWithARealTool() {
        Library lib = new Library();
        ScriptedLm lm = ScriptedLm.of(
                step("I should look the book up.", "author", "{\"title\": \"Dune\"}"),
                step("I know the author now.", "finish", "{}"),
                answer("reasoning", "The tool said Frank Herbert.", "answer", "Frank Herbert"));
        Module agent = ReAct.of("question -> answer", Tool.fromObject(lib), 5).withLm(lm);

        Prediction p = agent.call(Map.of("question", "Who wrote Dune?"));

        assertThat(p.getString("answer")).isEqualTo("Frank Herbert");
        assertThat(p.getString("reasoning")).isEqualTo("The tool said Frank Herbert.");
        assertThat(lib.calls).containsExactly("Dune");
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("thought_0", "I should look the book up.");
        expected.put("tool_name_0", "author");
        expected.put("tool_args_0", Map.of("title", "Dune"));
        expected.put("observation_0", "Frank Herbert");
        expected.put("thought_1", "I know the author now.");
        expected.put("tool_name_1", "finish");
        expected.put("tool_args_1", Map.of());
        expected.put("observation_1", "Completed.");
        assertThat(p.get(ReAct.TRAJECTORY)).isEqualTo(expected);
        assertThat(traj(p).keySet()).containsExactlyElementsOf(expected.keySet());

        List<LmRequest> requests = lm.requests();
        assertThat(requests).hasSize(3);
        assertThat(Chat.input(requests.get(0), "trajectory")).isEqualTo("{}");
        assertThat(Chat.input(requests.get(1), "trajectory"))
                .isEqualTo("{\"thought_0\": \"I should look the book up.\", \"tool_name_0\": \"author\", "
                        + "\"tool_args_0\": {\"title\": \"Dune\"}, \"observation_0\": \"Frank Herbert\"}");
        assertThat(Chat.input(requests.get(2), "question")).isEqualTo("Who wrote Dune?");
        assertThat(Chat.input(requests.get(2), "trajectory")).contains("\"observation_1\": \"Completed.\"");
        String system = requests.get(0).prompt().messages().get(0).text();
        assertThat(system)
                .contains("(1) author: Finds the author of a book. Arguments: {\"type\":\"object\","
                        + "\"properties\":{\"title\":{\"type\":\"string\",\"description\":\"the book's title\"}},"
                        + "\"required\":[\"title\"],\"additionalProperties\":false}");
        assertThat(system).contains("(3) finish: Ends the task: everything needed to produce `answer` is now known.");
        assertThat(system).contains("`next_tool_name` (Literal['author', 'pages', 'finish'])");
        assertThat(agent.predictors().keySet()).containsExactly("react", "extract.predict");
    }

    @Test
    void aToolThatThrowsBecomesAnErrorObservation() {
        Library lib = new Library();
        ScriptedLm lm = ScriptedLm.of(
                step("Look it up.", "author", "{\"title\": \"Nope\"}"),
                step("Try the other one.", "author", "{\"title\": \"Emma\"}"),
                step("Done.", "finish", "{}"),
                answer("reasoning", "r", "answer", "Jane Austen"));
        Prediction p = ReAct.of("question -> answer", Tool.fromObject(lib), 5)
                .withLm(lm)
                .call(Map.of("question", "Who wrote it?"));
        Map<String, Object> t = traj(p);
        assertThat(t.get("observation_0")).isEqualTo("error: IllegalArgumentException: no book titled 'Nope'");
        assertThat(t.get("observation_1")).isEqualTo("Jane Austen");
        assertThat(Chat.input(lm.requests().get(1), "trajectory"))
                .contains("\"observation_0\": \"error: IllegalArgumentException: no book titled 'Nope'\"");
        assertThat(p.getString("answer")).isEqualTo("Jane Austen");
    }

    @Test
    void badArgumentsAndUnknownToolsAreObservationsToo() {
        ScriptedLm lm = ScriptedLm.of(
                step("Count.", "pages", "{\"title\": \"Dune\", \"edition\": \"second\"}"),
                step("Count again.", "pages", "{\"title\": \"Dune\", \"edition\": 2}"),
                step("Missing args.", "pages", "not json at all"),
                answer("reasoning", "r", "answer", "402"));
        Prediction p = ReAct.of("question -> answer", Tool.fromObject(new Library()), 3)
                .withLm(lm)
                .call(Map.of("question", "How many pages?"));
        Map<String, Object> t = traj(p);
        assertThat((String) t.get("observation_0"))
                .startsWith("error: tool pages: argument 'edition' = second is not a valid int");
        assertThat(t.get("observation_1")).isEqualTo("402");
        assertThat((String) t.get("observation_2")).startsWith("error: the arguments of pages are not valid JSON");
        assertThat(t.get("tool_args_2")).isEqualTo(Map.of());
        // maxIters (3) reached without finish: extraction still runs
        assertThat(lm.requests()).hasSize(4);
        assertThat(p.getString("answer")).isEqualTo("402");
    }

    @Test
    void aToolReturningAnImageReachesTheNextPromptAsAnImagePart() throws Exception {
        Image chart = Image.of(Png.bytes(2, 1));
        Tool draw = Tool.builder("draw")
                .description("Draws a chart.")
                .param("what", String.class, "the subject")
                .handler(args -> chart)
                .build();
        ScriptedLm lm = ScriptedLm.of(
                step("Draw it.", "draw", "{\"what\": \"sales\"}"),
                step("I see the chart.", "finish", "{}"),
                answer("reasoning", "The chart rises.", "answer", "up"));
        Prediction p =
                ReAct.of("question -> answer", List.of(draw), 4).withLm(lm).call(Map.of("question", "Trend?"));

        assertThat(((Map<?, ?>) p.get(ReAct.TRAJECTORY)).get("observation_0")).isSameAs(chart);
        LmRequest second = lm.requests().get(1);
        var last = second.prompt().messages().get(second.prompt().messages().size() - 1);
        List<Part> imageParts =
                last.parts().stream().filter(x -> x instanceof Part.ImagePart).toList();
        assertThat(imageParts).hasSize(1);
        assertThat(((Part.ImagePart) imageParts.get(0)).image()).isSameAs(chart);
        assertThat(Chat.input(second, "trajectory"))
                .isEqualTo(
                        "{\"thought_0\": \"Draw it.\", \"tool_name_0\": \"draw\", \"tool_args_0\": {\"what\": \"sales\"}, "
                                + "\"observation_0\": <media>}");
        // the extraction sees the image too, by reference
        assertThat(lm.requests().get(2).prompt().media().toList())
                .singleElement()
                .isSameAs(chart);
        assertThat(lm.requests().get(0).prompt().media().toList()).isEmpty();
    }

    /** A tool result that carries an image inside a record. */
    record Chart(Image image, String title) {}

    @Test
    void aToolReturningARecordWithAnImageKeepsTheImage() {
        Image img = Image.of(Png.bytes(2, 1));
        Tool draw = Tool.builder("draw")
                .description("Draws a chart.")
                .param("what", String.class, "the subject")
                .handler(args -> new Chart(img, "Sales"))
                .build();
        ScriptedLm lm = ScriptedLm.of(
                step("Draw it.", "draw", "{\"what\": \"sales\"}"),
                step("I see the chart.", "finish", "{}"),
                answer("reasoning", "The chart rises.", "answer", "up"));
        ReAct.of("question -> answer", List.of(draw), 4).withLm(lm).call(Map.of("question", "Trend?"));

        // it used to be turned into JSON text, {"image": {"payload": {}, ...}}, losing the image
        assertThat(lm.requests().get(1).prompt().media().toList())
                .singleElement()
                .isSameAs(img);
        assertThat(Chat.input(lm.requests().get(1), "trajectory"))
                .endsWith("\"observation_0\": {\"image\": <media>, \"title\": \"Sales\"}}");
    }

    @Test
    void whenTheContextWindowOverflowsTheOldestStepIsDroppedAndTheStepRetried() {
        AtomicBoolean overflowed = new AtomicBoolean();
        List<String> script = List.of(
                step("First.", "author", "{\"title\": \"Dune\"}"),
                step("Second.", "finish", "{}"),
                answer("reasoning", "r", "answer", "Frank Herbert"));
        int[] next = {0};
        ScriptedLm lm = ScriptedLm.builder()
                .respond(r -> {
                    if (Chat.lastUser(r).contains("observation_0") && overflowed.compareAndSet(false, true)) {
                        throw new ContextWindowExceededException(
                                "prompt too long", 400, "maximum context length exceeded", null);
                    }
                    return List.of(script.get(next[0]++));
                })
                .build();

        Prediction p = ReAct.of("question -> answer", Tool.fromObject(new Library()), 5)
                .withLm(lm)
                .call(Map.of("question", "Who wrote Dune?"));

        assertThat(overflowed).isTrue();
        assertThat(lm.requests()).hasSize(4);
        assertThat(Chat.input(lm.requests().get(1), "trajectory")).contains("observation_0");
        assertThat(Chat.input(lm.requests().get(2), "trajectory")).isEqualTo("{}");
        Map<String, Object> t = traj(p);
        assertThat(t.keySet()).containsExactly("thought_1", "tool_name_1", "tool_args_1", "observation_1");
        assertThat(p.getString("answer")).isEqualTo("Frank Herbert");
    }

    @Test
    void anOverflowWithNothingLeftToDropIsThrown() {
        ScriptedLm lm = ScriptedLm.builder()
                .respond(r -> {
                    throw new ContextWindowExceededException("prompt too long", 400, "too long", null);
                })
                .build();
        ReAct agent = ReAct.of("question -> answer", Tool.fromObject(new Library()), 5);
        assertThatThrownBy(() -> agent.withLm(lm).call(Map.of("question", "q")))
                .isInstanceOf(ContextWindowExceededException.class);
    }

    @Test
    void anUnparsableStepEndsTheLoopAndTheOutputsAreStillExtracted() {
        ScriptedLm lm = ScriptedLm.of(
                "I refuse to follow the format.", "Still not JSON.", answer("reasoning", "r", "answer", "unknown"));
        Prediction p = ReAct.of("question -> answer", Tool.fromObject(new Library()), 5)
                .withLm(lm)
                .call(Map.of("question", "q"));
        assertThat(p.getString("answer")).isEqualTo("unknown");
        assertThat((Map<?, ?>) p.get(ReAct.TRAJECTORY)).isEmpty();
    }

    @Test
    void nativeToolCallsWhenTheLmSupportsThem() {
        List<LmRequest> seen = Collections.synchronizedList(new ArrayList<>());
        List<Completion> script = List.of(
                new Completion(
                        answer("next_thought", "Look it up."),
                        "tool_calls",
                        List.of(new ToolCall("c1", "author", "{\"title\":\"Emma\"}"))),
                new Completion("", "tool_calls", List.of(new ToolCall("c2", "finish", "{}"))),
                Completion.of(answer("reasoning", "r", "answer", "Jane Austen")));
        LanguageModel lm = new LanguageModel() {
            @Override
            public String model() {
                return "native";
            }

            @Override
            public LmResponse complete(LmRequest request) {
                seen.add(request);
                return new LmResponse(List.of(script.get(seen.size() - 1)), Usage.ZERO, "native", false);
            }

            @Override
            public boolean supportsNativeTools() {
                return true;
            }
        };
        Library lib = new Library();
        ReAct agent = ReAct.of("question -> answer", Tool.fromObject(lib), 5).withNativeTools(true);
        Trace.Traced<Prediction> traced =
                Trace.capture(() -> agent.withLm(lm).call(Map.of("question", "Who wrote Emma?")));
        Prediction p = traced.value();

        assertThat(p.getString("answer")).isEqualTo("Jane Austen");
        assertThat(lib.calls).containsExactly("Emma");
        Map<String, Object> t = traj(p);
        assertThat(t.get("thought_0")).isEqualTo("Look it up.");
        assertThat(t.get("observation_0")).isEqualTo("Jane Austen");
        assertThat(t.get("thought_1")).isEqualTo("");
        assertThat(t.get("tool_name_1")).isEqualTo("finish");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> tools =
                (List<Map<String, Object>>) seen.get(0).params().get("tools");
        assertThat(tools.stream()
                        .map(s -> String.valueOf(((Map<?, ?>) s.get("function")).get("name")))
                        .toList())
                .containsExactly("author", "pages", "finish");
        // the step prompt asks only for the thought; tools travel natively
        assertThat(Chat.lastUser(seen.get(0)))
                .contains("[[ ## next_thought ## ]]")
                .doesNotContain("next_tool_name");
        assertThat(seen.get(2).params()).doesNotContainKey("tools");
        // both steps and the extraction are traced, against the agent's own predictors
        assertThat(traced.steps()).hasSize(3);
        assertThat(traced.steps().get(0).outputs().getString("next_tool_name")).isEqualTo("author");
        assertThat(traced.steps().get(0).outputs().getString("next_tool_args")).isEqualTo("{\"title\":\"Emma\"}");
    }

    @Test
    void invalidAgentsAreRejected() {
        Tool finish = Tool.builder("finish").handler(a -> "x").build();
        assertThatThrownBy(() -> ReAct.of("question -> answer", List.of(finish), 3))
                .hasMessageContaining("'finish' is ReAct's own tool");
        assertThatThrownBy(() -> ReAct.of("question -> answer", Tool.fromObject(new Library()), 0))
                .hasMessageContaining("maxIters must be at least 1");
        assertThatThrownBy(() -> ReAct.of("question, trajectory -> answer", List.of(), 3))
                .hasMessageContaining("already has a field 'trajectory'");
    }
}
