package dev.dspy4j.optimize;

import dev.dspy4j.module.Module;
import dev.dspy4j.module.Predict;
import dev.dspy4j.signature.Example;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * Gives every predictor {@code k} demos drawn at random (without replacement) from the training set.
 * The draw is determined by the seed: the same seed, student and training set give the same demos.
 * Predictors draw one after another from one random sequence, in {@link Module#predictors()} order.
 * Demos are the training examples themselves: media in them are shared, not copied. After DSPy's
 * {@code LabeledFewShot} (which draws with Python's {@code random.Random(0)}, so the demos differ).
 */
public final class LabeledFewShot implements Optimizer {
    private final int k;
    private final long seed;

    /**
     * {@code k} demos per predictor, seed 0.
     *
     * @param k demos per predictor, 0 or more (fewer when the training set is smaller)
     * @throws IllegalArgumentException if {@code k} is negative
     */
    public LabeledFewShot(int k) {
        this(k, 0L);
    }

    /**
     * {@code k} demos per predictor, drawn with {@code seed}.
     *
     * @param k demos per predictor, 0 or more (fewer when the training set is smaller)
     * @param seed the seed of the draw
     * @throws IllegalArgumentException if {@code k} is negative
     */
    public LabeledFewShot(int k, long seed) {
        if (k < 0) throw new IllegalArgumentException("k must be >= 0, not " + k);
        this.k = k;
        this.seed = seed;
    }

    /** {@return the demos per predictor} */
    public int k() {
        return k;
    }

    /** {@return the seed of the draw} */
    public long seed() {
        return seed;
    }

    /** {@inheritDoc} Replaces every predictor's demos with its draw. */
    @Override
    public Module compile(Module student, List<Example> trainset) {
        Objects.requireNonNull(student, "student");
        Objects.requireNonNull(trainset, "trainset");
        Random random = new Random(seed);
        Map<String, Predict> replaced = new LinkedHashMap<>();
        student.predictors().forEach((name, p) -> replaced.put(name, p.withDemos(sample(trainset, k, random))));
        return student.withPredictors(replaced);
    }

    /** {@code min(n, list.size())} distinct elements of {@code list}, in random order. */
    static <T> List<T> sample(List<T> list, int n, Random random) {
        List<T> pool = new ArrayList<>(list);
        int take = Math.min(n, pool.size());
        for (int i = 0; i < take; i++) {
            int j = i + random.nextInt(pool.size() - i);
            T t = pool.get(i);
            pool.set(i, pool.get(j));
            pool.set(j, t);
        }
        return List.copyOf(pool.subList(0, take));
    }
}
