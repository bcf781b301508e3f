package dev.dspy4j.optimize;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.dspy4j.evaluate.Evaluate;
import dev.dspy4j.evaluate.EvaluationResult;
import dev.dspy4j.evaluate.Metric;
import dev.dspy4j.module.Module;
import dev.dspy4j.module.ParallelException;
import dev.dspy4j.module.Trace;
import dev.dspy4j.signature.Example;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The book-keeping of one optimizer run, shared by every optimizer: scoring candidates (on
 * {@link RunSettings#threads()} threads) while counting metric calls, LM calls and tokens; enforcing
 * the {@link Budget}; honouring the {@link StopSignal} and thread interrupts; keeping the best
 * candidate; reporting progress; and writing the trial log.
 *
 * <p>Use: {@code evaluate} (or {@code traced} for other LM work, e.g. proposing instructions) and
 * {@code trial} for each candidate, inside a {@code try} that catches {@link OptimizationStopped};
 * then {@code finish}. Not thread-safe: call it from the optimizing thread.
 *
 * <pre>{@code
 * OptimizerRun run = OptimizerRun.start("COPRO", metric, settings);
 * try {
 *     for (Module candidate : candidates) {
 *         EvaluationResult r = run.evaluate(candidate, devset);   // throws OptimizationStopped
 *         run.trial("candidate 1", OptimizerRun.describe(candidate), r.score(), candidate);
 *     }
 * } catch (OptimizationStopped stopped) {
 *     run.stopped(stopped);
 * }
 * return run.finish(student);
 * }</pre>
 *
 * <p>The trial log is JSON: {@code {"optimizer", "budget", "status", "metric_calls", "lm_calls",
 * "cached_lm_calls", "prompt_tokens", "completion_tokens", "best_trial", "best_score", "trials": [{"trial",
 * "label", "candidate", "score", "examples", "lm_calls", "cached_lm_calls", "prompt_tokens",
 * "completion_tokens", "best_so_far"}]}}; status is {@code running}, {@code finished}, {@code stopped},
 * {@code interrupted}, {@code budget} or {@code failed} (an LM, metric or program threw out of the
 * run; the exception's text is in {@code "error"} and the exception goes on to the caller). The file
 * is replaced whole (written beside it, then moved over it), so a reader never sees half of it.
 */
public final class OptimizerRun {
    private static final Logger LOG = LoggerFactory.getLogger(OptimizerRun.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final String optimizer;
    private final Metric metric;
    private final RunSettings settings;
    private final List<Trial> trials = new ArrayList<>();
    private long metricCalls;
    private long metricCallsAtLastTrial;
    private Cost total = Cost.ZERO;
    private Cost pending = Cost.ZERO;
    private int tracingDepth;
    private double bestScore = Double.NEGATIVE_INFINITY;
    private Module best;
    private Trial bestTrial;
    private String status = "running";
    private String error;

    private OptimizerRun(String optimizer, Metric metric, RunSettings settings) {
        this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
        this.metric = Objects.requireNonNull(metric, "metric");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /**
     * Starts the book-keeping for one {@code compile}.
     *
     * @param optimizer the optimizer's name, in the trial log, progress and log lines
     * @param metric scores each candidate's predictions
     * @param settings budget, threads, listener, trial log and stop signal
     * @return the run, status {@code running}; nothing is written before the first trial
     */
    public static OptimizerRun start(String optimizer, Metric metric, RunSettings settings) {
        return new OptimizerRun(optimizer, metric, settings);
    }

    /** {@return the settings the run was started with} */
    public RunSettings settings() {
        return settings;
    }

    /** {@return the run's spending limit} */
    public Budget budget() {
        return settings.budget();
    }

    /**
     * Throws {@link OptimizationStopped} if the run must end: the stop signal was given, the thread
     * was interrupted, or the trial limit is reached.
     *
     * @throws OptimizationStopped with reason {@code stopped}, {@code interrupted} or {@code budget}
     */
    public void checkStop() {
        if (settings.stop() != null && settings.stop().isStopped()) throw new OptimizationStopped("stopped");
        if (Thread.currentThread().isInterrupted()) throw new OptimizationStopped("interrupted");
        Integer maxTrials = budget().maxTrials();
        if (maxTrials != null && trials.size() >= maxTrials) throw new OptimizationStopped("budget");
    }

    /** {@return the metric calls left (0 or more), or {@link Long#MAX_VALUE} without a limit} */
    public long remainingMetricCalls() {
        Integer max = budget().maxMetricCalls();
        return max == null ? Long.MAX_VALUE : Math.max(0, max - metricCalls);
    }

    /**
     * Whether more metric calls fit in the budget.
     *
     * @param n the calls wanted
     * @return true if {@code n} more fit
     */
    public boolean canAfford(long n) {
        return n <= remainingMetricCalls();
    }

    /** {@return the metric calls so far (examples scored)} */
    public long metricCalls() {
        return metricCalls;
    }

    /** {@return the LM calls and tokens so far: the recorded trials' and the work since the last one} */
    public Cost cost() {
        return total.plus(pending);
    }

    /**
     * Scores {@code program} on {@code examples} (the metric gets each run's trace), counting
     * {@code examples.size()} metric calls and the LM calls made (the metric's own included).
     *
     * @param program the candidate; not changed
     * @param examples the examples to score it on
     * @return the evaluation; a failed example scores 0
     * @throws OptimizationStopped if the run must stop, or the examples do not fit in the metric-call budget
     * @throws IllegalArgumentException if an example has no input keys marked (checked before anything
     *     runs; the trial log is not marked {@code failed})
     * @throws RuntimeException anything else thrown out of the evaluation (a failing example only
     *     scores 0); the run is then marked {@code failed} in the trial log
     */
    public EvaluationResult evaluate(Module program, List<Example> examples) {
        checkStop();
        if (!canAfford(examples.size())) throw new OptimizationStopped("budget");
        Evaluate evaluate =
                Evaluate.builder(examples, metric).threads(settings.threads()).build();
        EvaluationResult result = traced(() -> evaluate.run(program));
        metricCalls += examples.size();
        return result;
    }

    /**
     * Runs other LM work of the optimizer (bootstrapping, proposing instructions) and counts its LM
     * calls. Nested calls count once.
     *
     * @param <T> the body's result type
     * @param body the work
     * @return what {@code body} returned
     * @throws OptimizationStopped if the run must stop before the work (or threads of the work were
     *     stopped by an interrupt of this thread)
     * @throws RuntimeException what the body threw; the run is then marked {@code failed} in the trial log
     */
    public <T> T traced(Supplier<T> body) {
        checkStop();
        tracingDepth++;
        Trace.Traced<T> t;
        try {
            t = Trace.capture(body);
        } catch (OptimizationStopped e) {
            throw e;
        } catch (RuntimeException e) {
            // threads stopped by an interrupt of this thread end the run as a stop, not a failure
            if (e instanceof ParallelException && Thread.currentThread().isInterrupted()) {
                throw new OptimizationStopped("interrupted");
            }
            throw failed(e);
        } finally {
            tracingDepth--;
        }
        if (tracingDepth == 0) pending = pending.plus(Cost.of(t.steps()));
        return t.value();
    }

    /**
     * Records a scored candidate: its cost is everything counted since the previous trial. A score
     * strictly above the best so far makes {@code program} the best (ties keep the earlier one).
     * Reports progress to the listener and rewrites the trial log.
     *
     * @param label a short name for the candidate, e.g. {@code bootstrap seed 3}
     * @param candidate a JSON-safe description, e.g. {@link #describe(Module)}
     * @param score its score on the full validation set (the built-in optimizers use
     *     {@link EvaluationResult#score()}, a percentage)
     * @param program the candidate program
     * @return the recorded trial
     * @throws UncheckedIOException if the trial log cannot be written
     */
    public Trial trial(String label, Map<String, Object> candidate, double score, Module program) {
        return record(label, candidate, score, program, true);
    }

    private Trial record(String label, Map<String, Object> candidate, double score, Module program, boolean eligible) {
        Trial t = new Trial(
                trials.size() + 1,
                label,
                candidate,
                score,
                (int) (metricCalls - metricCallsAtLastTrial),
                pending,
                eligible ? Math.max(score, bestScore) : bestScore);
        trials.add(t);
        total = total.plus(pending);
        pending = Cost.ZERO;
        metricCallsAtLastTrial = metricCalls;
        if (eligible && score > bestScore) {
            bestScore = score;
            best = program;
            bestTrial = t;
        }
        if (settings.listener() != null) {
            try {
                settings.listener()
                        .onTrial(new OptimizerProgress(
                                optimizer,
                                trials.size(),
                                budget().maxTrials(),
                                metricCalls,
                                budget().maxMetricCalls(),
                                bestScore,
                                t,
                                total));
            } catch (RuntimeException e) {
                LOG.warn("{}: progress listener failed: {}", optimizer, e.toString());
            }
        }
        writeLog();
        return t;
    }

    /**
     * Records a candidate scored on part of the examples (a minibatch): it is logged and reported like
     * any trial, but never becomes the best program, whose score must come from the full set.
     *
     * @param label a short name for the candidate
     * @param candidate a JSON-safe description
     * @param score its score on the minibatch
     * @return the recorded trial
     * @throws UncheckedIOException if the trial log cannot be written
     */
    public Trial minibatchTrial(String label, Map<String, Object> candidate, double score) {
        return record(label, candidate, score, null, false);
    }

    /**
     * Marks the run failed (status {@code failed}, the error in {@code "error"}) and writes the log, so a
     * run that ends with an exception from an LM, a metric or a program does not leave a log that says
     * {@code running}; returns {@code e} for the caller to rethrow. Only the first failure is recorded.
     */
    private RuntimeException failed(RuntimeException e) {
        if (!status.equals("failed")) {
            status = "failed";
            error = e.toString();
            LOG.warn("{}: failed after {} trials: {}", optimizer, trials.size(), error);
            try {
                writeLog();
            } catch (UncheckedIOException logError) {
                e.addSuppressed(logError);
            }
        }
        return e;
    }

    /**
     * Notes that the run ended early; {@link #finish} then returns the best so far.
     *
     * @param s the signal caught; its reason becomes the run's status
     */
    public void stopped(OptimizationStopped s) {
        status = s.reason();
        LOG.info("{}: {} after {} trials", optimizer, s.getMessage(), trials.size());
    }

    /** {@return the trials recorded so far, in order (a copy)} */
    public List<Trial> trials() {
        return List.copyOf(trials);
    }

    /** {@return the best program so far, or null before the first full trial} */
    public Module best() {
        return best;
    }

    /** {@return the best score so far ({@code -Infinity} before the first full trial)} */
    public double bestScore() {
        return bestScore;
    }

    /**
     * Ends the run (status {@code finished} unless it stopped early) and writes the log.
     *
     * @param fallback returned when no full trial was recorded
     * @return the best program, or {@code fallback}
     * @throws UncheckedIOException if the trial log cannot be written
     */
    public Module finish(Module fallback) {
        if (status.equals("running")) status = "finished";
        total = total.plus(pending);
        pending = Cost.ZERO;
        writeLog();
        return best != null ? best : fallback;
    }

    /**
     * A JSON-safe description of a program's learned parts: per predictor, its instructions and its
     * number of demos.
     *
     * @param program the program
     * @return by predictor name: {@code {"instructions": text, "demos": count}}
     */
    public static Map<String, Object> describe(Module program) {
        Map<String, Object> out = new LinkedHashMap<>();
        program.predictors().forEach((name, p) -> {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("instructions", p.signature().instructions());
            d.put("demos", p.demos().size());
            out.put(name, d);
        });
        return out;
    }

    private void writeLog() {
        Path file = settings.trialLog();
        if (file == null) return;
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("optimizer", optimizer);
        Map<String, Object> budget = new LinkedHashMap<>();
        budget.put("max_metric_calls", budget().maxMetricCalls());
        budget.put("max_trials", budget().maxTrials());
        budget.put(
                "auto", budget().auto() == null ? null : budget().auto().name().toLowerCase(java.util.Locale.ROOT));
        doc.put("budget", budget);
        doc.put("status", status);
        if (error != null) doc.put("error", error);
        doc.put("metric_calls", metricCalls);
        putCost(doc, total.plus(pending));
        doc.put("best_trial", bestTrial == null ? null : bestTrial.number());
        doc.put("best_score", bestTrial == null ? null : bestScore);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Trial t : trials) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("trial", t.number());
            r.put("label", t.label());
            r.put("candidate", t.candidate());
            r.put("score", t.score());
            r.put("examples", t.examples());
            putCost(r, t.cost());
            r.put("best_so_far", t.bestSoFar());
            rows.add(r);
        }
        doc.put("trials", rows);
        try {
            Path abs = file.toAbsolutePath();
            Path tmp = abs.resolveSibling(abs.getFileName() + ".tmp");
            JSON.writeValue(tmp.toFile(), doc);
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the trial log " + file + ": " + e.getMessage(), e);
        }
    }

    private static void putCost(Map<String, Object> m, Cost c) {
        m.put("lm_calls", c.lmCalls());
        m.put("cached_lm_calls", c.cachedCalls());
        m.put("prompt_tokens", c.promptTokens());
        m.put("completion_tokens", c.completionTokens());
    }
}
