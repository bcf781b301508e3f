package dev.dspy4j.lm.batch;

import dev.dspy4j.lm.LmException;
import dev.dspy4j.lm.LmRequest;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A provider's batch API for one LM client: the requests are written by that client's codec, so a
 * batch answer equals a live one and may be cached under the same key. Thread-safe.
 *
 * <p>All methods throw {@link LmException} (or a subclass: authentication, rate limit, server error)
 * when the provider refuses or cannot be reached; messages never contain the API key.
 */
public interface BatchClient {

    /** {@return the provider: {@code anthropic} or {@code openai}} */
    String provider();

    /**
     * {@return where batches live: the client's base URL as {@link dev.dspy4j.lm.upload.Uploads#account}
     * gives it (no credentials, no query)} Saved with a batch's state, so a resumed run polls the same account.
     */
    String account();

    /** {@return the model every request is sent to} */
    String model();

    /**
     * Checks a request against the provider's request rules, as a live call does before sending.
     *
     * @param request the request
     * @throws dev.dspy4j.lm.UnsupportedInputException for a request the provider cannot take
     */
    void check(LmRequest request);

    /**
     * Creates a batch of {@code requests} (custom ids unique), streaming their bodies to the provider.
     *
     * @param requests the requests, at least one
     * @return the new batch's status
     * @throws IllegalArgumentException for an empty list, a duplicate custom id, or a request the
     *                                  provider's request rules refuse (as a live call would)
     */
    BatchStatus create(List<BatchRequest> requests);

    /**
     * What every {@link #create} does before it writes a body: refuses an empty list or a custom id given
     * twice, {@link #check checks} each request and runs {@code beforeSending} on it (the client's upload
     * step, so that with uploads on the body refers to payloads by file id).
     *
     * @param requests the batch's requests
     * @param client the batch client, whose {@link #check} runs on each
     * @param beforeSending runs on each request after its check
     * @throws IllegalArgumentException as {@link #create} documents
     */
    static void checkAll(List<BatchRequest> requests, BatchClient client, Consumer<LmRequest> beforeSending) {
        if (requests.isEmpty()) throw new IllegalArgumentException("a batch needs at least one request");
        Set<String> ids = new HashSet<>();
        for (BatchRequest r : requests) {
            if (!ids.add(r.customId()))
                throw new IllegalArgumentException("custom id '" + r.customId() + "' is given twice");
            client.check(r.request());
            beforeSending.accept(r.request());
        }
    }

    /**
     * {@return the batch's current status}
     *
     * @param batchId the provider's batch id
     * @throws LmException with status 404 for an unknown id
     */
    BatchStatus retrieve(String batchId);

    /**
     * Reads the results of an ended batch, passing each to {@code sink} as it is read (the results are
     * streamed, not held). {@code requests} gives the request sent under a custom id (to parse its
     * answer), or null for an id this caller does not know, whose result is skipped.
     *
     * @param ended the batch's status once {@link BatchStatus.Phase#ENDED}
     * @param requests the request sent under a custom id, or null
     * @param sink receives each result as it is read
     */
    void results(BatchStatus ended, Function<String, LmRequest> requests, Consumer<BatchResult> sink);

    /**
     * Asks the provider to cancel the batch; requests already answered keep their results.
     *
     * @param batchId the provider's batch id
     * @return the status after the request (usually still running while it cancels)
     */
    BatchStatus cancel(String batchId);
}
