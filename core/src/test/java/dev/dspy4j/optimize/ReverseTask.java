package dev.dspy4j.optimize;

import static dev.dspy4j.module.Chat.answer;

import dev.dspy4j.evaluate.Evaluate;
import dev.dspy4j.evaluate.Metric;
import dev.dspy4j.evaluate.Metrics;
import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.lm.ScriptedLm;
import dev.dspy4j.module.Chat;
import dev.dspy4j.module.Module;
import dev.dspy4j.prompt.Message;
import dev.dspy4j.signature.Example;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A rule-based task for optimizer tests: the answer is the input word written backwards. The task
 * LM gets it right only when its instructions (the system message) mention the key word
 * {@code reverse}; otherwise it echoes the word. The proposer/reflection LMs below write an
 * instruction with the key word only when what they are shown (data, demos, feedback) reveals the rule.
 */
final class ReverseTask {
    private ReverseTask() {}

    static final String KEY = "reverse";

    static List<Example> examples(int from, int count) {
        List<Example> out = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            String word = "w" + Integer.toString(i * 7919 + 12345, 36);
            out.add(Example.of("word", word, "answer", reversed(word)).withInputs("word"));
        }
        return out;
    }

    static String reversed(String s) {
        return new StringBuilder(s).reverse().toString();
    }

    static String system(LmRequest r) {
        return Chat.text(r.prompt().messages().get(0));
    }

    static String all(LmRequest r) {
        StringBuilder sb = new StringBuilder();
        for (Message m : r.prompt().messages()) sb.append(Chat.text(m)).append('\n');
        return sb.toString();
    }

    /** The task LM: reverses the word when the instructions say so, else echoes it. */
    static ScriptedLm taskLm() {
        return ScriptedLm.builder()
                .respond(r -> {
                    String word = Chat.input(r, "word");
                    boolean told = system(r).toLowerCase(Locale.ROOT).contains(KEY);
                    return List.of(answer("answer", told ? reversed(word) : word));
                })
                .build();
    }

    static Metric metric() {
        return Metrics.exactMatch();
    }

    static double devScore(Module program, List<Example> dev) {
        return Evaluate.builder(dev, metric()).build().run(program).score();
    }
}
