package dev.dspy4j.batch;

import dev.dspy4j.lm.AbstractLanguageModel;
import dev.dspy4j.lm.CacheKey;
import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.lm.LmResponse;
import dev.dspy4j.lm.batch.BatchClient;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * What one batch run knows about requests, shared by the {@link BatchLm}s of all rows: the requests
 * the current pass found missing from the cache (by key, each once however many rows need it), the
 * answers a batch returned (also put in the cache, which serves them; kept here for requests the cache
 * may not hold), and the requests a batch failed, by custom id.
 */
final class Ledger {

    /** A request the cache does not answer yet. */
    record Pending(
            CacheKey key,
            String customId,
            LmRequest request,
            AbstractLanguageModel target,
            BatchClient client,
            Set<Long> rows) {}

    final Map<CacheKey, Pending> pending = new ConcurrentHashMap<>();
    final Map<CacheKey, LmResponse> answers = new ConcurrentHashMap<>();
    final Map<String, String> errors = new ConcurrentHashMap<>();

    /** The custom id of a request: the first 40 hex digits (160 bits) of its cache key. */
    static String customId(CacheKey key) {
        return key.hex().substring(0, 40);
    }

    void pend(CacheKey key, LmRequest request, AbstractLanguageModel target, BatchClient client, long row) {
        pending.computeIfAbsent(
                        key, k -> new Pending(k, customId(k), request, target, client, new ConcurrentSkipListSet<>()))
                .rows()
                .add(row);
    }
}
