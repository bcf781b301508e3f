package dev.dspy4j.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.lm.Completion;
import dev.dspy4j.lm.LmResponse;
import dev.dspy4j.lm.Usage;
import dev.dspy4j.signature.Signature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Field markers found in a streamed answer however it is cut into pieces. */
class FieldStreamTest {
    private static final Signature SIG = Signature.parse("question -> reasoning, answer");
    private static final String ANSWER =
            "Sure, here it is.\n[[ ## reasoning ## ]]\n  Step one [x].\n\nStep two [[not a marker]].  \n\n"
                    + "[[ ## unknown ## ]]\nignored\n[[ ## answer ## ]]\n42\n\n[[ ## completed ## ]]\n";

    private static Map<String, String> streamed(List<String> pieces, List<String> lasts) {
        Map<String, StringBuilder> out = new LinkedHashMap<>();
        FieldStream s = new FieldStream(SIG, (field, text, last) -> {
            if (last) lasts.add(field);
            else out.computeIfAbsent(field, k -> new StringBuilder()).append(text);
        });
        pieces.forEach(s::onText);
        s.onComplete(new LmResponse(List.of(Completion.of(String.join("", pieces))), Usage.ZERO, "m", false));
        Map<String, String> m = new LinkedHashMap<>();
        out.forEach((k, v) -> m.put(k, v.toString()));
        return m;
    }

    @Test
    void everyCutGivesWhatTheParserReads() {
        Map<String, String> sections = ChatAdapter.sections(ANSWER);
        Map<String, String> expected = Map.of("reasoning", sections.get("reasoning"), "answer", sections.get("answer"));
        assertThat(expected.get("reasoning")).isEqualTo("Step one [x].\n\nStep two [[not a marker]].");
        // one piece, character by character, and 200 random cuts
        List<List<String>> cuts = new ArrayList<>();
        cuts.add(List.of(ANSWER));
        List<String> chars = new ArrayList<>();
        for (char c : ANSWER.toCharArray()) chars.add(String.valueOf(c));
        cuts.add(chars);
        Random r = new Random(7);
        for (int n = 0; n < 200; n++) {
            List<String> pieces = new ArrayList<>();
            int i = 0;
            while (i < ANSWER.length()) {
                int len = 1 + r.nextInt(12);
                pieces.add(ANSWER.substring(i, Math.min(ANSWER.length(), i + len)));
                i += len;
            }
            cuts.add(pieces);
        }
        for (List<String> pieces : cuts) {
            List<String> lasts = new ArrayList<>();
            assertThat(streamed(pieces, lasts)).as("cut %s", pieces).isEqualTo(expected);
            assertThat(lasts).containsExactly("reasoning", "answer");
        }
    }

    @Test
    void anAnswerCutOffInAFieldStillEndsThatField() {
        List<String> lasts = new ArrayList<>();
        assertThat(streamed(List.of("[[ ## answer ## ]]\nforty", " t"), lasts)).isEqualTo(Map.of("answer", "forty t"));
        assertThat(lasts).containsExactly("answer");
    }
}
