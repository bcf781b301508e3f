package dev.dspy4j.module;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.lm.ScriptedLm;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A ReAct step whose markers stand mid-line still calls the tool it names. */
class ReActInlineMarkersTest {

    static final class Rates {
        final List<String> queries = new ArrayList<>();

        @ToolDoc("Looks up a figure.")
        public String lookup(String query) {
            queries.add(query);
            return "4.5%";
        }
    }

    private static Prediction run(String firstStep, Rates rates, ScriptedLm[] lmOut) {
        ScriptedLm lm = ScriptedLm.of(
                firstStep,
                "[[ ## next_thought ## ]]\nDone.[[ ## next_tool_name ## ]]\nfinish[[ ## next_tool_args ## ]]\n{}",
                "[[ ## reasoning ## ]]\nThe tool said so.[[ ## answer ## ]]\n4.5%[[ ## completed ## ]]");
        lmOut[0] = lm;
        return ReAct.of("question -> answer", Tool.fromObject(rates), 5)
                .withLm(lm)
                .call(Map.of("question", "What is the rate?"));
    }

    @Test
    void aStepWithoutTheThoughtMarkerAndWithInlineMarkersCallsTheTool() {
        Rates rates = new Rates();
        ScriptedLm[] lm = new ScriptedLm[1];
        Prediction p = run(
                "I should look it up.[[ ## next_tool_name ## ]]\nlookup[[ ## next_tool_args ## ]]\n"
                        + "{\"query\": \"rate\"}",
                rates,
                lm);

        assertThat(rates.queries).containsExactly("rate");
        assertThat(p.getString("answer")).isEqualTo("4.5%");
        @SuppressWarnings("unchecked")
        Map<String, Object> traj = (Map<String, Object>) p.get(ReAct.TRAJECTORY);
        assertThat(traj)
                .containsEntry("thought_0", "I should look it up.")
                .containsEntry("tool_name_0", "lookup")
                .containsEntry("tool_args_0", Map.of("query", "rate"))
                .containsEntry("observation_0", "4.5%");
        assertThat(lm[0].requests()).hasSize(3);
    }

    @Test
    void aStepWithEveryMarkerInlineCallsTheTool() {
        Rates rates = new Rates();
        ScriptedLm[] lm = new ScriptedLm[1];
        run(
                "[[ ## next_thought ## ]] I should look it up.[[ ## next_tool_name ## ]] lookup [[ ## next_tool_args ## ]]"
                        + "{'query': 'rate'}[[ ## completed ## ]]",
                rates,
                lm);

        assertThat(rates.queries).containsExactly("rate");
        assertThat(lm[0].requests()).hasSize(3);
    }

    static final class Search {
        final List<String> calls = new ArrayList<>();

        @ToolDoc("Searches.")
        public String search(String query, boolean exact, Integer limit, long offset) {
            calls.add(query + " " + exact + " " + limit + " " + offset);
            return "found";
        }
    }

    @Test
    void toolArgumentsWrittenInPythonsStyleReachTheTool() {
        Search search = new Search();
        ScriptedLm lm = ScriptedLm.of(
                "[[ ## next_thought ## ]]\nSearch.[[ ## next_tool_name ## ]]\nsearch[[ ## next_tool_args ## ]]\n"
                        + "{'query': 'rate', 'exact': True, 'limit': 5, 'offset': 1_000}",
                "[[ ## next_thought ## ]]\nDone.[[ ## next_tool_name ## ]]\nfinish[[ ## next_tool_args ## ]]\n{}",
                "[[ ## reasoning ## ]]\nok[[ ## answer ## ]]\nfound");
        Prediction p = ReAct.of("question -> answer", Tool.fromObject(search), 5)
                .withLm(lm)
                .call(Map.of("question", "?"));
        assertThat(p.get(ReAct.TRAJECTORY)).asString().contains("observation_0=found");
        assertThat(search.calls).containsExactly("rate true 5 1000");
    }
}
