package dev.dspy4j.optimize;

import dev.dspy4j.evaluate.Metric;
import dev.dspy4j.lm.Embedder;
import dev.dspy4j.module.Module;
import dev.dspy4j.module.Parallel;
import dev.dspy4j.module.Predict;
import dev.dspy4j.module.Prediction;
import dev.dspy4j.module.Trace;
import dev.dspy4j.signature.Example;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Chooses demos per input: the returned program embeds each call's inputs, finds the {@code k}
 * training examples nearest to them by cosine similarity (an in-memory index) and runs the student
 * with those as demos, most similar first, as DSPy's {@code KNNFewShot}.
 *
 * <p>An example is embedded as its input fields, {@code "name: value"} joined with {@code " | "} in
 * the training examples' input-key order (DSPy's text form). Training examples are embedded once,
 * in {@code compile}; each call embeds its inputs (an {@link dev.dspy4j.lm.openai.OpenAiEmbeddings}
 * embedder serves repeats from the response cache).
 *
 * <p>Demos are the labeled training examples themselves. With {@link Builder#bootstrap(Metric)}, the
 * student is first run on every training example (traced, {@link Builder#threads} at a time), and a
 * neighbour whose run passed the metric gives each predictor the inputs and outputs of its own call
 * (as {@link BootstrapFewShot} does), so a program with several predictors gets demos for each; a
 * neighbour that failed gives its labeled example. DSPy instead runs BootstrapFewShot on the
 * neighbours at every call; bootstrapping once costs one teacher run per training example in all.
 *
 * <p>The returned program exposes the student's predictors ({@code predictors()},
 * {@code withPredictors}), so it can be saved and further optimized; the index is not part of the
 * saved state (compile again to rebuild it). The student is untouched.
 */
public final class KNNFewShot implements Optimizer {
    private final int k;
    private final Embedder embedder;
    private final Metric bootstrapMetric;
    private final int threads;

    private KNNFewShot(Builder b) {
        this.k = b.k;
        this.embedder = b.embedder;
        this.bootstrapMetric = b.bootstrapMetric;
        this.threads = b.threads;
    }

    /**
     * A builder for {@code k} neighbours found with {@code embedder}.
     *
     * @param k neighbours per call, at least 1
     * @param embedder embeds the training examples (once, in one call) and each call's inputs
     * @return the builder
     * @throws IllegalArgumentException if {@code k} is below 1
     */
    public static Builder builder(int k, Embedder embedder) {
        return new Builder(k, embedder);
    }

    /**
     * {@inheritDoc} Embeds the training set (and bootstraps, if asked); the returned program embeds
     * each call's inputs.
     *
     * @throws IllegalArgumentException if the training set is empty or an example has no input keys marked
     * @throws IllegalStateException if the embedder returns a different number of vectors than texts
     */
    @Override
    public Module compile(Module student, List<Example> trainset) {
        Objects.requireNonNull(student, "student");
        Objects.requireNonNull(trainset, "trainset");
        if (trainset.isEmpty()) throw new IllegalArgumentException("KNNFewShot needs at least one training example");
        List<String> keys = List.copyOf(trainset.get(0).inputKeys());
        List<String> texts = new ArrayList<>(trainset.size());
        for (int i = 0; i < trainset.size(); i++) {
            Example e = trainset.get(i);
            if (e.inputKeys().isEmpty()) {
                throw new IllegalArgumentException(
                        "training example " + i + " has no input keys marked; call withInputs(...)");
            }
            texts.add(text(keys, e.inputs()));
        }
        List<float[]> vectors = embedder.embed(texts);
        if (vectors.size() != trainset.size()) {
            throw new IllegalStateException(
                    "the embedder returned " + vectors.size() + " vectors for " + trainset.size() + " texts");
        }
        List<Map<String, List<Example>>> traced = bootstrapMetric == null ? null : bootstrap(student, trainset);
        return new Program(student, List.copyOf(trainset), keys, CosineIndex.of(vectors), traced);
    }

    /** Per training example, the demos of each predictor from a passing run, or null if the run failed. */
    private List<Map<String, List<Example>>> bootstrap(Module student, List<Example> trainset) {
        IdentityHashMap<Predict, String> names = new IdentityHashMap<>();
        student.predictors().forEach((name, p) -> names.put(p, name));
        Parallel.Result<Map<String, List<Example>>> r = Parallel.of(threads).run(trainset, example -> {
            Trace.Traced<Prediction> t = Trace.capture(() -> student.call(example));
            if (bootstrapMetric.evaluate(example, t.value(), t.steps()).score() <= 0) return null;
            Map<String, List<Example>> demos = new LinkedHashMap<>();
            for (Trace.Step step : t.steps()) {
                String name = names.get(step.predictor());
                if (name != null)
                    demos.computeIfAbsent(name, n -> new ArrayList<>()).add(BootstrapFewShot.demoOf(step));
            }
            return demos;
        });
        return new ArrayList<>(r.values()); // a failed run (an exception) is null too
    }

    /** DSPy's text form of an example's inputs: {@code "k1: v1 | k2: v2"}. */
    static String text(List<String> keys, Map<String, ?> inputs) {
        StringBuilder sb = new StringBuilder();
        for (String key : keys) {
            Object v = inputs.get(key);
            if (v == null) continue;
            if (sb.length() > 0) sb.append(" | ");
            sb.append(key).append(": ").append(v);
        }
        return sb.toString();
    }

    /** The compiled program: the student run with the nearest training examples as demos. */
    private final class Program implements Module {
        private final Module student;
        private final List<Example> trainset;
        private final List<String> keys;
        private final CosineIndex index;
        private final List<Map<String, List<Example>>> traced;

        Program(
                Module student,
                List<Example> trainset,
                List<String> keys,
                CosineIndex index,
                List<Map<String, List<Example>>> traced) {
            this.student = student;
            this.trainset = trainset;
            this.keys = keys;
            this.index = index;
            this.traced = traced;
        }

        @Override
        public Prediction call(Map<String, ?> inputs) {
            List<CosineIndex.Hit> hits = index.nearest(embedder.embed(text(keys, inputs)), k);
            Map<String, Predict> withDemos = new LinkedHashMap<>();
            student.predictors().forEach((name, p) -> {
                List<Example> demos = new ArrayList<>();
                for (CosineIndex.Hit h : hits) {
                    Map<String, List<Example>> own = traced == null ? null : traced.get(h.index());
                    if (own == null) demos.add(trainset.get(h.index()));
                    else demos.addAll(own.getOrDefault(name, List.of()));
                }
                withDemos.put(name, p.withDemos(demos));
            });
            return student.withPredictors(withDemos).call(inputs);
        }

        @Override
        public Map<String, Predict> predictors() {
            return student.predictors();
        }

        @Override
        public Module withPredictors(Map<String, Predict> replacements) {
            return new Program(student.withPredictors(replacements), trainset, keys, index, traced);
        }

        @Override
        public String toString() {
            return "KNNFewShot(k=" + k + ", " + trainset.size() + " examples, " + student + ")";
        }
    }

    /** Builds a {@link KNNFewShot}. */
    public static final class Builder {
        private final int k;
        private final Embedder embedder;
        private Metric bootstrapMetric;
        private int threads = 1;

        private Builder(int k, Embedder embedder) {
            if (k < 1) throw new IllegalArgumentException("k must be at least 1, not " + k);
            this.k = k;
            this.embedder = Objects.requireNonNull(embedder, "embedder");
        }

        /**
         * Bootstrap demos from the student's own passing runs (see the class comment); default: labeled examples.
         *
         * @param metric a run passes when its score is above 0
         * @return this builder
         */
        public Builder bootstrap(Metric metric) {
            this.bootstrapMetric = Objects.requireNonNull(metric, "metric");
            return this;
        }

        /**
         * Bootstrap runs at once.
         *
         * @param n at least 1 (default 1)
         * @return this builder
         */
        public Builder threads(int n) {
            if (n < 1) throw new IllegalArgumentException("threads must be at least 1, not " + n);
            this.threads = n;
            return this;
        }

        /** {@return the optimizer} */
        public KNNFewShot build() {
            return new KNNFewShot(this);
        }
    }
}
