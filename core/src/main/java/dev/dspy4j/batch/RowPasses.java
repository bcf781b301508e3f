package dev.dspy4j.batch;

import dev.dspy4j.adapter.AdapterParseException;
import dev.dspy4j.batch.BatchRun.Input;
import dev.dspy4j.batch.BatchRun.Row;
import dev.dspy4j.lm.AbstractLanguageModel;
import dev.dspy4j.lm.LanguageModel;
import dev.dspy4j.lm.LmException;
import dev.dspy4j.lm.UnsupportedInputException;
import dev.dspy4j.lm.batch.BatchClient;
import dev.dspy4j.lm.batch.Batchable;
import dev.dspy4j.media.PayloadException;
import dev.dspy4j.module.Module;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * The passes of a {@link BatchRun} over its rows, each row run by the program with every predictor's
 * LM behind a {@link BatchLm} ({@link #wrap}), a few rows at once: the <em>capture</em> pass, which
 * notes the requests the cache lacks, and the <em>serve</em> pass, which answers every row from the
 * cache and the batches. Neither pass sends anything to the provider.
 */
final class RowPasses {
    private final int threads;

    /** @param threads the most rows run at once, at least 1 */
    RowPasses(int threads) {
        this.threads = threads;
    }

    /** Runs every row in {@link BatchLm.Mode#CAPTURE capture} mode: what the cache lacks goes to {@code ledger}. */
    void capture(Module program, List<Input> rows, Map<AbstractLanguageModel, BatchClient> clients, Ledger ledger) {
        forEachRow(rows, in -> {
            try {
                wrap(program, clients, ledger, BatchLm.Mode.CAPTURE, in.id()).call(in.values());
            } catch (RuntimeException e) {
                // stopped at a request the batch must answer (Pending), or failed: the serve pass says how
            }
            return null;
        });
    }

    /** Runs every row with {@code serving} (see {@link BatchRun.Filled#serving}); one outcome per row, in order. */
    List<Row> serve(Module serving, List<Input> rows) {
        return forEachRow(rows, in -> outcome(serving, in));
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

    /** {@code fn} applied to every row, {@link #threads} at once; its first exception is rethrown. */
    private <T> List<T> forEachRow(List<Input> rows, Function<Input, T> fn) {
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

    /** The row's outcome, its error typed as {@code dspy4j run} reports it. */
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
}
