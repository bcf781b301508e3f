package dev.dspy4j.batch;

import dev.dspy4j.lm.AbstractLanguageModel;
import dev.dspy4j.lm.CacheKey;
import dev.dspy4j.lm.LanguageModel;
import dev.dspy4j.lm.LmException;
import dev.dspy4j.lm.LmHistory;
import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.lm.LmResponse;
import dev.dspy4j.lm.ResponseCache;
import dev.dspy4j.lm.batch.BatchClient;

/**
 * The LM a row runs with during a batch run, in front of the program's own LM ({@code target}): a
 * request the cache (or this run's batch answers) holds is answered as usual; one a batch failed
 * throws that failure; any other is, in a {@link Mode#CAPTURE capture} pass, noted for the next
 * batch (and the row stopped with {@link Pending}), and in a {@link Mode#SERVE serve} pass refused, so
 * serving never calls the provider. The request is prepared and keyed by {@code target} itself, so its
 * key is the one a live call uses.
 */
final class BatchLm implements LanguageModel {

    enum Mode {
        CAPTURE,
        SERVE
    }

    /** Stops a row in a capture pass at its first request that needs the batch. */
    static final class Pending extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Pending() {
            super("this request waits for the batch", null, false, false);
        }
    }

    private final AbstractLanguageModel target;
    private final BatchClient client;
    private final Ledger ledger;
    private final Mode mode;
    private final long row;

    BatchLm(AbstractLanguageModel target, BatchClient client, Ledger ledger, Mode mode, long row) {
        this.target = target;
        this.client = client;
        this.ledger = ledger;
        this.mode = mode;
        this.row = row;
    }

    @Override
    public String model() {
        return target.model();
    }

    @Override
    public LmResponse complete(LmRequest request) {
        LmRequest full = target.prepare(request);
        client.check(full); // refused as a live call would be, before anything else
        CacheKey key = target.cacheKey(request);
        String failed = ledger.errors.get(Ledger.customId(key));
        if (failed != null) throw new LmException(failed, 0, null, null);
        ResponseCache cache = target.cache();
        if (cache != null && full.cache() && cache.get(key) != null) return target.complete(request);
        LmResponse answered = ledger.answers.get(key);
        if (answered != null) return answered;
        if (mode == Mode.CAPTURE) {
            ledger.pend(key, full, target, client, row);
            throw new Pending();
        }
        throw new LmException(
                target.model() + ": no batch answered this request (it was first needed after the last"
                        + " batch round); run again to send it in a new batch",
                0,
                null,
                null);
    }

    @Override
    public boolean supportsStructuredOutputs() {
        return target.supportsStructuredOutputs();
    }

    @Override
    public boolean supportsNativeTools() {
        return target.supportsNativeTools();
    }

    @Override
    public LmHistory history() {
        return target.history();
    }

    @Override
    public String toString() {
        return "BatchLm[" + mode + ", " + target + "]";
    }
}
