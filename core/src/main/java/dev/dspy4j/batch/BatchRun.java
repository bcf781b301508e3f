package dev.dspy4j.batch;

import dev.dspy4j.adapter.AdapterParseException;
import dev.dspy4j.lm.AbstractLanguageModel;
import dev.dspy4j.lm.LanguageModel;
import dev.dspy4j.lm.LmException;
import dev.dspy4j.lm.UnsupportedInputException;
import dev.dspy4j.lm.Usage;
import dev.dspy4j.lm.batch.BatchClient;
import dev.dspy4j.lm.batch.BatchStatus;
import dev.dspy4j.lm.batch.Batchable;
import dev.dspy4j.media.PayloadException;
import dev.dspy4j.module.Module;
import dev.dspy4j.module.Prediction;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

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

    /** One input row: an id of the caller's choosing (an index, a line number) and its input values. */
    public record Input(long id, Map<String, ?> values) {
        public Input {
            Objects.requireNonNull(values, "values");
        }
    }

    /**
     * One row's outcome: a prediction, or an error and its type as {@code dspy4j run} reports it:
     * {@code input} (a payload or input the provider cannot take), {@code parse} (the answer could not be
     * parsed), {@code lm} (the batch failed the request), {@code error} (anything else).
     */
    public record Row(long id, Prediction prediction, String error, String errorType) {
        public boolean ok() {
            return prediction != null;
        }
    }

    /** Told how the run goes; every method has an empty default. Called from the running thread. */
    public interface Listener {
        /** A capture pass found {@code requests} requests the cache lacks, over {@code rows} rows. */
        default void captured(int rows, int requests) {}

        /** A batch was created (and saved in the state file). */
        default void created(String provider, BatchStatus status) {}

        /** A batch from the state file is polled again instead of sending its rows again. */
        default void resumed(String provider, BatchStatus status) {}

        /** A poll's answer, {@code elapsed} since polling this batch began. */
        default void polled(BatchStatus status, Duration elapsed) {}

        /** A poll failed in a way worth trying again (connection, 429, 5xx); polling goes on. */
        default void pollFailed(String batchId, LmException e) {}

        /** A batch's results were stored: {@code stored} answers, {@code failed} failed requests. */
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

    public static Builder builder() {
        return new Builder();
    }

    /** {@link #fill}, then each row served from the answers (no provider call), then {@link Filled#finish()}. */
    public List<Row> run(Module program, List<? extends Map<String, ?>> rows) {
        List<Input> inputs = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) inputs.add(new Input(i, rows.get(i)));
        Filled filled = fill(program, inputs);
        Module serving = filled.serving(program);
        List<Row> out = forEachRow(inputs, in -> outcome(serving, in));
        filled.finish();
        return out;
    }

    /**
     * Gets every answer the rows need into the response cache through batches (resuming the state
     * file's unfinished batches first), polling each batch until it ends.
     *
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
        for (int round = 0; ; ) {
            ledger.pending.clear();
            forEachRow(rows, in -> {
                try {
                    wrap(program, clients, ledger, BatchLm.Mode.CAPTURE, in.id())
                            .call(in.values());
                } catch (RuntimeException e) {
                    // stopped at a request the batch must answer (Pending), or failed: the serve pass says how
                }
                return null;
            });
            listener.captured(rows.size(), ledger.pending.size());
            List<BatchState.Entry> open = state.unapplied();
            if (!open.isEmpty()) {
                for (BatchState.Entry e : open) batches.resume(e, clientFor(e, clients));
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
     * @return each batch's status after the request, empty if the state has no unfinished batch
     * @throws IllegalStateException without a state file
     */
    public List<BatchStatus> cancel(Module program) {
        if (stateFile == null) throw new IllegalStateException("cancel needs the state file that records the batches");
        BatchState state = BatchState.load(stateFile);
        IdentityHashMap<AbstractLanguageModel, BatchClient> clients = new IdentityHashMap<>();
        wrap(program, clients, new Ledger(), BatchLm.Mode.CAPTURE, -1);
        List<BatchStatus> out = new ArrayList<>();
        for (BatchState.Entry e : state.unapplied())
            out.add(clientFor(e, clients).cancel(e.id));
        return out;
    }

    private static BatchClient clientFor(BatchState.Entry e, Map<AbstractLanguageModel, BatchClient> clients) {
        for (BatchClient c : clients.values()) {
            if (c.provider().equals(e.provider)
                    && c.account().equals(e.account)
                    && c.model().equals(e.model)) return c;
        }
        throw new IllegalArgumentException("the batch state records batch " + e.id + " of " + e.where()
                + ", but this run's LM" + (clients.isEmpty() ? " is not set" : clients.size() == 1 ? " is " : "s are ")
                + clients.values().stream()
                        .map(c -> c.provider() + " at " + c.account() + " (model " + c.model() + ")")
                        .toList()
                + ": run with the same LM and base URL to resume it, or delete the state file to start over (the batch"
                + " keeps running at the provider until it ends)");
    }

    /** {@code program} with each predictor's LM behind a {@link BatchLm}. */
    static Module wrap(
            Module program,
            Map<AbstractLanguageModel, BatchClient> clients,
            Ledger ledger,
            BatchLm.Mode mode,
            long row) {
        return program.mapPredictors(p -> {
            LanguageModel lm = p.lm();
            if (lm == null) return p;
            if (lm instanceof BatchLm)
                throw new IllegalArgumentException("the program is already set up for a batch run");
            if (!(lm instanceof AbstractLanguageModel a) || !(lm instanceof Batchable b)) {
                throw new IllegalArgumentException(
                        "LM " + lm + " has no batch API: batch runs take OpenAiChat, OpenAiResponses or AnthropicChat");
            }
            BatchClient client;
            synchronized (clients) {
                client = clients.computeIfAbsent(a, k -> b.batchClient());
            }
            return p.withLm(new BatchLm(a, client, ledger, mode, row));
        });
    }

    private <T> List<T> forEachRow(List<Input> rows, java.util.function.Function<Input, T> fn) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(threads, rows.size())), r -> {
            Thread t = new Thread(r, "dspy4j-batch-run");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<T>> futures = new ArrayList<>(rows.size());
            for (Input in : rows) futures.add(pool.submit(() -> fn.apply(in)));
            List<T> out = new ArrayList<>(rows.size());
            for (Future<T> f : futures) out.add(f.get());
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LmException("interrupted while running the rows", 0, e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private static Row outcome(Module serving, Input in) {
        try {
            return new Row(in.id(), serving.call(in.values()), null, null);
        } catch (PayloadException | UnsupportedInputException e) {
            return new Row(in.id(), null, e.getMessage(), "input");
        } catch (AdapterParseException e) {
            return new Row(in.id(), null, e.getMessage(), "parse");
        } catch (LmException e) {
            return new Row(in.id(), null, e.getMessage(), "lm");
        } catch (RuntimeException e) {
            return new Row(in.id(), null, e.getMessage() == null ? e.toString() : e.getMessage(), "error");
        }
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
         */
        public Module serving(Module program) {
            return wrap(program, clients, ledger, BatchLm.Mode.SERVE, -1);
        }

        /** The batches polled to their end by this fill (created or resumed), in order. */
        public synchronized List<BatchStatus> batches() {
            return List.copyOf(batches);
        }

        /** Tokens the batch answers used (as the provider reported them; billed at its batch price). */
        public synchronized Usage usage() {
            return usage;
        }

        /** Requests a batch failed, by custom id, with the error their rows get. */
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

        /** Where the batch ids are kept so an interrupted run resumes (default: none, nothing to resume). */
        public Builder state(Path file) {
            this.stateFile = file;
            return this;
        }

        /** The wait between two polls of a running batch (default 30 s). */
        public Builder pollInterval(Duration d) {
            Objects.requireNonNull(d, "pollInterval");
            if (d.isNegative()) throw new IllegalArgumentException("pollInterval must not be negative, not " + d);
            this.pollInterval = d;
            return this;
        }

        public Builder listener(Listener l) {
            this.listener = Objects.requireNonNull(l, "listener");
            return this;
        }

        /** The most batches made one after another for programs whose later calls depend on answers (default 4). */
        public Builder maxRounds(int n) {
            if (n < 1) throw new IllegalArgumentException("maxRounds must be at least 1, not " + n);
            this.maxRounds = n;
            return this;
        }

        /** Rows run at once in the capture and serve passes (default 4; nothing is sent in them). */
        public Builder threads(int n) {
            if (n < 1) throw new IllegalArgumentException("threads must be at least 1, not " + n);
            this.threads = n;
            return this;
        }

        /** Sends requests an earlier batch of this state failed again, instead of reporting that failure. */
        public Builder retryFailed(boolean on) {
            this.retryFailed = on;
            return this;
        }

        /** Failed polls in a row (connection, 429, 5xx) after which polling gives up (default 20). */
        public Builder maxPollFailures(int n) {
            if (n < 1) throw new IllegalArgumentException("maxPollFailures must be at least 1, not " + n);
            this.maxPollFailures = n;
            return this;
        }

        public BatchRun build() {
            return new BatchRun(this);
        }
    }
}
