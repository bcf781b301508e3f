package dev.dspy4j.batch;

import dev.dspy4j.lm.LmException;
import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.lm.LmTimeoutException;
import dev.dspy4j.lm.RateLimitException;
import dev.dspy4j.lm.ResponseCache;
import dev.dspy4j.lm.ServerException;
import dev.dspy4j.lm.Usage;
import dev.dspy4j.lm.batch.BatchClient;
import dev.dspy4j.lm.batch.BatchRequest;
import dev.dspy4j.lm.batch.BatchResult;
import dev.dspy4j.lm.batch.BatchStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates, polls and applies the batches of one {@link BatchRun#fill}. */
final class Batches {
    private static final Logger LOG = LoggerFactory.getLogger(Batches.class);

    private final Ledger ledger;
    private final BatchState state;
    private final BatchRun.Listener listener;
    private final Duration pollInterval;
    private final int maxPollFailures;
    private final BatchRun.Filled filled;

    Batches(
            Ledger ledger,
            BatchState state,
            BatchRun.Listener listener,
            Duration pollInterval,
            int maxPollFailures,
            BatchRun.Filled filled) {
        this.ledger = ledger;
        this.state = state;
        this.listener = listener;
        this.pollInterval = pollInterval;
        this.maxPollFailures = maxPollFailures;
        this.filled = filled;
    }

    /** Sends {@code pending} as one batch, saves its id at once, polls it to its end and stores its answers. */
    void submit(BatchClient client, List<Ledger.Pending> pending) {
        List<BatchRequest> requests = new ArrayList<>(pending.size());
        Map<String, Set<Long>> rows = new LinkedHashMap<>();
        for (Ledger.Pending p : pending) {
            requests.add(new BatchRequest(p.customId(), p.request()));
            rows.put(p.customId(), new TreeSet<>(p.rows()));
        }
        BatchStatus status = client.create(requests);
        BatchState.Entry entry = state.created(client.provider(), client.account(), client.model(), status.id(), rows);
        listener.created(client.provider(), status);
        apply(entry, client, await(client, status, false));
    }

    /** Polls a batch of the state file (created by an earlier, interrupted run) and stores its answers. */
    void resume(BatchState.Entry entry, BatchClient client) {
        BatchStatus status = client.retrieve(entry.id);
        listener.resumed(client.provider(), status);
        apply(entry, client, await(client, status, true));
    }

    private BatchStatus await(BatchClient client, BatchStatus status, boolean polledNow) {
        long t0 = System.nanoTime();
        if (polledNow) listener.polled(status, Duration.ZERO);
        int failures = 0;
        while (status.phase() == BatchStatus.Phase.RUNNING) {
            try {
                Thread.sleep(pollInterval.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LmException(
                        "interrupted while polling batch " + status.id() + "; it keeps running at " + client.provider()
                                + ": run again with the same state to resume polling it",
                        0,
                        e);
            }
            try {
                status = client.retrieve(status.id());
                failures = 0;
                listener.polled(status, Duration.ofNanos(System.nanoTime() - t0));
            } catch (ServerException | RateLimitException | LmTimeoutException e) {
                if (++failures >= maxPollFailures) throw e;
                listener.pollFailed(status.id(), e);
            }
        }
        return status;
    }

    private void apply(BatchState.Entry entry, BatchClient client, BatchStatus status) {
        Map<String, Ledger.Pending> byId = new HashMap<>();
        ledger.pending.values().forEach(p -> {
            if (p.client() == client) byId.put(p.customId(), p);
        });
        Map<String, String> failures = new LinkedHashMap<>();
        AtomicInteger stored = new AtomicInteger();
        AtomicReference<Usage> usage = new AtomicReference<>(Usage.ZERO);
        if (status.phase() == BatchStatus.Phase.FAILED) {
            String why = "batch " + status.id() + " failed as a whole (" + status.status() + ")"
                    + (status.detail() == null ? "" : ": " + status.detail());
            entry.requests.keySet().forEach(cid -> failures.put(cid, why));
        } else {
            client.results(
                    status,
                    cid -> {
                        Ledger.Pending p = byId.get(cid);
                        return p == null ? null : p.request();
                    },
                    r -> {
                        Ledger.Pending p = byId.get(r.customId());
                        if (p == null) return;
                        if (r instanceof BatchResult.Succeeded s) {
                            ledger.answers.put(p.key(), s.response());
                            store(p, s);
                            usage.accumulateAndGet(s.response().usage(), Usage::plus);
                            stored.incrementAndGet();
                        } else if (r instanceof BatchResult.Failed f) {
                            failures.put(r.customId(), "batch " + status.id() + ": " + f.kind() + ": " + f.message());
                        }
                    });
            for (String cid : entry.requests.keySet()) {
                Ledger.Pending p = byId.get(cid);
                if (p != null && !ledger.answers.containsKey(p.key()) && !failures.containsKey(cid)) {
                    failures.put(
                            cid, "batch " + status.id() + " has no result for this request (custom_id " + cid + ")");
                }
            }
        }
        ledger.errors.putAll(failures);
        state.applied(entry, failures);
        filled.add(status, usage.get());
        listener.applied(status, stored.get(), failures.size());
    }

    /** Stores an answer where a live call would: the LM's cache under the request's key. */
    private static void store(Ledger.Pending p, BatchResult.Succeeded s) {
        ResponseCache cache = p.target().cache();
        LmRequest request = p.request();
        if (cache == null || !request.cache()) return;
        try {
            cache.put(p.key(), s.response());
        } catch (RuntimeException e) {
            // the answer still serves this run from memory; a rerun would need the batch again
            LOG.warn(
                    "{}: the response cache failed to store a batch answer ({}); it serves this run only",
                    p.target().model(),
                    e.toString());
        }
    }
}
