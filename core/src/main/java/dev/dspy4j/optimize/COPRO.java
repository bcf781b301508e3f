package dev.dspy4j.optimize;

import dev.dspy4j.evaluate.Metric;
import dev.dspy4j.lm.LanguageModel;
import dev.dspy4j.module.Module;
import dev.dspy4j.module.Predict;
import dev.dspy4j.module.Prediction;
import dev.dspy4j.signature.Example;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Instruction optimization by coordinate ascent, as DSPy's {@code COPRO}. A prompt model first
 * proposes {@code breadth - 1} new instructions per predictor from its current one (which stays a
 * candidate). Then, for {@code depth} rounds, predictor by predictor: each candidate instruction is
 * scored on the training set with the other predictors at their best so far, and the predictor
 * keeps its best; between rounds, the prompt model sees each predictor's best instructions so far
 * with their scores (worst first) and proposes {@code breadth} more. A program with one predictor
 * scores only the newest candidates each round; with several, every candidate is scored again
 * against the others' new best. The best program over all trials is returned; the student is
 * untouched.
 *
 * <p>Budget ({@link OptimizerBuilder}): a trial is one scored program; a metric call is one
 * training example scored. A program already scored (the same instruction for every predictor) is
 * not scored again. {@code auto} sets the breadth to the preset's candidate count (6, 12, 18).
 * When stopped, the best so far is returned.
 *
 * <p>Differences from DSPy: no output-field prefix is proposed (dspy4j's adapters mark fields with
 * {@code [[ ## name ## ]]}, not with prefixes); the proposer also sees the step's signature
 * ({@code question -> answer}); the prompts are dspy4j's own wording.
 */
public final class COPRO implements Optimizer {
    /** The name in progress reports and trial logs. */
    public static final String NAME = "COPRO";

    /** Proposes a first set of instructions from the current one. */
    static final String PROPOSE_INSTRUCTIONS = "You write instructions for one step of a language-model program. "
            + "Given the step's signature (its input and output fields) and its current instruction, write a new "
            + "instruction that will make a capable model do this step better. Be specific; a different approach is welcome.";
    /** Proposes more instructions from the scored attempts. */
    static final String PROPOSE_FROM_ATTEMPTS = "You write instructions for one step of a language-model program. "
            + "Below are instructions already tried for this step, each with its score on the training set, worst first. "
            + "Write a new instruction that should score higher than every one of them.";

    private final Metric metric;
    private final LanguageModel promptModel;
    private final int breadth;
    private final int depth;
    private final double initTemperature;
    private final RunSettings settings;

    private COPRO(Builder b) {
        this.metric = b.metric;
        this.promptModel = b.promptModel;
        Budget budget = b.runSettings().budget();
        this.breadth = budget.auto() != null ? budget.auto().candidates() : b.breadth;
        this.depth = b.depth;
        this.initTemperature = b.initTemperature;
        this.settings = b.runSettings();
    }

    /**
     * A builder with DSPy's defaults: breadth 10, depth 3, temperature 1.4.
     *
     * @param metric scores each candidate program on the training set
     * @return the builder
     */
    public static Builder builder(Metric metric) {
        return new Builder(metric);
    }

    /**
     * {@inheritDoc} Only instructions change; demos stay as in the student.
     *
     * @return the best-scoring program (ties keep the earlier), or the student if none was scored
     * @throws IllegalArgumentException if the training set is empty, the student has no predictors,
     *     or there is no prompt model
     */
    @Override
    public Module compile(Module student, List<Example> trainset) {
        Objects.requireNonNull(student, "student");
        Objects.requireNonNull(trainset, "trainset");
        if (trainset.isEmpty()) throw new IllegalArgumentException("COPRO needs at least one training example");
        Map<String, Predict> current = new LinkedHashMap<>(student.predictors());
        if (current.isEmpty()) throw new IllegalArgumentException("the student has no predictors to optimize");
        LanguageModel proposer = promptModel != null
                ? promptModel
                : current.values().iterator().next().lm();
        if (proposer == null) {
            throw new IllegalArgumentException(
                    "COPRO needs a prompt model: set promptModel(...) or give the student an LM");
        }
        OptimizerRun run = OptimizerRun.start(NAME, metric, settings);
        Map<String, List<String>> latest = new LinkedHashMap<>();
        Map<String, List<String>> all = new LinkedHashMap<>();
        Map<String, Map<String, Double>> scoredPerPredictor = new LinkedHashMap<>();
        Map<List<String>, Double> scoredPrograms = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, Predict> e : current.entrySet()) {
                String basic = e.getValue().signature().instructions();
                List<String> first = new ArrayList<>(run.traced(() -> propose(
                        proposer,
                        PROPOSE_INSTRUCTIONS,
                        ordered(
                                "signature",
                                e.getValue().signature().toSignatureString(),
                                "current_instruction",
                                basic),
                        breadth - 1,
                        0)));
                first.add(basic);
                List<String> unique = List.copyOf(new LinkedHashSet<>(first));
                latest.put(e.getKey(), unique);
                all.put(e.getKey(), new ArrayList<>(unique));
                scoredPerPredictor.put(e.getKey(), new LinkedHashMap<>());
            }
            for (int d = 0; d < depth; d++) {
                for (String name : List.copyOf(current.keySet())) { // a copy: the loop replaces current's values
                    List<String> candidates = current.size() > 1 ? all.get(name) : latest.get(name);
                    for (int c = 0; c < candidates.size(); c++) {
                        String instruction = candidates.get(c);
                        Map<String, Predict> trial = new LinkedHashMap<>(current);
                        trial.put(name, current.get(name).withInstructions(instruction));
                        List<String> key = trial.values().stream()
                                .map(p -> p.signature().instructions())
                                .toList();
                        Double score = scoredPrograms.get(key);
                        if (score == null) {
                            Module program = student.withPredictors(trial);
                            score = run.evaluate(program, trainset).score();
                            scoredPrograms.put(key, score);
                            run.trial(
                                    "depth " + (d + 1) + ", " + name + ", candidate " + (c + 1),
                                    OptimizerRun.describe(program),
                                    score,
                                    program);
                        }
                        scoredPerPredictor.get(name).merge(instruction, score, Math::max);
                    }
                    String best = bestOf(scoredPerPredictor.get(name));
                    current.put(name, current.get(name).withInstructions(best));
                }
                if (d == depth - 1) break;
                for (String name : current.keySet()) {
                    String attempts = attempts(scoredPerPredictor.get(name));
                    int round = d + 1;
                    List<String> next = run.traced(() -> propose(
                            proposer,
                            PROPOSE_FROM_ATTEMPTS,
                            ordered(
                                    "signature",
                                    current.get(name).signature().toSignatureString(),
                                    "attempted_instructions",
                                    attempts),
                            breadth,
                            round));
                    latest.put(name, next);
                    for (String s : next) {
                        if (!all.get(name).contains(s)) all.get(name).add(s);
                    }
                }
            }
        } catch (OptimizationStopped stopped) {
            run.stopped(stopped);
        }
        return run.finish(student);
    }

    /** Two inputs in this order (the proposer's prompt, and so its cache key, must not depend on map order). */
    private static Map<String, String> ordered(String k1, String v1, String k2, String v2) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }

    /** The first instruction with the highest score. */
    private static String bestOf(Map<String, Double> scores) {
        String best = null;
        double top = Double.NEGATIVE_INFINITY;
        for (Map.Entry<String, Double> e : scores.entrySet()) {
            if (e.getValue() > top) {
                top = e.getValue();
                best = e.getKey();
            }
        }
        return best;
    }

    /** The best {@code breadth} attempts, worst first, as numbered lines. */
    private String attempts(Map<String, Double> scores) {
        List<Map.Entry<String, Double>> sorted = new ArrayList<>(scores.entrySet());
        sorted.sort(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()));
        List<Map.Entry<String, Double>> top = new ArrayList<>(sorted.subList(0, Math.min(breadth, sorted.size())));
        java.util.Collections.reverse(top);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < top.size(); i++) {
            if (i > 0) sb.append('\n');
            sb.append("Instruction #")
                    .append(i + 1)
                    .append(": ")
                    .append(top.get(i).getKey())
                    .append('\n')
                    .append("Score #")
                    .append(i + 1)
                    .append(": ")
                    .append(String.format(Locale.ROOT, "%.1f", top.get(i).getValue()));
        }
        return sb.toString();
    }

    /** {@code n} proposed instructions (fewer when the model repeats itself or answers blank), cleaned of quotes. */
    private List<String> propose(LanguageModel lm, String instructions, Map<String, String> inputs, int n, int round) {
        if (n < 1) return List.of();
        String fields = String.join(", ", inputs.keySet());
        Predict p = Predict.of(fields + " -> proposed_instruction")
                .withInstructions(instructions)
                .withLm(lm)
                .withN(n)
                .withParam("temperature", initTemperature)
                .withRolloutId("copro-round-" + round);
        Prediction out = p.call(inputs);
        LinkedHashSet<String> proposals = new LinkedHashSet<>();
        for (Map<String, Object> c : out.completions()) {
            Object v = c.get("proposed_instruction");
            if (v == null) continue;
            String s = v.toString().strip();
            while (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\""))
                s = s.substring(1, s.length() - 1).strip();
            if (!s.isEmpty()) proposals.add(s);
        }
        return List.copyOf(proposals);
    }

    /** Builds a {@link COPRO}; shared settings are in {@link OptimizerBuilder}. */
    public static final class Builder extends OptimizerBuilder<Builder> {
        private final Metric metric;
        private LanguageModel promptModel;
        private int breadth = 10;
        private int depth = 3;
        private double initTemperature = 1.4;

        private Builder(Metric metric) {
            this.metric = Objects.requireNonNull(metric, "metric");
        }

        /**
         * The LM that proposes instructions (DSPy's {@code prompt_model}).
         *
         * @param lm the LM, or null for the student's first predictor's LM (the default)
         * @return this builder
         */
        public Builder promptModel(LanguageModel lm) {
            this.promptModel = lm;
            return this;
        }

        /**
         * Candidates proposed per predictor and round; an {@code auto} preset replaces it.
         *
         * @param n more than 1 (default 10)
         * @return this builder
         */
        public Builder breadth(int n) {
            if (n <= 1) throw new IllegalArgumentException("breadth must be greater than 1, not " + n);
            this.breadth = n;
            return this;
        }

        /**
         * Rounds of scoring.
         *
         * @param n at least 1 (default 3)
         * @return this builder
         */
        public Builder depth(int n) {
            if (n < 1) throw new IllegalArgumentException("depth must be at least 1, not " + n);
            this.depth = n;
            return this;
        }

        /**
         * The prompt model's sampling temperature.
         *
         * @param t 0 or more (default 1.4)
         * @return this builder
         */
        public Builder initTemperature(double t) {
            if (!(t >= 0)) throw new IllegalArgumentException("initTemperature must be >= 0, not " + t);
            this.initTemperature = t;
            return this;
        }

        /** {@return the optimizer} */
        public COPRO build() {
            return new COPRO(this);
        }
    }
}
