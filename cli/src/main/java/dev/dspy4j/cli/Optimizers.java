package dev.dspy4j.cli;

import dev.dspy4j.evaluate.Metric;
import dev.dspy4j.optimize.BootstrapFewShot;
import dev.dspy4j.optimize.BootstrapFewShotWithRandomSearch;
import dev.dspy4j.optimize.Budget;
import dev.dspy4j.optimize.COPRO;
import dev.dspy4j.optimize.GEPA;
import dev.dspy4j.optimize.LabeledFewShot;
import dev.dspy4j.optimize.MIPROv2;
import dev.dspy4j.optimize.Optimizer;
import dev.dspy4j.optimize.OptimizerBuilder;
import dev.dspy4j.optimize.OptimizerProgress;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The optimizers {@code dspy4j optimize --optimizer NAME} knows, by name. Adding one is one
 * {@link #register} line in the static block: a name, a one-line description naming its options,
 * and a factory reading its options from the {@link Context} ({@code --option key=value}); an option
 * the factory does not read is refused, naming the ones it does.
 */
final class Optimizers {

    /** What an optimizer is made from: the metric and the {@code --option key=value} settings. */
    static final class Context {
        private final Metric metric;
        private final Map<String, String> options;
        private final int threads;
        private final OptimizerProgress.Listener listener;
        private final Set<String> read = new HashSet<>();
        private final Set<String> known = new TreeSet<>();

        Context(Metric metric, Map<String, String> options) {
            this(metric, options, 1, null);
        }

        /** With the command's {@code --threads} and a progress listener (or null) for the searching optimizers. */
        Context(Metric metric, Map<String, String> options, int threads, OptimizerProgress.Listener listener) {
            this.metric = metric;
            this.options = options == null ? Map.of() : options;
            this.threads = threads;
            this.listener = listener;
        }

        /** The metric given with {@code --metric} (the mean of several). */
        Metric metric() {
            return metric;
        }

        /** An integer option, or {@code dflt}. */
        int intOption(String name, int dflt) {
            String v = option(name);
            try {
                return v == null ? dflt : Integer.parseInt(v.trim());
            } catch (NumberFormatException e) {
                throw new LmOptions.UsageException("--option " + name + "=" + v + ": expected an integer");
            }
        }

        /** A long option, or {@code dflt}. */
        long longOption(String name, long dflt) {
            String v = option(name);
            try {
                return v == null ? dflt : Long.parseLong(v.trim());
            } catch (NumberFormatException e) {
                throw new LmOptions.UsageException("--option " + name + "=" + v + ": expected an integer");
            }
        }

        /** A decimal option, or {@code dflt}. */
        double doubleOption(String name, double dflt) {
            String v = option(name);
            try {
                return v == null ? dflt : Double.parseDouble(v.trim());
            } catch (NumberFormatException e) {
                throw new LmOptions.UsageException("--option " + name + "=" + v + ": expected a number");
            }
        }

        /** A true/false option, or {@code dflt}. */
        boolean booleanOption(String name, boolean dflt) {
            String v = option(name);
            if (v == null) return dflt;
            return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "true" -> true;
                case "false" -> false;
                default ->
                    throw new LmOptions.UsageException("--option " + name + "=" + v + ": expected true or false");
            };
        }

        /** A string option, or null. */
        String option(String name) {
            known.add(name);
            read.add(name);
            return options.get(name);
        }
    }

    /** Makes an optimizer from the context. */
    @FunctionalInterface
    interface Factory {
        Optimizer create(Context context);
    }

    /** A registered optimizer. */
    record Entry(String description, Factory factory) {}

    private static final Map<String, Entry> REGISTRY = new LinkedHashMap<>();

    /** The options every searching optimizer takes (see {@link #budgeted}). */
    private static final String BUDGET_OPTIONS =
            "auto=light|medium|heavy, max_metric_calls, max_trials, trial_log=PATH";

    static {
        register(
                "labeled",
                "LabeledFewShot: k labelled training rows become the demos (options: k=16, seed=0)",
                c -> new LabeledFewShot(c.intOption("k", 16), c.longOption("seed", 0)));
        register(
                "bootstrap",
                "BootstrapFewShot: runs the program on training rows and keeps the passing traces as demos "
                        + "(options: max_bootstrapped_demos=4, max_labeled_demos=16, max_rounds=1, threshold, seed=0)",
                c -> {
                    BootstrapFewShot.Builder b = BootstrapFewShot.builder(c.metric())
                            .maxBootstrappedDemos(c.intOption("max_bootstrapped_demos", 4))
                            .maxLabeledDemos(c.intOption("max_labeled_demos", 16))
                            .maxRounds(c.intOption("max_rounds", 1))
                            .seed(c.longOption("seed", 0));
                    if (c.option("threshold") != null) b.threshold(c.doubleOption("threshold", 0));
                    return b.build();
                });
        register(
                "random_search",
                "BootstrapFewShotWithRandomSearch: scores zero-shot, labeled-only and bootstrapped "
                        + "demo sets on the training rows and keeps the best (options: max_bootstrapped_demos=4, "
                        + "max_labeled_demos=16, max_rounds=1, num_candidate_programs=16, threshold, stop_at_score, seed=0, "
                        + BUDGET_OPTIONS + ")",
                c -> {
                    BootstrapFewShotWithRandomSearch.Builder b = budgeted(
                                    c, BootstrapFewShotWithRandomSearch.builder(c.metric()))
                            .maxBootstrappedDemos(c.intOption("max_bootstrapped_demos", 4))
                            .maxLabeledDemos(c.intOption("max_labeled_demos", 16))
                            .maxRounds(c.intOption("max_rounds", 1))
                            .numCandidatePrograms(c.intOption("num_candidate_programs", 16))
                            .seed(c.longOption("seed", 0));
                    if (c.option("threshold") != null) b.metricThreshold(c.doubleOption("threshold", 0));
                    if (c.option("stop_at_score") != null) b.stopAtScore(c.doubleOption("stop_at_score", 0));
                    return b.build();
                });
        register(
                "copro",
                "COPRO: the program's LM proposes instructions, scored on the training rows by coordinate "
                        + "ascent (options: breadth=10, depth=3, init_temperature=1.4, " + BUDGET_OPTIONS + ")",
                c -> budgeted(c, COPRO.builder(c.metric()))
                        .breadth(c.intOption("breadth", 10))
                        .depth(c.intOption("depth", 3))
                        .initTemperature(c.doubleOption("init_temperature", 1.4))
                        .build());
        register(
                "mipro",
                "MIPROv2: the program's LM proposes instructions grounded in the data and demos; a TPE search "
                        + "picks an instruction and a demo set per predictor, validated on the last 80% of the training "
                        + "rows (options: max_bootstrapped_demos=4, max_labeled_demos=4, num_candidates, num_trials, "
                        + "minibatch_size=35, minibatch_full_eval_steps=5, init_temperature=1.0, threshold, seed=9, "
                        + BUDGET_OPTIONS + "; auto=light unless num_candidates is given)",
                c -> {
                    MIPROv2.Builder b = budgeted(c, MIPROv2.builder(c.metric()))
                            .maxBootstrappedDemos(c.intOption("max_bootstrapped_demos", 4))
                            .maxLabeledDemos(c.intOption("max_labeled_demos", 4))
                            .minibatchSize(c.intOption("minibatch_size", 35))
                            .minibatchFullEvalSteps(c.intOption("minibatch_full_eval_steps", 5))
                            .initTemperature(c.doubleOption("init_temperature", 1.0))
                            .seed(c.longOption("seed", 9));
                    if (c.option("num_candidates") != null) b.numCandidates(c.intOption("num_candidates", 0));
                    if (c.option("num_trials") != null) b.numTrials(c.intOption("num_trials", 0));
                    if (c.option("threshold") != null) b.metricThreshold(c.doubleOption("threshold", 0));
                    return b.build();
                });
        register(
                "gepa",
                "GEPA: the program's LM reflects on the metric's feedback and rewrites one instruction at a time, "
                        + "keeping a Pareto frontier over the training rows (options: reflection_minibatch_size=3, "
                        + "use_merge=true, max_merge_invocations=5, seed=0, " + BUDGET_OPTIONS
                        + "; auto or max_metric_calls is required)",
                c -> budgeted(c, GEPA.builder(c.metric()))
                        .reflectionMinibatchSize(c.intOption("reflection_minibatch_size", 3))
                        .useMerge(c.booleanOption("use_merge", true))
                        .maxMergeInvocations(c.intOption("max_merge_invocations", 5))
                        .seed(c.longOption("seed", 0))
                        .build());
    }

    /**
     * The shared settings of a searching optimizer from its options: the budget ({@code auto},
     * {@code max_metric_calls}, {@code max_trials}), the JSON {@code trial_log} file, and the command's
     * threads and progress.
     */
    private static <B extends OptimizerBuilder<B>> B budgeted(Context c, B b) {
        String auto = c.option("auto");
        if (auto != null) b.auto(Budget.Auto.parse(auto));
        if (c.option("max_metric_calls") != null) b.maxMetricCalls(c.intOption("max_metric_calls", 0));
        if (c.option("max_trials") != null) b.maxTrials(c.intOption("max_trials", 0));
        String log = c.option("trial_log");
        if (log != null) b.trialLog(Path.of(log));
        return b.threads(c.threads).listener(c.listener);
    }

    /**
     * The registry as lines of {@code optimize --help}'s footer: one entry per optimizer, its name in a
     * column and its description word-wrapped beside it with a hanging indent, so no line is longer than
     * {@code width} and picocli (which would wrap at column 0) leaves them alone. A footer line is a format
     * string, so a description's {@code %} is doubled.
     */
    static List<String> helpLines(int width) {
        int nameWidth =
                REGISTRY.keySet().stream().mapToInt(String::length).max().orElse(0);
        String indent = " ".repeat(2 + nameWidth + 2);
        int textWidth = Math.max(20, width - indent.length());
        List<String> lines = new java.util.ArrayList<>();
        REGISTRY.forEach((name, e) -> {
            StringBuilder line = new StringBuilder("  " + name + " ".repeat(nameWidth - name.length() + 2));
            int used = 0;
            for (String word : e.description().split(" ", -1)) {
                if (used > 0 && used + 1 + word.length() > textWidth) {
                    lines.add(line.toString());
                    line = new StringBuilder(indent);
                    used = 0;
                }
                if (used > 0) {
                    line.append(' ');
                    used++;
                }
                line.append(word.replace("%", "%%"));
                used += word.length();
            }
            lines.add(line.toString());
        });
        return lines;
    }

    private Optimizers() {}

    /** Adds an optimizer under {@code name} (lowercase, as typed after --optimizer). */
    static void register(String name, String description, Factory factory) {
        if (REGISTRY.putIfAbsent(name, new Entry(description, factory)) != null) {
            throw new IllegalStateException("optimizer '" + name + "' is registered twice");
        }
    }

    /** The registered optimizers by name, in registration order. */
    static Map<String, Entry> all() {
        return Collections.unmodifiableMap(REGISTRY);
    }

    /**
     * The optimizer named {@code name}, made with {@code options}.
     *
     * @throws LmOptions.UsageException for an unknown name, an unknown option or a bad option value
     */
    static Optimizer create(String name, Metric metric, Map<String, String> options) {
        return create(name, new Context(metric, options));
    }

    /**
     * The optimizer named {@code name}, made from {@code c} (its metric, options, threads and progress listener).
     *
     * @throws LmOptions.UsageException for an unknown name, an unknown option or a bad option value
     */
    static Optimizer create(String name, Context c) {
        Entry e = REGISTRY.get(name);
        if (e == null) {
            throw new LmOptions.UsageException(
                    "unknown optimizer '" + name + "'; expected one of " + REGISTRY.keySet());
        }
        Optimizer o;
        try {
            o = e.factory().create(c);
        } catch (IllegalArgumentException ex) {
            throw new LmOptions.UsageException("--optimizer " + name + ": " + ex.getMessage());
        }
        for (String k : c.options.keySet()) {
            if (!c.read.contains(k)) {
                throw new LmOptions.UsageException("optimizer '" + name + "' has no option '" + k + "'; it takes "
                        + (c.known.isEmpty() ? "none" : String.join(", ", c.known)));
            }
        }
        return o;
    }
}
