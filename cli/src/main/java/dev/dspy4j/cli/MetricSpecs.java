package dev.dspy4j.cli;

import dev.dspy4j.evaluate.Metric;
import dev.dspy4j.evaluate.Metrics;
import dev.dspy4j.module.Example;
import dev.dspy4j.module.Prediction;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The metrics the command line names: {@code exact_match[:field]}, {@code f1[:field]} (token F1)
 * and {@code passage_match[:answer_field,passage_field]}, the library's {@link Metrics}. Several
 * metrics combine into their mean; each one's score is kept per example for the report.
 */
final class MetricSpecs {
    /** The metric names, with what they take, for help and error messages. */
    static final String NAMES = "exact_match[:FIELD], f1[:FIELD], passage_match[:ANSWER_FIELD,PASSAGE_FIELD] "
            + "(FIELD defaults to answer)";

    private static final Map<String, Function<String[], Metric>> BY_NAME = new LinkedHashMap<>();

    static {
        BY_NAME.put("exact_match", a -> Metrics.exactMatch(arg(a, 0, "answer")));
        BY_NAME.put("f1", a -> Metrics.f1(arg(a, 0, "answer")));
        BY_NAME.put("passage_match", a -> Metrics.passageMatch(arg(a, 0, "answer"), arg(a, 1, "context")));
    }

    private final List<String> names;
    private final List<Metric> metrics;
    private final Map<Example, double[]> scores = Collections.synchronizedMap(new IdentityHashMap<>());

    private MetricSpecs(List<String> names, List<Metric> metrics) {
        this.names = names;
        this.metrics = metrics;
    }

    /** Parses {@code --metric} values; at least one is needed. */
    static MetricSpecs parse(List<String> specs) {
        if (specs == null || specs.isEmpty()) {
            throw new LmOptions.UsageException("give at least one --metric: " + NAMES);
        }
        List<String> names = new ArrayList<>();
        List<Metric> metrics = new ArrayList<>();
        for (String spec : specs) {
            int colon = spec.indexOf(':');
            String name = colon < 0 ? spec : spec.substring(0, colon);
            String[] args = colon < 0 ? new String[0] : spec.substring(colon + 1).split(",");
            Function<String[], Metric> f = BY_NAME.get(name);
            if (f == null) throw new LmOptions.UsageException("unknown metric '" + name + "'; expected " + NAMES);
            for (String a : args) {
                if (a.isBlank()) throw new LmOptions.UsageException("--metric " + spec + ": empty field name; expected " + NAMES);
            }
            names.add(colon < 0 ? name + ":" + arg(args, 0, "answer") : spec);
            metrics.add(f.apply(args));
        }
        return new MetricSpecs(List.copyOf(names), List.copyOf(metrics));
    }

    private static String arg(String[] a, int i, String dflt) {
        return a.length > i ? a[i].trim() : dflt;
    }

    /** The metric names as given (with the default field filled in). */
    List<String> names() {
        return names;
    }

    /** The mean of the metrics; each one's score is remembered for {@link #scoresOf}. */
    Metric combined() {
        return (Example e, Prediction p) -> {
            double[] s = new double[metrics.size()];
            double sum = 0;
            for (int i = 0; i < s.length; i++) {
                s[i] = metrics.get(i).score(e, p);
                sum += s[i];
            }
            scores.put(e, s);
            return sum / s.length;
        };
    }

    /** Each metric's score for {@code e} from the last scoring, or null if it was not scored (its run failed). */
    double[] scoresOf(Example e) {
        return scores.get(e);
    }

    /** Forgets the remembered scores (before scoring the same examples again). */
    void reset() {
        scores.clear();
    }
}
