package dev.dspy4j.cli;

import dev.dspy4j.evaluate.Metric;
import dev.dspy4j.evaluate.Metrics;
import dev.dspy4j.module.Prediction;
import dev.dspy4j.signature.Example;
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

    /** A field a metric reads: from the prediction and the labels ({@code output}), or from either side. */
    private record FieldUse(String spec, String field, boolean output) {}

    private final List<String> names;
    private final List<Metric> metrics;
    private final List<FieldUse> uses;
    private final Map<Example, double[]> scores = Collections.synchronizedMap(new IdentityHashMap<>());

    private MetricSpecs(List<String> names, List<Metric> metrics, List<FieldUse> uses) {
        this.names = names;
        this.metrics = metrics;
        this.uses = uses;
    }

    /** Parses {@code --metric} values; at least one is needed. */
    static MetricSpecs parse(List<String> specs) {
        if (specs == null || specs.isEmpty()) {
            throw new LmOptions.UsageException("give at least one --metric: " + NAMES);
        }
        List<String> names = new ArrayList<>();
        List<Metric> metrics = new ArrayList<>();
        List<FieldUse> uses = new ArrayList<>();
        for (String spec : specs) {
            int colon = spec.indexOf(':');
            String name = colon < 0 ? spec : spec.substring(0, colon);
            String[] args =
                    colon < 0 ? new String[0] : spec.substring(colon + 1).split(",");
            Function<String[], Metric> f = BY_NAME.get(name);
            if (f == null) throw new LmOptions.UsageException("unknown metric '" + name + "'; expected " + NAMES);
            for (String a : args) {
                if (a.isBlank())
                    throw new LmOptions.UsageException("--metric " + spec + ": empty field name; expected " + NAMES);
            }
            names.add(colon < 0 ? name + ":" + arg(args, 0, "answer") : spec);
            metrics.add(f.apply(args));
            uses.add(new FieldUse(spec, arg(args, 0, "answer"), true));
            if (name.equals("passage_match")) uses.add(new FieldUse(spec, arg(args, 1, "context"), false));
        }
        return new MetricSpecs(List.copyOf(names), List.copyOf(metrics), List.copyOf(uses));
    }

    /**
     * Checks, before any LM call, that each field a metric reads is one of the program's output
     * fields (the passage field of passage_match may also be an input) and that some row of
     * {@code data} holds it as a label.
     *
     * @throws LmOptions.UsageException naming the metric, the field and the fields there are
     */
    void check(dev.dspy4j.signature.Signature sig, List<Example> rows, java.nio.file.Path data) {
        List<String> outputs =
                sig.outputs().stream().map(dev.dspy4j.signature.Field::name).toList();
        List<String> all =
                sig.fields().stream().map(dev.dspy4j.signature.Field::name).toList();
        for (FieldUse u : uses) {
            List<String> allowed = u.output() ? outputs : all;
            if (!allowed.contains(u.field())) {
                throw new LmOptions.UsageException("--metric " + u.spec() + ": the program has no "
                        + (u.output() ? "output " : "") + "field '" + u.field() + "'; its "
                        + (u.output() ? "output " : "") + "fields are " + String.join(", ", allowed));
            }
            if (u.output() && !rows.isEmpty() && rows.stream().noneMatch(e -> e.has(u.field()))) {
                java.util.Set<String> labels = new java.util.TreeSet<>();
                rows.forEach(e -> labels.addAll(e.keys()));
                throw new LmOptions.UsageException("--metric " + u.spec() + ": no row of " + data + " has the label '"
                        + u.field() + "'; its rows have " + String.join(", ", labels));
            }
        }
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
