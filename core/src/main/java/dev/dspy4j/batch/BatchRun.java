package dev.dspy4j.batch;

import dev.dspy4j.lm.AbstractLanguageModel;
import dev.dspy4j.lm.LmException;
import dev.dspy4j.lm.Usage;
import dev.dspy4j.lm.batch.BatchClient;
import dev.dspy4j.lm.batch.BatchStatus;
import dev.dspy4j.lm.batch.Batchable;
import dev.dspy4j.module.Module;
import dev.dspy4j.module.Prediction;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Runs a program over rows through the provider's batch API (OpenAI Batch, Anthropic Message
 * Batches: about half the price of live calls, answers within 24 hours) instead of one live call per
 * request.
 *
 * <pre>{@code
 * var lm = AnthropicChat.builder().model("claude-haiku-4-5").apiKeyFromEnv().build();
 * List<BatchRun.Row> rows = BatchRun.builder().state(Path.of("answers.batch.json")).build()
 *         .run(Predict.of("question -> answer").withLm(lm), questions);
 * }</pre>
 *
 * <p>How: each row is run with an LM that answers from the response cache and, for a request the
 * cache does not hold, notes it and stops the row (a <em>capture</em> pass; nothing is sent). The
 * noted requests, each once however many rows share it, are prepared, keyed and written by the
 * program's own LM and its provider codec, exactly as a live call would be, and sent as one batch per
 * LM. Each answer is stored in the LM's response cache under the live call's key, so a rerun or a
 * plain run of the same rows is served from the cache. A program that makes a second call after
 * reading the first answer (a fallback adapter, ReAct) needs another round: passes repeat until no
 * row needs a request (at most {@link Builder#maxRounds}). A last <em>serve</em> pass runs each row
 * from the answers without calling the provider; a request a batch failed fails its row with that
 * error (error type {@code lm}), as in a live run.
 *
 * <p>With a {@link Builder#state state file}, each batch's id, provider, base URL (never the key),
 * model and custom-id-to-row map is saved as soon as it is created, so a run interrupted while polling
 * resumes by polling the same batch instead of sending the rows again. The file is deleted by
 * {@link Filled#finish()} (which {@link #run} calls at the end).
 *
 * <p>Needs an {@link AbstractLanguageModel} whose provider has a batch API ({@link Batchable}: {@code OpenAiChat},
 * {@code OpenAiResponses}, {@code AnthropicChat}). Modules that catch failures and try again (BestOfN, Refine) may have every
 * attempt's request sent in the batch, since a capture pass cannot see an attempt succeed.
 */
public final class BatchRun {

    /**
     * One input row.
     *
     * @param id     an id of the caller's choosing (an index, a line number), echoed in its {@link Row}
     * @param values the program's inputs by field name
     */
    public record Input(long id, Map<String, ?> values) {
        /**
         * Checks that there are values.
         *
         * @param id     the row's id
         * @param values the inputs, not null
         */
        public Input {
            Objects.requireNonNull(values, "values");
        }
    }

    /**
     * One row's outcome: a prediction, or an error and its type as {@code dspy4j run} reports it:
     * {@code input} (a payload or input the provider cannot take), {@code parse} (the answer could not be
     * parsed), {@code lm} (the batch failed the request), {@code error} (anything else).
     *
     * @param id         the input row's id
     * @param prediction the program's output, or null if the row failed
     * @param error      the failure's message, or null
     * @param errorType  {@code input}, {@code parse}, {@code lm} or {@code error}, or null
     */
    public record Row(long id, Prediction prediction, String error, String errorType) {
        /** {@return true if the row has a prediction} */
        public boolean ok() {
            return prediction != null;
        }
    }

    /** Told how the run goes; every method has an empty default. Called from the running thread. */
    public interface Listener {
        /**
         * A capture pass ended.
         *
         * @param rows     the rows run
         * @param requests the distinct requests the cache lacks (0: no batch needed)
         */
        default void captured(int rows, int requests) {}

        /**
         * A batch was created (and saved in the state file).
         *
         * @param provider the provider, as the state file records it
         * @param status   the batch's first status
         */
        default void created(String provider, BatchStatus status) {}

        /**
         * A batch from the state file is polled again instead of sending its rows again.
         *
         * @param provider the provider
         * @param status   the batch as recorded
         */
        default void resumed(String provider, BatchStatus status) {}

        /**
         * A poll was answered.
         *
         * @param status  the batch's status
         * @param elapsed the time since polling this batch began
         */
        default void polled(BatchStatus status, Duration elapsed) {}

        /**
         * A poll failed in a way worth trying again (connection, 429, 5xx); polling goes on.
         *
         * @param batchId the batch
         * @param e       the failure
         */
        default void pollFailed(String batchId, LmException e) {}

        /**
         * A batch's results were stored in the response cache.
         *
         * @param status the batch's final status
         * @param stored the answers stored
         * @param failed the requests the batch failed
         */
        default void applied(BatchStatus status, int stored, int failed) {}
    }

    private final Path stateFile;
    private final Duration pollInterval;
    private final Listener listener;
    private final int maxRounds;
    private final int threads;
    private final boolean retryFailed;
    private final int maxPollFailures;

    private BatchRun(Builder b) {
        this.stateFile = b.stateFile;
        this.pollInterval = b.pollInterval;
        this.listener = b.listener;
        this.maxRounds = b.maxRounds;
        this.threads = b.threads;
        this.retryFailed = b.retryFailed;
        this.maxPollFailures = b.maxPollFailures;
    }

    /** {@return a builder with the defaults (no state file, 30 s polls, 4 rounds, 4 threads)} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * {@link #fill}, then each row served from the answers (no provider call), then {@link Filled#finish()}.
     *
     * @param program the program; each predictor's LM must have a batch API
     * @param rows    the input rows; a row's id is its index
     * @return one outcome per row, in order
     * @throws IllegalArgumentException as {@link #fill}
     * @throws LmException              as {@link #fill}
     */
    public List<Row> run(Module program, List<? extends Map<String, ?>> rows) {
        List<Input> inputs = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) inputs.add(new Input(i, rows.get(i)));
        Filled filled = fill(program, inputs);
        List<Row> out = new RowPasses(threads).serve(filled.serving(program), inputs);
        filled.finish();
        return out;
    }

    /**
     * Gets every answer the rows need into the response cache through batches (resuming the state
     * file's unfinished batches first), polling each batch until it ends.
     *
     * @param program the program; each predictor's LM must have a batch API
     * @param rows    the input rows
     * @return the answers, to serve the rows from
     * @throws IllegalArgumentException if a predictor's LM has no batch API, or the state file names a
     *                                  batch of another provider, base URL or model
     * @throws LmException              if creating or polling a batch fails for good, or polling is interrupted
     *                                  (the batch keeps running; run again to resume it)
     */
    public Filled fill(Module program, List<Input> rows) {
        Objects.requireNonNull(program, "program");
        BatchState state = BatchState.load(stateFile);
        if (retryFailed) state.clearErrors();
        Ledger ledger = new Ledger();
        ledger.errors.putAll(state.errors());
        IdentityHashMap<AbstractLanguageModel, BatchClient> clients = new IdentityHashMap<>();
        Filled filled = new Filled(ledger, clients, state);
        Batches batches = new Batches(ledger, state, listener, pollInterval, maxPollFailures, filled);
        RowPasses passes = new RowPasses(threads);
        for (int round = 0; ; ) {
            ledger.pending.clear();
            passes.capture(program, rows, clients, ledger);
            listener.captured(rows.size(), ledger.pending.size());
            List<BatchState.Entry> open = state.unapplied();
            if (!open.isEmpty()) {
                for (BatchState.Entry e : open) batches.resume(e, e.clientIn(clients.values()));
                continue;
            }
            if (ledger.pending.isEmpty() || round == maxRounds) break;
            round++;
            IdentityHashMap<BatchClient, List<Ledger.Pending>> byClient = new IdentityHashMap<>();
            ledger.pending
                    .values()
                    .forEach(p -> byClient.computeIfAbsent(p.client(), c -> new ArrayList<>())
                            .add(p));
            byClient.forEach(batches::submit);
        }
        return filled;
    }

    /**
     * Asks the provider to cancel the unfinished batches of the state file (requests already answered
     * keep their answers; a later {@link #fill} with the same state polls the batch to its end, stores
     * those answers and fails the canceled requests as {@code canceled}).
     *
     * @param program the program the batches were made for (its LMs make the cancel requests)
     * @return each batch's status after the request, empty if the state has no unfinished batch
     * @throws IllegalStateException without a state file
     */
    public List<BatchStatus> cancel(Module program) {
        if (stateFile == null) throw new IllegalStateException("cancel needs the state file that records the batches");
        BatchState state = BatchState.load(stateFile);
        IdentityHashMap<AbstractLanguageModel, BatchClient> clients = new IdentityHashMap<>();
        RowPasses.wrap(program, clients, new Ledger(), BatchLm.Mode.CAPTURE, -1);
        List<BatchStatus> out = new ArrayList<>();
        for (BatchState.Entry e : state.unapplied())
            out.add(e.clientIn(clients.values()).cancel(e.id));
        return out;
    }

    /** The answers of a {@link #fill}: serve the rows from them, then {@link #finish()}. */
    public static final class Filled {
        private final Ledger ledger;
        private final Map<AbstractLanguageModel, BatchClient> clients;
        private final BatchState state;
        private final List<BatchStatus> batches = new ArrayList<>();
        private Usage usage = Usage.ZERO;

        Filled(Ledger ledger, Map<AbstractLanguageModel, BatchClient> clients, BatchState state) {
            this.ledger = ledger;
            this.clients = clients;
            this.state = state;
        }

        synchronized void add(BatchStatus status, Usage u) {
            batches.add(status);
            usage = usage.plus(u);
        }

        /**
         * {@code program} (the one given to {@link #fill}, or one with the same LMs) answering from the
         * cache and the batches only: a request no batch answered fails its row instead of calling the provider.
         *
         * @param program the program
         * @return a copy whose LMs never call the provider
         */
        public Module serving(Module program) {
            return RowPasses.wrap(program, clients, ledger, BatchLm.Mode.SERVE, -1);
        }

        /** {@return the batches polled to their end by this fill (created or resumed), in order} */
        public synchronized List<BatchStatus> batches() {
            return List.copyOf(batches);
        }

        /** {@return the tokens the batch answers used (as the provider reported them; billed at its batch price)} */
        public synchronized Usage usage() {
            return usage;
        }

        /** {@return the requests a batch failed, by custom id, with the error their rows get} */
        public Map<String, String> failures() {
            return Map.copyOf(ledger.errors);
        }

        /** Deletes the state file: call once every row's outcome is kept. */
        public void finish() {
            state.delete();
        }
    }

    /** Configures a {@link BatchRun}. */
    public static final class Builder {
        private Path stateFile;
        private Duration pollInterval = Duration.ofSeconds(30);
        private Listener listener = new Listener() {};
        private int maxRounds = 4;
        private int threads = 4;
        private boolean retryFailed;
        private int maxPollFailures = 20;

        private Builder() {}

        /**
         * Sets where the batch ids are kept so that an interrupted run resumes.
         *
         * @param file a JSON file, or null for none (the default: nothing to resume)
         * @return this builder
         */
        public Builder state(Path file) {
            this.stateFile = file;
            return this;
        }

        /**
         * Sets the wait between two polls of a running batch.
         *
         * @param d not negative (default 30 s)
         * @return this builder
         */
        public Builder pollInterval(Duration d) {
            Objects.requireNonNull(d, "pollInterval");
            if (d.isNegative()) throw new IllegalArgumentException("pollInterval must not be negative, not " + d);
            this.pollInterval = d;
            return this;
        }

        /**
         * Sets who is told how the run goes.
         *
         * @param l the listener (default: one that ignores everything)
         * @return this builder
         */
        public Builder listener(Listener l) {
            this.listener = Objects.requireNonNull(l, "listener");
            return this;
        }

        /**
         * Sets the most batches made one after another for programs whose later calls depend on answers.
         *
         * @param n at least 1 (default 4)
         * @return this builder
         */
        public Builder maxRounds(int n) {
            if (n < 1) throw new IllegalArgumentException("maxRounds must be at least 1, not " + n);
            this.maxRounds = n;
            return this;
        }

        /**
         * Sets how many rows run at once in the capture and serve passes (nothing is sent in them).
         *
         * @param n at least 1 (default 4)
         * @return this builder
         */
        public Builder threads(int n) {
            if (n < 1) throw new IllegalArgumentException("threads must be at least 1, not " + n);
            this.threads = n;
            return this;
        }

        /**
         * Sets whether requests an earlier batch of this state failed are sent again.
         *
         * @param on true to send them again; false (the default) fails their rows with the recorded error
         * @return this builder
         */
        public Builder retryFailed(boolean on) {
            this.retryFailed = on;
            return this;
        }

        /**
         * Sets how many failed polls in a row (connection, 429, 5xx) make polling give up.
         *
         * @param n at least 1 (default 20)
         * @return this builder
         */
        public Builder maxPollFailures(int n) {
            if (n < 1) throw new IllegalArgumentException("maxPollFailures must be at least 1, not " + n);
            this.maxPollFailures = n;
            return this;
        }

        /** {@return a batch run with these settings} */
        public BatchRun build() {
            return new BatchRun(this);
        }
    }
}
