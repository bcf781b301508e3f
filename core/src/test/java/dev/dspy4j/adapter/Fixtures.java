package dev.dspy4j.adapter;

import dev.dspy4j.media.History;
import dev.dspy4j.signature.Example;
import dev.dspy4j.signature.Input;
import dev.dspy4j.signature.Instructions;
import dev.dspy4j.signature.Output;
import dev.dspy4j.signature.Signature;
import java.util.List;
import java.util.Map;

/** Signatures, demos and inputs shared by the adapter tests. */
final class Fixtures {
    private Fixtures() {}

    enum Mood {
        HAPPY,
        SAD
    }

    record Address(String city, int zip) {}

    @Instructions("Describe the person.")
    record Profile(
            @Input(desc = "a short bio") String bio,
            @Output(desc = "age in years") int age,
            @Output double height,
            @Output boolean adult,
            @Output Mood mood,
            @Output List<String> hobbies,
            @Output Address address) {}

    static final Signature SIMPLE = Signature.parse("question -> answer");

    static final Signature TYPED = Signature.of(Profile.class);

    static final Signature QA = Signature.parse("question, context -> answer: int", "Answer with a number.");

    static final Signature CHAT = Signature.parse("history: History, question -> answer");

    static final Map<String, Object> PROFILE_INPUT = Map.of("bio", "Ada, 36, from London, likes chess.");

    static final Signature MEASURE =
            Signature.parse("question, context -> answer: int, unit", "Answer with a number and its unit.");

    /**
     * A complete demo, a partial one (a missing input and a missing output), one without outputs and
     * one without inputs (both dropped).
     */
    static List<Example> measureDemos() {
        return List.of(
                Example.of("question", "How long is a marathon?", "context", "running", "answer", 42, "unit", "km"),
                Example.of("question", "How heavy is a litre of water?", "answer", 1),
                Example.of("question", "How far is the moon?", "context", "space"),
                Example.of("answer", 7, "unit", "days"));
    }

    static final Map<String, Object> MEASURE_INPUT = Map.of("question", "How tall is Everest?", "context", "geography");

    static History chatHistory() {
        return History.of(
                Map.of("question", "Who wrote Hamlet?", "answer", "Shakespeare"),
                Map.of("question", "When?", "answer", "Around 1600"));
    }
}
