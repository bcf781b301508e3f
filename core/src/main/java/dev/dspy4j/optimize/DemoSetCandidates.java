package dev.dspy4j.optimize;

import dev.dspy4j.evaluate.Metric;
import dev.dspy4j.module.Module;
import dev.dspy4j.signature.Example;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Candidate demo sets for each predictor, as DSPy's {@code create_n_fewshot_demo_sets} builds them
 * for MIPROv2 and random search: set 0 is no demos; set 1 is labeled examples only
 * ({@link LabeledFewShot}; when no labeled demos are allowed it is a shuffled set like those after 2); set 2 is {@link BootstrapFewShot} over
 * the training set in order; every further set bootstraps over the training set shuffled with the
 * seed's random sequence, keeping between 1 and {@code maxBootstrapped} traced demos (drawn).
 */
final class DemoSetCandidates {
    private DemoSetCandidates() {}

    /**
     * {@code count} sets (at least 1) per predictor name of {@code student}.
     *
     * @param threshold the bootstrap pass threshold, or null for "any score above 0"
     * @param threads   teacher runs at once (the demos do not depend on it)
     */
    static Map<String, List<List<Example>>> create(
            Module student,
            List<Example> trainset,
            int count,
            Metric metric,
            Double threshold,
            int maxBootstrapped,
            int maxLabeled,
            Module teacher,
            long seed,
            Random random,
            int threads) {
        Map<String, List<List<Example>>> sets = new LinkedHashMap<>();
        student.predictors().keySet().forEach(name -> sets.put(name, new ArrayList<>()));
        for (int k = 0; k < count; k++) {
            Module program;
            if (k == 0) {
                program = student.mapPredictors(p -> p.withDemos(List.of()));
            } else if (k == 1 && maxLabeled > 0) {
                program = new LabeledFewShot(maxLabeled, seed).compile(student, trainset);
            } else if (k == 2) {
                program = bootstrap(metric, threshold, maxBootstrapped, maxLabeled, teacher, seed, threads)
                        .compile(student, trainset);
            } else {
                List<Example> shuffled = new ArrayList<>(trainset);
                Collections.shuffle(shuffled, random);
                int size = maxBootstrapped < 1 ? 0 : 1 + random.nextInt(maxBootstrapped);
                program = bootstrap(metric, threshold, size, maxLabeled, teacher, seed, threads)
                        .compile(student, shuffled);
            }
            program.predictors().forEach((name, p) -> sets.get(name).add(p.demos()));
        }
        sets.replaceAll((name, list) -> List.copyOf(list));
        return sets;
    }

    private static BootstrapFewShot bootstrap(
            Metric metric,
            Double threshold,
            int maxBootstrapped,
            int maxLabeled,
            Module teacher,
            long seed,
            int threads) {
        BootstrapFewShot.Builder b = BootstrapFewShot.builder(metric)
                .maxBootstrappedDemos(maxBootstrapped)
                .maxLabeledDemos(maxLabeled)
                .teacher(teacher)
                .seed(seed)
                .threads(threads);
        if (threshold != null) b.threshold(threshold);
        return b.build();
    }
}
