package dev.dspy4j.optimize;

import dev.dspy4j.lm.LanguageModel;
import dev.dspy4j.lm.LmHistory;
import dev.dspy4j.media.Media;
import dev.dspy4j.module.Module;
import dev.dspy4j.module.Predict;
import dev.dspy4j.signature.Example;
import dev.dspy4j.signature.Field;
import dev.dspy4j.signature.Signature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * Proposes instructions for each predictor of a program, grounded in what the proposer LM is shown
 * (after DSPy's {@code GroundedProposer}, used by {@link MIPROv2}): a description of the training
 * data (written once by the proposer LM from a sample of examples), the program's structure (every
 * predictor's name, signature and instructions), a few demos of the predictor's own inputs and
 * outputs (from one of the candidate demo sets), its current instruction, and a tip drawn at random.
 *
 * <p>Candidate 0 of each predictor is its current instruction; candidates 1..n-1 are proposals, one
 * proposer call each. Each proposal call has its own rollout id (derived from the seed, the predictor
 * and the candidate number) and the given temperature, so a response cache does not collapse
 * proposals into one and a rerun with the same seed and cache gives the same proposals.
 */
final class GroundedProposer {

    /** Tips, one drawn per proposal; the empty tip gives none. */
    static final List<String> TIPS = List.of(
            "",
            "Be inventive: an unusual framing of the task is welcome.",
            "Keep it short and plain.",
            "Spell out the details: say exactly what a good output looks like.",
            "Describe a situation where getting the answer wrong would be costly.",
            "Start by giving the model a role that suits the task (\"You are ...\").");

    static final Signature DESCRIBE_DATA = Signature.of(
            "DescribeData",
            "From the sample of examples below, describe the dataset in a few sentences: what the inputs "
                    + "are, what the outputs are, and any pattern someone writing instructions for this task should know.",
            List.of(Field.of("examples").withDescription("a sample of the training examples")),
            List.of(Field.of("description").withDescription("a short description of the dataset")));

    static final Signature PROPOSE = Signature.of(
            "ProposeInstruction",
            "You write the instruction for one step of a program that calls a language model. Read what is "
                    + "known about the data, the program, this step's current instruction and examples of its "
                    + "inputs and outputs, then write a new instruction that will make the model do this step better.",
            List.of(
                    Field.of("dataset_description").withDescription("what the data looks like"),
                    Field.of("program_structure")
                            .withDescription("the program's steps: name, signature and instruction of each"),
                    Field.of("step").withDescription("the step to write an instruction for"),
                    Field.of("step_examples").withDescription("examples of this step's inputs and outputs"),
                    Field.of("current_instruction").withDescription("the instruction the step has now"),
                    Field.of("tip").withDescription("a suggestion on how to write the instruction")),
            List.of(Field.of("proposed_instruction").withDescription("the new instruction for this step")));

    static final String NOT_GIVEN = "(not given)";

    private final LanguageModel lm;
    private final double temperature;
    private final long seed;
    private final int viewDataSize;
    private final int demosShown;
    private final Grounding grounding;

    /**
     * What the proposer is shown, as DSPy's {@code data_aware_proposer}, {@code program_aware_proposer},
     * {@code fewshot_aware_proposer} and {@code tip_aware_proposer}; a part turned off is sent as
     * {@code (not given)}, and without the data the description call is not made.
     */
    record Grounding(boolean data, boolean program, boolean demos, boolean tip) {
        static final Grounding ALL = new Grounding(true, true, true, true);
    }

    GroundedProposer(
            LanguageModel lm, double temperature, long seed, int viewDataSize, int demosShown, Grounding grounding) {
        this.lm = Objects.requireNonNull(lm, "prompt model");
        this.temperature = temperature;
        this.seed = seed;
        this.viewDataSize = viewDataSize;
        this.demosShown = demosShown;
        this.grounding = Objects.requireNonNull(grounding, "grounding");
    }

    /**
     * One proposer call: a description of up to {@code viewDataSize} examples drawn with the seed
     * ({@code (not given)} without a call when the data is not part of the grounding).
     */
    String describeData(List<Example> trainset) {
        if (!grounding.data()) return NOT_GIVEN;
        List<Example> sample = LabeledFewShot.sample(trainset, viewDataSize, new Random(seed));
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < sample.size(); i++) {
            sb.append("Example ")
                    .append(i + 1)
                    .append(":\n")
                    .append(render(sample.get(i).toMap()))
                    .append('\n');
        }
        Predict describe = Predict.of(DESCRIBE_DATA).withLm(lm);
        return describe.call(Map.of("examples", sb.toString().strip()))
                .getString("description")
                .strip();
    }

    /**
     * Instruction candidates per predictor name: the current instruction, then {@code n - 1} proposals.
     *
     * @param demoSets per predictor name, the candidate demo sets (may be empty lists); set k grounds
     *                 proposal k
     */
    Map<String, List<String>> propose(
            Module program, String dataDescription, Map<String, List<List<Example>>> demoSets, int n, Random random) {
        String structure = grounding.program() ? structure(program) : NOT_GIVEN;
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Map.Entry<String, Predict> e : program.predictors().entrySet()) {
            String name = e.getKey();
            Predict p = e.getValue();
            List<String> candidates = new ArrayList<>();
            candidates.add(p.signature().instructions());
            for (int k = 1; k < n; k++) {
                String tip = TIPS.get(random.nextInt(TIPS.size()));
                Map<String, Object> in = new LinkedHashMap<>();
                in.put("dataset_description", dataDescription);
                in.put("program_structure", structure);
                in.put("step", name + ": " + p.signature().toSignatureString());
                in.put(
                        "step_examples",
                        grounding.demos() ? examples(demoSets.getOrDefault(name, List.of()), k) : NOT_GIVEN);
                in.put("current_instruction", p.signature().instructions());
                in.put("tip", !grounding.tip() ? NOT_GIVEN : tip.isEmpty() ? "(none)" : tip);
                Predict proposer = Predict.of(PROPOSE)
                        .withLm(lm)
                        .withParam("temperature", temperature)
                        .withRolloutId("mipro-proposal-" + seed + "-" + name + "-" + k);
                candidates.add(
                        proposer.call(in).getString("proposed_instruction").strip());
            }
            out.put(name, List.copyOf(candidates));
        }
        return out;
    }

    /** The program's steps, one block each: name, signature, instruction. */
    static String structure(Module program) {
        StringBuilder sb = new StringBuilder();
        program.predictors()
                .forEach((name, p) -> sb.append(name)
                        .append(": ")
                        .append(p.signature().toSignatureString())
                        .append("\n  instruction: ")
                        .append(p.signature().instructions())
                        .append('\n'));
        return sb.toString().strip();
    }

    /**
     * Up to {@code demosShown} demos from set {@code k}, then the following sets (wrapping around);
     * none for set 0 (the zero-shot set) or when there are no demos.
     */
    private String examples(List<List<Example>> sets, int k) {
        if (sets.isEmpty() || k % sets.size() == 0) return "(none)";
        StringBuilder sb = new StringBuilder();
        int shown = 0;
        for (int s = 0; s < sets.size() && shown < demosShown; s++) {
            for (Example demo : sets.get((k + s) % sets.size())) {
                if (shown == demosShown) break;
                sb.append("Example ")
                        .append(++shown)
                        .append(":\n")
                        .append(render(demo.toMap()))
                        .append('\n');
            }
        }
        return shown == 0 ? "(none)" : sb.toString().strip();
    }

    /** {@code key: value} lines; media are shown by kind, type, size and digest, never their bytes. */
    static String render(Map<String, Object> values) {
        StringBuilder sb = new StringBuilder();
        values.forEach((k, v) -> sb.append(k)
                .append(": ")
                .append(v instanceof Media m ? LmHistory.describe(m) : v)
                .append('\n'));
        return sb.toString();
    }
}
