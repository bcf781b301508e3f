package dev.dspy4j.optimize;

import dev.dspy4j.evaluate.EvaluationResult;
import dev.dspy4j.lm.LanguageModel;
import dev.dspy4j.module.Predict;
import dev.dspy4j.module.Trace;
import dev.dspy4j.signature.Field;
import dev.dspy4j.signature.Signature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * GEPA's reflective step: shows the reflection LM one predictor's current instruction and, for each
 * example of a minibatch, that predictor's inputs and outputs in the run and the metric's feedback
 * (its feedback for this predictor, else for the whole prediction, else the bare score), and asks
 * for a better instruction. Follows the {@code gepa} package's {@code ReflectiveMutationProposer}
 * with DSPy's {@code make_reflective_dataset} (the records) and its instruction-proposal prompt
 * (dspy4j's own wording).
 */
final class Reflection {

    static final Signature REWRITE = Signature.of(
            "RewriteInstruction",
            "A language model followed the instruction below on several inputs. For each, you see what it "
                    + "was given, what it answered, and feedback on the answer. Work out what the task really "
                    + "asks and what went wrong, then write a better instruction: keep what worked, fix what "
                    + "failed, and include any specific facts or rules the feedback reveals, since the model "
                    + "will not see this feedback again.",
            List.of(
                    Field.of("current_instruction").withDescription("the instruction the model followed"),
                    Field.of("examples_with_feedback").withDescription("inputs, the model's outputs, and feedback")),
            List.of(Field.of("new_instruction")
                    .withDescription("the improved instruction, complete and self-contained")));

    private final LanguageModel lm;

    Reflection(LanguageModel lm) {
        this.lm = Objects.requireNonNull(lm, "reflection LM");
    }

    /**
     * One record per minibatch example in which {@code predictor} ran (the first of its calls), or
     * whose run failed; empty when the predictor ran in none.
     */
    static List<String> records(EvaluationResult minibatch, Predict predictor, String name) {
        List<String> out = new ArrayList<>();
        for (EvaluationResult.Row row : minibatch.rows()) {
            String feedback = row.feedback() == null ? null : row.feedback().feedbackFor(name);
            if (feedback == null) feedback = "This run scored " + row.score() + ".";
            if (row.prediction() == null) {
                Map<String, Object> in = new LinkedHashMap<>(row.example().inputs());
                out.add("Inputs:\n" + GroundedProposer.render(in) + "Outputs:\n(the program failed: "
                        + (row.error() == null ? "unknown error" : row.error().getMessage()) + ")\nFeedback: "
                        + feedback);
                continue;
            }
            for (Trace.Step step : row.trace()) {
                if (step.predictor() != predictor) continue;
                out.add("Inputs:\n" + GroundedProposer.render(step.inputs()) + "Outputs:\n"
                        + GroundedProposer.render(step.outputs().toMap()) + "Feedback: " + feedback);
                break;
            }
        }
        return out;
    }

    /** Asks for a new instruction; {@code rollout} keeps distinct steps apart in a response cache. */
    String rewrite(String current, List<String> records, String rollout) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < records.size(); i++) {
            sb.append("### Example ")
                    .append(i + 1)
                    .append('\n')
                    .append(records.get(i).strip())
                    .append("\n\n");
        }
        Predict p = Predict.of(REWRITE).withLm(lm).withRolloutId(rollout);
        Map<String, Object> in = new LinkedHashMap<>();
        in.put("current_instruction", current);
        in.put("examples_with_feedback", sb.toString().strip());
        return p.call(in).getString("new_instruction").strip();
    }
}
