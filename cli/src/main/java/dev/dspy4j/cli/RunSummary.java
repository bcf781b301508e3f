package dev.dspy4j.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dspy4j.lm.UsageSummary;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * The tally of one {@code dspy4j run} and the summary it prints at the end: rows done, errors by type,
 * rows from the cache, what the cache could not do, the time, the output file, and the LM usage and
 * cost; with {@code --json}, the same as one JSON object on standard output. Thread-safe counters: the
 * row threads {@linkplain #add add} their results while the main thread reads them for the progress line.
 */
final class RunSummary {
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong cached = new AtomicLong();
    private final Map<String, Long> errors = new ConcurrentHashMap<>();
    private final long startNanos = System.nanoTime();

    /** Counts a finished row's output object (its {@code error_type}, or whether it came from the cache). */
    void add(ObjectNode result) {
        if (result.has("error")) errors.merge(result.get("error_type").asText(), 1L, Long::sum);
        else if (result.path("cached").asBoolean(false)) cached.incrementAndGet();
        done.incrementAndGet();
    }

    /** Adds the error rows kept from an earlier output ({@code --resume}), by error type. */
    void addKept(Map<String, Long> keptErrors) {
        keptErrors.forEach((type, n) -> errors.merge(type, n, Long::sum));
    }

    /** {@return the rows run (and written) by this run} */
    long done() {
        return done.get();
    }

    /** {@return the rows that succeeded from the cache} */
    long cached() {
        return cached.get();
    }

    /** {@return the error rows, of this run and (after {@link #addKept}) kept ones} */
    long failed() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * Prints the summary to {@code err} and, when {@code stdout} is not null, the JSON object to it.
     *
     * @param uploads whether {@code --uploads} is on (the uploads this run made are then counted)
     * @param total   the rows this run was to run (not blank, not kept)
     * @param blank   the line numbers of blank input lines
     * @param stopped whether the run was interrupted
     */
    void print(
            PrintWriter err,
            PrintWriter stdout,
            Path out,
            boolean retryFailed,
            boolean uploads,
            CliCache cache,
            ResultsFile results,
            List<Long> blank,
            long total,
            boolean stopped,
            UsageSummary usage) {
        long failed = failed();
        long rows = done() + results.keptCount();
        StringBuilder s = new StringBuilder(RowCounts.line(rows, errors, cached()));
        if (results.keptCount() > 0) s.append(", ").append(results.keptCount()).append(" kept from the earlier output");
        if (cache != null && cache.writeFailures() > 0) {
            s.append(", ").append(cache.writeFailures()).append(" answers could not be written to the cache");
        }
        long unread = cache == null ? 0 : cache.rowsWithFailedReads();
        if (unread > 0) s.append(", cache reads failed for ").append(unread).append(unread == 1 ? " row" : " rows");
        boolean counted = uploads && cache != null; // without a cache the client keeps its registry to itself
        if (counted && cache.uploads() == 0) s.append(", no files uploaded");
        else if (counted) {
            s.append(", ").append(cache.uploads()).append(cache.uploads() == 1 ? " file" : " files");
            s.append(" uploaded (")
                    .append(SeedBenchmark.size(cache.uploadedBytes()))
                    .append(')');
        }
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        s.append(String.format(", %.1f s; output in %s", seconds, out));
        if (stopped) {
            s.append("\ninterrupted: ")
                    .append(total - done())
                    .append(" rows not run; run again with --resume to finish them");
        }
        if (!blank.isEmpty()) {
            s.append("\nskipped blank lines: ")
                    .append(blank.stream().limit(20).map(String::valueOf).collect(Collectors.joining(", ")))
                    .append(blank.size() > 20 ? ", ... (" + blank.size() + " in all)" : "");
        }
        if (results.dropped() > 0) {
            s.append("\n")
                    .append(results.dropped())
                    .append(" line(s) of the earlier output were dropped (cut off, ")
                    .append("not a result, or for a row no longer in --data or whose id changed")
                    .append(retryFailed ? ", or error rows run again)" : ")");
        }
        s.append("\nLM: ").append(usage);
        err.println(s);
        err.flush();
        if (stdout != null) {
            ObjectNode j = Jsons.MAPPER.createObjectNode();
            j.put("rows", rows)
                    .put("ok", rows - failed)
                    .put("errors", failed)
                    .put("cached", cached())
                    .put("seconds", seconds)
                    .put("out", out.toString())
                    .put("interrupted", stopped);
            if (counted) j.put("uploads", cache.uploads()).put("upload_bytes", cache.uploadedBytes());
            j.set("usage", usageJson(usage));
            stdout.println(j);
            stdout.flush();
        }
    }

    /** The usage summary as JSON: calls, cache hits, tokens, cost in USD and the price table's date. */
    static ObjectNode usageJson(UsageSummary u) {
        ObjectNode j = Jsons.MAPPER.createObjectNode();
        j.put("lm_calls", u.calls())
                .put("cache_hits", u.cacheHits())
                .put("lm_errors", u.errors())
                .put("input_tokens", u.usage().promptTokens())
                .put("cached_input_tokens", u.usage().cachedPromptTokens())
                .put("cache_write_tokens", u.usage().cacheWriteTokens())
                .put("output_tokens", u.usage().completionTokens())
                .put("reasoning_tokens", u.usage().reasoningTokens())
                .put("cost_usd", usd(u.cost()))
                .put("prices_as_of", u.pricesAsOf());
        u.unpricedModels().stream().sorted().forEach(j.putArray("unpriced_models")::add);
        return j;
    }

    /** Dollars as a plain decimal to a millionth of a dollar ({@code 0.00042}, not {@code 4.200000000000002E-4}). */
    static BigDecimal usd(double cost) {
        return BigDecimal.valueOf(cost).setScale(6, RoundingMode.HALF_UP);
    }
}
