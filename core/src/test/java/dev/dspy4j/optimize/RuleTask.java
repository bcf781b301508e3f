package dev.dspy4j.optimize;

import static dev.dspy4j.module.Chat.answer;

import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.lm.ScriptedLm;
import dev.dspy4j.module.Chat;
import dev.dspy4j.prompt.Message;
import dev.dspy4j.signature.Example;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A deterministic task for optimizer tests: a question {@code "<kind>: <item>"} has the answer
 * {@code "<KIND>-<item>"}. The rule-based LM knows how to answer a kind only when the prompt holds
 * what it needs: by default a demo of the same kind; with {@link #lm(Predicate)} also any other
 * condition on the request (e.g. a key word in the instructions). Otherwise it answers {@code unknown}.
 */
final class RuleTask {
    static final List<String> KINDS = List.of("color", "animal", "fruit", "tool");
    private static final List<List<String>> ITEMS = List.of(
            List.of("red", "blue", "green", "teal", "pink", "gray"),
            List.of("cat", "dog", "owl", "fox", "eel", "yak"),
            List.of("fig", "kiwi", "lime", "pear", "plum", "date"),
            List.of("saw", "awl", "axe", "file", "vise", "drill"));
    private static final Pattern DEMO_QUESTION = Pattern.compile("\\[\\[ ## question ## \\]\\]\\n(\\w+):");

    private RuleTask() {}

    static Example example(String kind, String item) {
        return Example.of("question", kind + ": " + item, "answer", kind.toUpperCase(Locale.ROOT) + "-" + item)
                .withInputs("question");
    }

    /** {@code perKind} examples of each kind, starting at item {@code from}, kinds interleaved. */
    static List<Example> examples(int from, int perKind) {
        List<Example> out = new ArrayList<>();
        for (int i = from; i < from + perKind; i++) {
            for (int k = 0; k < KINDS.size(); k++)
                out.add(example(KINDS.get(k), ITEMS.get(k).get(i)));
        }
        return out;
    }

    /** The kinds of the demos in the request (every message but the system message and the last). */
    static Set<String> demoKinds(LmRequest r) {
        List<Message> ms = r.prompt().messages();
        Set<String> kinds = new LinkedHashSet<>();
        for (Message m : ms.subList(1, ms.size() - 1)) {
            Matcher matcher = DEMO_QUESTION.matcher(Chat.text(m));
            while (matcher.find()) kinds.add(matcher.group(1));
        }
        return kinds;
    }

    /** Answers right when a demo of the question's kind is in the prompt. */
    static ScriptedLm lm() {
        return lm(r -> false);
    }

    /** Answers right when a demo of the question's kind is in the prompt, or {@code knows} holds. */
    static ScriptedLm lm(Predicate<LmRequest> knows) {
        return ScriptedLm.builder()
                .respond(r -> {
                    String q = Chat.input(r, "question");
                    String kind = q.substring(0, q.indexOf(':'));
                    String item = q.substring(q.indexOf(':') + 2);
                    boolean right = demoKinds(r).contains(kind) || knows.test(r);
                    return List.of(answer("answer", right ? kind.toUpperCase(Locale.ROOT) + "-" + item : "unknown"));
                })
                .build();
    }
}
